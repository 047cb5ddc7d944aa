/// DEFLATE decompression (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Foundation on Linux has no gzip API, so IDX files ending in `.gz` are inflated
/// here. Huffman codes are decoded through one flat lookup table per code, indexed by
/// the next `maxLength` input bits (LSB first, as DEFLATE packs them): an entry holds
/// the symbol and its code length, so each symbol costs one table read. Every input
/// is checked (over-subscribed codes, distances before the start of the output,
/// truncated streams): malformed data throws `InflateError`, never traps.
enum Inflate {
  /// Inflates the raw DEFLATE stream that starts at `start` in `input`. Returns the
  /// output and the index of the first byte after the stream (the final block ends
  /// inside a byte; the rest of that byte is padding).
  static func inflate(_ input: [UInt8], from start: Int = 0, expectedSize: Int = 0) throws -> (
    output: [UInt8], end: Int
  ) {
    var state = InflateState(input: input, position: start)
    if expectedSize > 0 { state.output.reserveCapacity(expectedSize) }
    var isFinal = false
    while !isFinal {
      isFinal = try state.bits(1) == 1
      switch try state.bits(2) {
      case 0: try state.storedBlock()
      case 1: try state.huffmanBlock(literals: FixedCodes.literals, distances: FixedCodes.distances)
      case 2:
        let (literals, distances) = try state.dynamicCodes()
        try state.huffmanBlock(literals: literals, distances: distances)
      default: throw InflateError(message: "invalid block type 3")
      }
    }
    return (state.output, state.bytePositionAfterAlign())
  }
}

/// Malformed or truncated compressed data.
public struct InflateError: Error, CustomStringConvertible, Sendable, Equatable {
  public var message: String
  public var description: String { "corrupt compressed data: \(message)" }
}

/// A canonical Huffman code as a lookup table: `table[next maxLength bits]` =
/// `symbol << 4 | codeLength`; a zero length marks bit patterns no code uses.
struct HuffmanTable: Sendable {
  let table: [UInt32]
  let maxLength: Int

  /// Builds the canonical code for per-symbol code lengths (0 = symbol unused), as
  /// RFC 1951 §3.2.2 assigns it: shorter codes first, equal lengths in symbol order.
  /// Incomplete codes are allowed (a lone distance code is legal); over-subscribed ones throw.
  init(lengths: [UInt8]) throws {
    var counts = [Int](repeating: 0, count: 16)
    for length in lengths { counts[Int(length)] += 1 }
    counts[0] = 0
    var left = 1
    for length in 1...15 {
      left = left * 2 - counts[length]
      if left < 0 { throw InflateError(message: "over-subscribed Huffman code") }
    }
    let maxLength = max(1, (1...15).last { counts[$0] > 0 } ?? 1)
    var nextCode = [Int](repeating: 0, count: 16)
    var code = 0
    for length in 1...15 {
      code = (code + counts[length - 1]) << 1
      nextCode[length] = code
    }
    var table = [UInt32](repeating: 0, count: 1 << maxLength)
    for (symbol, length) in lengths.enumerated() where length > 0 {
      let l = Int(length)
      let c = nextCode[l]
      nextCode[l] += 1
      // DEFLATE sends Huffman codes most-significant bit first into an LSB-first
      // stream, so the table is indexed by the bit-reversed code.
      var reversed = 0
      for b in 0..<l where c & (1 << b) != 0 { reversed |= 1 << (l - 1 - b) }
      let entry = UInt32(symbol) << 4 | UInt32(l)
      var index = reversed
      while index < table.count {
        table[index] = entry
        index += 1 << l
      }
    }
    self.table = table
    self.maxLength = maxLength
  }
}

/// The fixed codes of block type 1 (RFC 1951 §3.2.6).
private enum FixedCodes {
  static let literals: HuffmanTable = {
    var lengths = [UInt8](repeating: 8, count: 288)
    for i in 144..<256 { lengths[i] = 9 }
    for i in 256..<280 { lengths[i] = 7 }
    return try! HuffmanTable(lengths: lengths)  // a constant, valid code
  }()
  static let distances: HuffmanTable = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30))
}

/// Base values and extra bits of length codes 257…285 and distance codes 0…29.
private let lengthBase: [Int] = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]
private let lengthExtra: [Int] = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]
private let distanceBase: [Int] = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
]
private let distanceExtra: [Int] = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]
/// The order in which code-length code lengths are sent (RFC 1951 §3.2.7).
private let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/// The bit reader and output of one inflation.
private struct InflateState {
  let input: [UInt8]
  var position: Int
  /// Up to 64 not-yet-consumed input bits, the next one in bit 0.
  var bitBuffer: UInt64 = 0
  var bitCount = 0
  var output: [UInt8] = []

  init(input: [UInt8], position: Int) {
    self.input = input
    self.position = position
  }

