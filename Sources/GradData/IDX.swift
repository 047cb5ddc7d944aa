import Foundation

/// The header of an IDX file, the format of MNIST, Fashion-MNIST and KMNIST (LeCun et
/// al.): big-endian,
///
///     magic: 0x00 0x00 TYPE NDIMS,  NDIMS × UInt32 sizes,  the values row-major
///
/// TYPE 0x08 UInt8, 0x09 Int8, 0x0B Int16, 0x0C Int32, 0x0D Float32, 0x0E Float64.
/// Files may be gzip-compressed (`InflatingSource`), recognised by content, not by name.
///
/// Edge cases: the header is read and checked alone — the value count against
/// `DataLimits.maxValues` (2²⁸), the file's size against the count — before any
/// value is read or memory is set aside for it.
struct IDXHeader: Sendable, Equatable {
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

  /// Items: the first dimension.
  var count: Int { dimensions.first ?? 0 }
  /// Values per item: the product of all dimensions but the first.
  var itemSize: Int { dimensions.dropFirst().reduce(1, *) }
  /// All values: the product of the dimensions (at most 2²⁸, checked when read).
  var valueCount: Int { dimensions.reduce(1, *) }
  /// Bytes of the header itself.
  var headerSize: Int { 4 + 4 * dimensions.count }
  /// Bytes of values after the header.
  var payloadSize: Int { valueCount * type.size }
  /// `10×4×3`
  var shape: String { dimensions.map(String.init).joined(separator: "×") }

  /// Reads and checks the header at the start of `source` (4 + 4·NDIMS bytes, no more).
  init(from source: ByteSource) throws {
    let magic = try source.read(4)
    guard magic.count == 4 else { throw FormatError(message: "not an IDX file: only \(magic.count) bytes") }
    guard magic[0] == 0, magic[1] == 0, let type = ElementType(rawValue: magic[2]) else {
      let text = magic.map { String(format: "%02x", $0) }.joined(separator: " ")
      throw FormatError(
        message: "not an IDX file: magic bytes \(text), expected 00 00 then a type code (08 for bytes) and the dimension count")
    }
    let rank = Int(magic[3])
    guard rank >= 1 else { throw FormatError(message: "IDX header gives 0 dimensions") }
    let sizes = try source.read(4 * rank)
    guard sizes.count == 4 * rank else { throw FormatError(message: "IDX header cut short") }
    let dimensions = (0..<rank).map { d in
      sizes[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
    }
    var values = 1
    for d in dimensions {
      let (product, overflow) = values.multipliedReportingOverflow(by: d)
      values = overflow ? Int.max : product
    }
    guard values <= DataLimits.maxValues else {
      throw FormatError(
        message: "IDX header declares \(dimensions.map(String.init).joined(separator: "×")) = \(values == .max ? "more than 2⁶³" : String(values)) values, more than 2²⁸ = 268,435,456")
    }
    self.type = type
    self.dimensions = dimensions
  }

  /// The error for a file whose values are not as many bytes as the header declares.
  func sizeMismatch(found: String) -> FormatError {
    FormatError(message: "IDX header says \(shape) values (\(payloadSize) bytes) but the file has \(found) bytes of data")
  }

  /// Value `i` of `chunk` (0-based) as a Double.
  func value(_ i: Int, in chunk: [UInt8]) -> Double {
    let o = i * type.size
    func word(_ n: Int) -> UInt64 {
      var w: UInt64 = 0
      for k in 0..<n { w = w << 8 | UInt64(chunk[o + k]) }
      return w
    }
    switch type {
    case .uint8: return Double(chunk[o])
    case .int8: return Double(Int8(bitPattern: chunk[o]))
    case .int16: return Double(Int16(bitPattern: UInt16(word(2))))
    case .int32: return Double(Int32(bitPattern: UInt32(word(4))))
    case .float32: return Double(Float(bitPattern: UInt32(word(4))))
    case .float64: return Double(bitPattern: word(8))
    }
  }

  /// Reads the values after the header from `source` in chunks of whole values and
  /// hands each to `body` with the index of its first value; throws when the data is
  /// shorter or longer than declared (reading at most one byte past it).
  func forEachChunk(of source: ByteSource, _ body: (_ chunk: [UInt8], _ firstValue: Int) throws -> Void) throws {
    let chunkBytes = DataLimits.chunkSize / 8 * 8
    var done = 0
    while done < payloadSize {
      let piece = try source.read(min(chunkBytes, payloadSize - done))
      guard !piece.isEmpty else { throw sizeMismatch(found: String(done)) }
      if piece.count % type.size != 0 { throw sizeMismatch(found: String(done + piece.count)) }
      try body(piece, done / type.size)
      done += piece.count
    }
    if !(try source.read(1)).isEmpty { throw sizeMismatch(found: "more than \(payloadSize)") }
  }

  /// Every value as Float32 features; bytes (MNIST pixels) become value/255 ∈ [0, 1].
  /// A value that is not finite as Float32 (NaN, ±∞, beyond ±3.4e38) is an error
  /// naming its item, as for CSV.
  func features(from source: ByteSource, reserve: Bool) throws -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(reserve ? valueCount : min(valueCount, DataLimits.chunkSize))
    let perItem = max(itemSize, 1)
    try forEachChunk(of: source) { chunk, first in
      if type == .uint8 {
        out.append(contentsOf: chunk.lazy.map { Float($0) / 255 })
        return
      }
      for i in 0..<(chunk.count / type.size) {
        let v = Float(value(i, in: chunk))
        guard v.isFinite else {
          let index = first + i
          throw FormatError(
            message: "item \(index / perItem), value \(index % perItem): \(value(i, in: chunk)) is not a finite number (as Float32)",
            line: index / perItem + 1)
        }
        out.append(v)
      }
    }
    return out
  }

  /// Every value as a class index (0 ≤ label < 10,000).
  func labels(from source: ByteSource) throws -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(min(valueCount, DataLimits.chunkSize))
    try forEachChunk(of: source) { chunk, first in
      for i in 0..<(chunk.count / type.size) {
        let v = value(i, in: chunk)
        guard v >= 0, v < 10_000 else {
          throw FormatError(
            message: "label \(Int(v)) of item \(first + i) is out of range (labels are class indices 0, 1, 2, …)",
            line: first + i + 1)
        }
        out.append(Int32(v))
      }
    }
    return out
  }
}

/// Writes IDX files (used by tests and by anyone exporting data for other tools).
enum IDXWriter {
  static func bytes(uint8 values: [UInt8], dimensions: [Int]) -> [UInt8] {
    header(type: 0x08, dimensions: dimensions) + values
  }

  /// Float32 values, big-endian.
  static func bytes(float32 values: [Float], dimensions: [Int]) -> [UInt8] {
    header(type: 0x0D, dimensions: dimensions) + values.flatMap { v in
      let w = v.bitPattern
      return [UInt8(w >> 24), UInt8(w >> 16 & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w & 0xFF)]
    }
  }

  static func header(type: UInt8, dimensions: [Int]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for d in dimensions {
      out += [UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16), UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d)]
    }
    return out
  }
}
