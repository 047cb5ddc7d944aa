import Foundation

/// The IDX format of MNIST, Fashion-MNIST and KMNIST (LeCun et al.): big-endian,
///
///     magic: 0x00 0x00 TYPE NDIMS,  NDIMS × UInt32 sizes,  the values row-major
///
/// TYPE 0x08 UInt8, 0x09 Int8, 0x0B Int16, 0x0C Int32, 0x0D Float32, 0x0E Float64.
/// Files may be gzip-compressed (`Gzip`), recognised by content, not by name.
struct IDXArray: Sendable, Equatable {
  enum ElementType: UInt8, Sendable {
    case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

    var size: Int {
      switch self {
      case .uint8, .int8: 1
      case .int16: 2
      case .int32, .float32: 4
      case .float64: 8
      }
    }

    var isInteger: Bool { self != .float32 && self != .float64 }
  }

  var type: ElementType
  var dimensions: [Int]
  /// The raw big-endian values after the header.
  var payload: ArraySlice<UInt8>

  var count: Int { dimensions.first ?? 0 }
  /// Values per item: the product of all dimensions but the first.
  var itemSize: Int { dimensions.dropFirst().reduce(1, *) }

  /// Parses an IDX file, inflating it first if it is gzip-compressed.
  init(bytes raw: [UInt8]) throws {
    let bytes = Gzip.isCompressed(raw) ? try Gzip.decompress(raw) : raw
    guard bytes.count >= 4 else {
      throw FormatError(message: "not an IDX file: only \(bytes.count) bytes")
    }
    guard bytes[0] == 0, bytes[1] == 0, let type = ElementType(rawValue: bytes[2]) else {
      let magic = bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
      throw FormatError(
        message: "not an IDX file: magic bytes \(magic), expected 00 00 then a type code (08 for bytes) and the dimension count")
    }
    let rank = Int(bytes[3])
    guard rank >= 1 else { throw FormatError(message: "IDX header gives 0 dimensions") }
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else { throw FormatError(message: "IDX header cut short") }
    var dimensions: [Int] = []
    for d in 0..<rank {
      let o = 4 + 4 * d
      dimensions.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
    }
    // Guard the product against overflow before trusting it.
    var expected = type.size
    for d in dimensions {
      let (product, overflow) = expected.multipliedReportingOverflow(by: d)
      guard !overflow, product <= 1 << 40 else { throw FormatError(message: "IDX dimensions \(dimensions) are impossibly large") }
      expected = product
    }
    let available = bytes.count - headerSize
    guard available == expected else {
      throw FormatError(
        message: "IDX header says \(dimensions.map(String.init).joined(separator: "×")) values (\(expected) bytes) but the file has \(available) bytes of data")
    }
    self.type = type
    self.dimensions = dimensions
    self.payload = bytes[headerSize...]
  }

  /// Value `i` (0-based, row-major) as a Double.
  func value(_ i: Int) -> Double {
    let o = payload.startIndex + i * type.size
    func word(_ n: Int) -> UInt64 {
      var w: UInt64 = 0
      for k in 0..<n { w = w << 8 | UInt64(payload[o + k]) }
      return w
    }
    switch type {
    case .uint8: return Double(payload[o])
    case .int8: return Double(Int8(bitPattern: payload[o]))
    case .int16: return Double(Int16(bitPattern: UInt16(word(2))))
    case .int32: return Double(Int32(bitPattern: UInt32(word(4))))
    case .float32: return Double(Float(bitPattern: UInt32(word(4))))
    case .float64: return Double(bitPattern: word(8))
    }
  }

  /// The first `rows` items as Float32 features; bytes (MNIST pixels) become value/255 ∈ [0, 1].
  func features(rows: Int) -> [Float] {
    let n = rows * itemSize
    if type == .uint8 {
      return payload.prefix(n).map { Float($0) / 255 }
    }
    return (0..<n).map { Float(value($0)) }
  }
}

/// Writes IDX files (used by tests and by anyone exporting data for other tools).
enum IDXWriter {
  static func bytes(uint8 values: [UInt8], dimensions: [Int]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for d in dimensions {
      out += [UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16), UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d)]
    }
    return out + values
  }
}