  /// Tops the buffer up to at least 57 bits, or with whatever input is left.
  @inline(__always)
  mutating func refill() {
    while bitCount <= 56 && position < input.count {
      bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
      position += 1
      bitCount += 8
    }
  }

  /// The next `count` (≤ 32) bits as an integer, first bit least significant.
  @inline(__always)
  mutating func bits(_ count: Int) throws -> Int {
    if bitCount < count {
      refill()
      if bitCount < count { throw InflateError(message: "unexpected end of data") }
    }
    let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
    bitBuffer >>= UInt64(count)
    bitCount -= count
    return value
  }

  @inline(__always)
  mutating func decode(_ code: HuffmanTable) throws -> Int {
    if bitCount < code.maxLength { refill() }
    // Past the end of the input the missing bits read as zeros; a code that needs them is truncated.
    let entry = code.table[Int(bitBuffer & ((1 << UInt64(code.maxLength)) - 1))]
    let length = Int(entry & 15)
    if length == 0 { throw InflateError(message: "invalid Huffman code") }
    if length > bitCount { throw InflateError(message: "unexpected end of data") }
    bitBuffer >>= UInt64(length)
    bitCount -= length
    return Int(entry >> 4)
  }

  /// Drops the bits left in the current byte and returns buffered whole bytes to the input.
  mutating func alignToByte() {
    let drop = bitCount % 8
    bitBuffer >>= UInt64(drop)
    bitCount -= drop
    position -= bitCount / 8
    bitBuffer = 0
    bitCount = 0
  }

  mutating func bytePositionAfterAlign() -> Int {
    alignToByte()
    return position
  }

  mutating func storedBlock() throws {
    alignToByte()
    guard position + 4 <= input.count else { throw InflateError(message: "unexpected end of data") }
    let length = Int(input[position]) | Int(input[position + 1]) << 8
    let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
    guard length == (~complement & 0xFFFF) else {
      throw InflateError(message: "stored block length does not match its complement")
    }
    position += 4
    guard position + length <= input.count else { throw InflateError(message: "unexpected end of data") }
    output.append(contentsOf: input[position..<(position + length)])
    position += length
  }

  mutating func dynamicCodes() throws -> (HuffmanTable, HuffmanTable) {
    let literalCount = try bits(5) + 257
    let distanceCount = try bits(5) + 1
    let codeLengthCount = try bits(4) + 4
    guard literalCount <= 286, distanceCount <= 30 else {
      throw InflateError(message: "too many literal/length or distance codes")
    }
    var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    for i in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[i]] = UInt8(try bits(3)) }
    let codeLengthCode = try HuffmanTable(lengths: codeLengthLengths)

    var lengths = [UInt8]()
    lengths.reserveCapacity(literalCount + distanceCount)
    while lengths.count < literalCount + distanceCount {
      let symbol = try decode(codeLengthCode)
      var repeatValue: UInt8 = 0
      var repeatCount = 0
      switch symbol {
      case 0...15:
        lengths.append(UInt8(symbol))
        continue
      case 16:
        guard let previous = lengths.last else {
          throw InflateError(message: "repeat of a code length with none before it")
        }
        repeatValue = previous
        repeatCount = 3 + (try bits(2))
      case 17: repeatCount = 3 + (try bits(3))
      default: repeatCount = 11 + (try bits(7))
      }
      guard lengths.count + repeatCount <= literalCount + distanceCount else {
        throw InflateError(message: "code lengths overflow the code table")
      }
      lengths.append(contentsOf: repeatElement(repeatValue, count: repeatCount))
    }
    guard lengths[256] != 0 else { throw InflateError(message: "no end-of-block code") }
    return (
      try HuffmanTable(lengths: Array(lengths[0..<literalCount])),
      try HuffmanTable(lengths: Array(lengths[literalCount...]))
    )
  }

  mutating func huffmanBlock(literals: HuffmanTable, distances: HuffmanTable) throws {
    while true {
      let symbol = try decode(literals)
      if symbol < 256 {
        output.append(UInt8(symbol))
        continue
      }
      if symbol == 256 { return }
      let lengthIndex = symbol - 257
      guard lengthIndex < 29 else { throw InflateError(message: "invalid length code \(symbol)") }
      let length = lengthBase[lengthIndex] + (try bits(lengthExtra[lengthIndex]))
      let distanceCode = try decode(distances)
      guard distanceCode < 30 else { throw InflateError(message: "invalid distance code \(distanceCode)") }
      let distance = distanceBase[distanceCode] + (try bits(distanceExtra[distanceCode]))
      guard distance <= output.count else {
        throw InflateError(message: "distance \(distance) reaches before the start of the output")
      }
      // Byte by byte: a match may overlap the bytes it is producing (distance < length).
      var from = output.count - distance
      for _ in 0..<length {
        output.append(output[from])
        from += 1
      }
    }
  }
}
