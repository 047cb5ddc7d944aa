/// Reads a CSV file record by record, per RFC 4180 — fields separated by commas,
/// quoted fields may hold commas, doubled quotes and newlines, CRLF, LF or CR line
/// ends — straight from its bytes, without building strings for fields that are only
/// numbers. Blank lines are skipped; a UTF-8 byte-order mark is dropped. Each record
/// comes with the 1-based line it starts on, for error messages.
///
/// From a `ByteSource` it reads `DataLimits.chunkSize` bytes at a time and holds only
/// the record being read and what follows it in the current chunk.
///
/// Edge cases: a chunk holding a zero byte throws `BinaryData` before it is parsed (so
/// a sparse or binary file costs one chunk); a row longer than `maxCSVRowBytes` or
/// with more than `maxCSVColumns` fields is an error, so memory stays bounded.
struct CSVScanner {
  /// A field: its bytes are `bytes[start..<end]`, quotes removed; `escapedQuotes` when
  /// a doubled quote inside must become one. Valid until the next call of `next`.
  struct Field {
    var start: Int
    var end: Int
    var escapedQuotes: Bool
  }

  /// The data holds a zero byte: a binary file, not CSV text.
  struct BinaryData: Error {}

  /// The bytes held: all of them for a scanner made from bytes; from a source, the
  /// record being read and the rest of the chunk.
  private(set) var bytes: [UInt8]
  private var position = 0
  private var line = 1
  private let source: ByteSource?
  /// No more bytes will come.
  private var atEnd: Bool
  private var sawFirstChunk = false

  init(bytes: [UInt8]) {
    self.bytes = bytes
    source = nil
    atEnd = true
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  init(source: ByteSource) {
    bytes = []
    self.source = source
    atEnd = false
  }

  private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""),
    newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"),
    space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

  /// Reads the next record's fields into `fields` (reusing its storage) and returns the
  /// line it starts on, or nil at the end of the file.
  mutating func next(into fields: inout [Field]) throws -> Int? {
    while true {
      try skipBlankLines()
      guard position < bytes.count else { return nil }
      let start = position, startLine = line
      if let recordLine = try scanRecord(into: &fields) { return recordLine }
      // The record runs past the bytes held: read on and scan it again.
      position = start
      line = startLine
      try refill()
    }
  }

  private mutating func skipBlankLines() throws {
    while true {
      while position < bytes.count, bytes[position] == Self.newline || bytes[position] == Self.carriageReturn {
        if bytes[position] == Self.carriageReturn && position + 1 == bytes.count && !atEnd { break }  // CR|LF across chunks
        consumeLineEnd()
      }
      guard !atEnd, position + 1 >= bytes.count else { return }
      if position + 1 == bytes.count && bytes[position] != Self.carriageReturn { return }
      try refill()
    }
  }

  /// One record from `position`, or nil when it may continue past the bytes held.
  private mutating func scanRecord(into fields: inout [Field]) throws -> Int? {
    let n = bytes.count
    let more = !atEnd
    let recordLine = line
    fields.removeAll(keepingCapacity: true)
    while true {
      guard fields.count < DataLimits.maxCSVColumns else {
        throw FormatError(message: "the row has more than \(DataLimits.maxCSVColumns) fields", line: recordLine)
      }
      if position < n, bytes[position] == Self.quote {
        let quoteLine = line
        position += 1
        let start = position
        var escaped = false
        while true {
          guard position < n else {
            if more { return nil }
            throw FormatError(message: "a quoted field opened here is never closed", line: quoteLine)
          }
          let b = bytes[position]
          if more && position + 1 >= n && (b == Self.quote || b == Self.carriageReturn) { return nil }
          if b == Self.quote {
            if position + 1 < n, bytes[position + 1] == Self.quote {
              escaped = true
              position += 2
              continue
            }
            break
          }
          if b == Self.newline || (b == Self.carriageReturn && (position + 1 >= n || bytes[position + 1] != Self.newline)) {
            line += 1
          }
          position += 1
        }
        fields.append(Field(start: start, end: position, escapedQuotes: escaped))
        position += 1
        while position < n, bytes[position] == Self.space || bytes[position] == Self.tab { position += 1 }
        if more && position >= n { return nil }
        if position < n, bytes[position] != Self.comma, bytes[position] != Self.newline,
          bytes[position] != Self.carriageReturn
        {
          throw FormatError(message: "text after a closing quote", line: line)
        }
      } else {
        let start = position
        while position < n {
          let b = bytes[position]
          if b == Self.comma || b == Self.newline || b == Self.carriageReturn { break }
          position += 1
        }
        if more && position >= n { return nil }
        fields.append(Field(start: start, end: position, escapedQuotes: false))
      }
      guard position < n else { return recordLine }
      if bytes[position] == Self.comma {
        position += 1
        continue
      }
      if more && position + 1 >= n && bytes[position] == Self.carriageReturn { return nil }
      consumeLineEnd()
      return recordLine
    }
  }

