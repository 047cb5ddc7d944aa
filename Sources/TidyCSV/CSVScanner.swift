/// gradsweep's one CSV reader: it reads records straight from bytes, without building
/// strings for fields that are only numbers. `CSVTable` (whole files of text),
/// the report's numeric log reader and the data loader's streamed CSV files all
/// read through it, so every CSV file gradsweep reads follows one rule.
///
/// The rule is RFC 4180's, the one `CSVWriter` writes:
/// - fields are separated by commas; records end with LF, CR LF or a lone CR;
/// - a field that starts with `"` is quoted: it may hold commas, line breaks (kept as
///   they are in the file) and doubled quotes (`""` reads as `"`); after its closing
///   quote only blanks (spaces, tabs, which are dropped), a comma or the end of the
///   record may follow — anything else is `CSVSyntaxError.textAfterClosingQuote`;
/// - a `"` anywhere else in a field is an ordinary character;
/// - blank lines are skipped, a UTF-8 byte-order mark at the start is dropped.
/// Each record comes with the 1-based line it starts on.
///
/// From a chunked source (`init(limits:read:)`) it holds only the record being read and
/// the rest of the current chunk, so memory stays bounded whatever the file.
///
/// Errors: `CSVSyntaxError` with the line and column; an error of `read` is passed on.
///
/// Edge cases: from a source, a chunk holding a zero byte throws `.binaryData` before
/// it is parsed (a sparse or binary file costs one chunk); a record longer than
/// `maxRecordBytes` or with more than `maxFields` fields is an error.
package struct CSVScanner {
  /// A field: its bytes are `bytes[start..<end]`, quotes removed; `escapedQuotes` when
  /// a doubled quote inside must become one. Valid until the next call of `next`.
  package struct Field: Sendable, Equatable {
    package var start: Int
    package var end: Int
    package var escapedQuotes: Bool

    package init(start: Int, end: Int, escapedQuotes: Bool) {
      self.start = start
      self.end = end
      self.escapedQuotes = escapedQuotes
    }
  }

  /// How much a chunked source is read at a time, and the largest record accepted.
  package struct Limits: Sendable {
    package var chunkSize: Int
    package var maxRecordBytes: Int
    package var maxFields: Int

    package init(chunkSize: Int = 1 << 20, maxRecordBytes: Int = 16 << 20, maxFields: Int = 1 << 20) {
      self.chunkSize = chunkSize
      self.maxRecordBytes = maxRecordBytes
      self.maxFields = maxFields
    }
  }

  /// The bytes held: all of them for a scanner made from bytes; from a source, the
  /// record being read and the rest of the chunk.
  package private(set) var bytes: [UInt8]
  private var position = 0
  private var line = 1
  /// Where the current line starts in `bytes` (for the column of an error).
  private var lineStart = 0
  private let read: ((Int) throws -> [UInt8])?
  private let limits: Limits
  /// No more bytes will come.
  private var atEnd: Bool
  private var sawFirstChunk = false

  package init(bytes: [UInt8]) {
    self.bytes = bytes
    read = nil
    limits = Limits(maxRecordBytes: .max, maxFields: .max)
    atEnd = true
    if bytes.starts(with: Self.byteOrderMark) { position = 3 }
    lineStart = position
  }

  /// A scanner over a stream: `read(n)` returns the next bytes, at most `n` and fewer
  /// only at the end, empty at the end.
  package init(limits: Limits = Limits(), read: @escaping (Int) throws -> [UInt8]) {
    bytes = []
    self.read = read
    self.limits = limits
    atEnd = false
  }

  private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
  private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""),
    newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"),
    space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

  /// Reads the next record's fields into `fields` (reusing its storage) and returns the
  /// line it starts on, or nil at the end of the data.
  package mutating func next(into fields: inout [Field]) throws -> Int? {
    while true {
      try skipBlankLines()
      guard position < bytes.count else { return nil }
      let start = position, startLine = line, startOfLine = lineStart
      if let recordLine = try scanRecord(into: &fields) { return recordLine }
      // The record runs past the bytes held: read on and scan it again.
      position = start
      line = startLine
      lineStart = startOfLine
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
      guard fields.count < limits.maxFields else {
        throw CSVSyntaxError(.tooManyFields(limits.maxFields), line: recordLine, column: column(at: position))
      }
      if position < n, bytes[position] == Self.quote {
        let quoteLine = line, quoteColumn = column(at: position)
        position += 1
        let start = position
        var escaped = false
        while true {
          guard position < n else {
            if more { return nil }
            throw CSVSyntaxError(.unterminatedQuote, line: quoteLine, column: quoteColumn)
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
            lineStart = position + 1
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
          throw CSVSyntaxError(.textAfterClosingQuote, line: line, column: column(at: position))
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

  /// The 1-based column (in characters) of byte `index` on the current line.
  private func column(at index: Int) -> Int {
    let from = min(max(lineStart, 0), index)
    return String(decoding: bytes[from..<min(index, bytes.count)], as: UTF8.self).count + 1
  }

  /// A scanner over a copy of just the bytes of `fields` (one record), and the fields
  /// in it: for a record that must outlive the next call of `next`.
  package func detached(_ fields: [Field]) -> (CSVScanner, [Field]) {
    let start = fields.first?.start ?? 0, end = fields.last?.end ?? 0
    let moved = fields.map { Field(start: $0.start - start, end: $0.end - start, escapedQuotes: $0.escapedQuotes) }
    return (CSVScanner(bytes: Array(bytes[start..<end])), moved)
  }

  /// Drops the bytes before `position` and appends the next chunk (at least as large
  /// as what is held, so a long record is rescanned a bounded number of times).
  private mutating func refill() throws {
    guard let read, !atEnd else { return }
    if position > 0 {
      bytes.removeSubrange(0..<position)
      lineStart -= position
      position = 0
    }
    guard bytes.count < limits.maxRecordBytes else {
      throw CSVSyntaxError(.recordTooLong(limits.maxRecordBytes), line: line, column: nil)
    }
    try append(read, max(limits.chunkSize, bytes.count))
    if !sawFirstChunk {
      // The byte-order mark, once 3 bytes are held (a source may hand out fewer).
      while bytes.count < 3 && !atEnd { try append(read, limits.chunkSize) }
      sawFirstChunk = true
      if bytes.starts(with: Self.byteOrderMark) { position = 3 }
      lineStart = position
    }
  }

  private mutating func append(_ read: (Int) throws -> [UInt8], _ count: Int) throws {
    let piece = try read(count)
    guard !piece.isEmpty else {
      atEnd = true
      return
    }
    if piece.contains(0) { throw CSVSyntaxError(.binaryData, line: line, column: nil) }
    bytes += piece
  }

  /// Steps over one LF, CR LF or CR.
  private mutating func consumeLineEnd() {
    if bytes[position] == Self.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Self.newline {
      position += 1
    }
    position += 1
    line += 1
    lineStart = position
  }
}