  /// A scanner over a copy of just the bytes of `fields` (one record), and the fields
  /// in it: for a record that must outlive the next call of `next`.
  func detached(_ fields: [Field]) -> (CSVScanner, [Field]) {
    let start = fields.first?.start ?? 0, end = fields.last?.end ?? 0
    let moved = fields.map { Field(start: $0.start - start, end: $0.end - start, escapedQuotes: $0.escapedQuotes) }
    return (CSVScanner(bytes: Array(bytes[start..<end])), moved)
  }

  /// Drops the bytes before `position` and appends the next chunk (at least as large
  /// as what is held, so a long record is rescanned a bounded number of times).
  private mutating func refill() throws {
    guard let source, !atEnd else { return }
    if position > 0 {
      bytes.removeSubrange(0..<position)
      position = 0
    }
    guard bytes.count < DataLimits.maxCSVRowBytes else {
      throw FormatError(message: "the row is longer than \(DataLimits.maxCSVRowBytes >> 20) MiB", line: line)
    }
    try append(source.read(max(DataLimits.chunkSize, bytes.count)))
    if !sawFirstChunk {
      // The byte-order mark, once 3 bytes are held (a source may hand out fewer).
      while bytes.count < 3 && !atEnd { try append(source.read(DataLimits.chunkSize)) }
      sawFirstChunk = true
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }
  }

  private mutating func append(_ piece: [UInt8]) throws {
    guard !piece.isEmpty else {
      atEnd = true
      return
    }
    if piece.contains(0) { throw BinaryData() }
    bytes += piece
  }

  /// Steps over one LF, CR LF or CR.
  private mutating func consumeLineEnd() {
    if bytes[position] == Self.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Self.newline {
      position += 1
    }
    position += 1
    line += 1
  }

  /// The field's bytes without surrounding spaces and tabs.
  func trimmed(_ field: Field) -> Range<Int> {
    var a = field.start, b = field.end
    while a < b, bytes[a] == Self.space || bytes[a] == Self.tab { a += 1 }
    while b > a, bytes[b - 1] == Self.space || bytes[b - 1] == Self.tab { b -= 1 }
    return a..<b
  }

  /// The field as text (spaces kept; a doubled quote becomes one; invalid UTF-8 repaired).
  func text(_ field: Field, trimming: Bool = false) -> String {
    let range = trimming ? trimmed(field) : field.start..<field.end
    let text = String(decoding: bytes[range], as: UTF8.self)
    return field.escapedQuotes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
  }

  /// The field as a number, nil when it is not one. Plain decimals of up to 15 digits
  /// (`-12.5`, `255`) take a fast path that is exact: the digits form an integer
  /// m < 2⁵³ and m / 10ᵏ is one correctly rounded IEEE division (Clinger's fast path);
  /// anything else (exponents, `nan`, long mantissas) goes through the standard library.
  func number(_ field: Field) -> Double? {
    let range = trimmed(field)
    guard !range.isEmpty else { return nil }
    var i = range.lowerBound
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0, digits = 0, fraction = 0, sawPoint = false, simple = i < range.upperBound
    while i < range.upperBound {
      let b = bytes[i]
      if b >= 0x30 && b <= 0x39 {
        mantissa = mantissa &* 10 &+ UInt64(b - 0x30)
        digits += 1
        if sawPoint { fraction += 1 }
      } else if b == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else {
        simple = false
        break
      }
      i += 1
    }
    if simple && digits > 0 && digits <= 15 {
      let value = Double(mantissa) / Self.powersOfTen[fraction]
      return negative ? -value : value
    }
    return Double(String(decoding: bytes[range], as: UTF8.self))
  }

  private static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }
}
