import Foundation
import Testing

@testable import TidyCSV

/// The one CSV reader (`CSVScanner`, and `CSVTable` on it): RFC 4180 quoting, line
/// ends, byte-order marks, empty fields, located errors, and streamed reading that
/// gives what reading the whole text gives.
@Suite("CSV reading")
struct CSVReadingTests {
  /// Every record of `bytes` as `line:field|field|…`, read whole or streamed.
  static func records(_ scanner: inout CSVScanner) throws -> [String] {
    var fields: [CSVScanner.Field] = []
    var out: [String] = []
    while let line = try scanner.next(into: &fields) {
      out.append("\(line):" + fields.map { scanner.text($0) }.joined(separator: "|"))
    }
    return out
  }

  static func records(_ text: String) throws -> [String] {
    var scanner = CSVScanner(bytes: Array(text.utf8))
    return try records(&scanner)
  }

  /// Hands out `bytes` `step` at a time, counting what was read.
  final class Trickle {
    let bytes: [UInt8]
    let step: Int
    var position = 0
    init(_ bytes: [UInt8], step: Int) {
      self.bytes = bytes
      self.step = step
    }
    func read(_ count: Int) -> [UInt8] {
      let end = min(bytes.count, position + min(count, step))
      defer { position = end }
      return Array(bytes[position..<end])
    }
  }

  static func syntaxError(_ text: String) -> CSVSyntaxError? {
    var scanner = CSVScanner(bytes: Array(text.utf8))
    do {
      _ = try records(&scanner)
      return nil
    } catch {
      return error as? CSVSyntaxError
    }
  }

  @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
    let text = "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"cr\r\nlf\"\n"
    #expect(try Self.records(text) == ["1:a|b", "2:x, y|say \"hi\"", "3:two\nlines|cr\r\nlf"])
    // A quote that does not open a field is an ordinary character.
    #expect(try Self.records("5\"7,a\"b\"\n") == ["1:5\"7|a\"b\""])
    // Blanks after a closing quote are dropped; other text there is an error, located.
    #expect(try Self.records("\"q\" \t,1\n") == ["1:q|1"])
    #expect(Self.syntaxError("x,y\n1,\"2\"z\n") == CSVSyntaxError(.textAfterClosingQuote, line: 2, column: 6))
  }

  @Test func lineEndsBlankLinesByteOrderMarkAndEmptyFields() throws {
    let text = "\u{FEFF}a,b,c\r\n1,,3\r\n\r\n\n4,5,\r,,\n7,8,9"
    #expect(try Self.records(text) == ["1:a|b|c", "2:1||3", "5:4|5|", "6:||", "7:7|8|9"])
    #expect(try Self.records("") == [] && Self.records("\n\r\n") == [])
    #expect(try Self.records("\"\"") == ["1:"])
  }

  @Test func syntaxErrorsAreLocatedByLineAndColumn() throws {
    // The column of an unclosed quote is its opening quote's, counted in characters.
    #expect(Self.syntaxError("a,b\n1,2\nπ,\"3\n") == CSVSyntaxError(.unterminatedQuote, line: 3, column: 3))
    let error = try #require(Self.syntaxError("a\n\"x\ny\"z\n"))
    #expect(error == CSVSyntaxError(.textAfterClosingQuote, line: 3, column: 3))
    #expect(error.location == "3:3")
    #expect(throws: CSVError.malformed(path: "f.csv", line: 3, column: 3, problem: error.description)) {
      try CSVTable(parsing: "a\n\"x\ny\"z\n", path: "f.csv")
    }
    #expect(CSVError.malformed(path: "f.csv", line: 3, column: 3, problem: "p").description == "f.csv:3:3: error: p")
  }

  @Test func raggedRowsNameTheirLine() throws {
    // The quoted line break moves the next record to line 4.
    let text = "a,b\n\"1\n2\",3\n4\n"
    #expect(throws: CSVError.ragged(path: "f.csv", line: 4, expected: 2, found: 1)) {
      try CSVTable(parsing: text, path: "f.csv")
    }
    #expect(
      CSVError.ragged(path: "f.csv", line: 4, expected: 2, found: 1).description
        == "f.csv:4: error: row has 1 fields, the header has 2")
  }

  @Test func tablesReadHeaderRowsAndNumbers() throws {
    let table = try CSVTable(parsing: "\u{FEFF}step,loss\r\n0,2.5\r\n10,\r\n20,nan\r\n")
    #expect(table.header == ["step", "loss"])
    #expect(table.rows == [["0", "2.5"], ["10", ""], ["20", "nan"]])
    let loss = try table.numbers("loss")
    #expect(loss.count == 3 && loss[0] == 2.5 && loss[1] == nil && loss[2]?.isNaN == true)
    #expect(throws: CSVError.self) { try table.column("accuracy") }
    #expect(try CSVTable(parsing: "") == CSVTable(header: [], rows: []))
  }

  /// What `CSVWriter` writes — every character that needs quoting, empty and missing
  /// cells, leading and trailing spaces, non-ASCII — reads back exactly.
  @Test func everythingTheWriterWritesReadsBack() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tidycsv-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let texts = ["plain", "a,b", "\"", "say \"hi\"", "two\nlines", "cr\rlf\r\n", " lead", "trail ", "", "σ_w² ≈ 1.76", "\"\",\""]
    let writer = try CSVWriter(url: url, header: ["text", "x", "n", "gap"], flushThreshold: 16)
    for (i, text) in texts.enumerated() {
      try writer.write([.text(text), .double(Double(i) / 3), .integer(-i), .missing])
    }
    try writer.close()
    let table = try CSVTable(contentsOf: url)
    #expect(table.header == ["text", "x", "n", "gap"])
    #expect(table.rows.map { $0[0] } == texts)
    #expect(table.rows.map { $0[3] } == Array(repeating: "", count: texts.count))
    #expect(try table.numbers("x") == texts.indices.map { Double($0) / 3 })
    #expect(try table.numbers("n") == texts.indices.map { Double(-$0) })
  }

  /// Chunk boundaries inside quotes, between CR and LF, inside a byte-order mark, on
  /// blank lines: streamed in pieces of every size, the records are the whole text's.
  @Test func streamedRecordsMatchTheWholeText() throws {
    let text = "\u{FEFF}name,x,label\r\n\"a \"\"b\"\"\nc\",1,0\r2,3,1\n\n\r\n\"q\" ,4,0\rz,\"5\",1\r\n,,\n7,8,9"
    let bytes = Array(text.utf8)
    var whole = CSVScanner(bytes: bytes)
    let expected = try Self.records(&whole)
    #expect(expected.count == 7 && expected[1] == "2:a \"b\"\nc|1|0" && expected.last == "10:7|8|9")
    for step in 1...9 {
      let source = Trickle(bytes, step: step)
      var streamed = CSVScanner(limits: .init(chunkSize: 4), read: source.read)
      #expect(try Self.records(&streamed) == expected, "step \(step)")
    }
    // Errors are located the same way when streamed.
    let source = Trickle(Array("1,2\n3,\"4\n".utf8), step: 2)
    var open = CSVScanner(limits: .init(chunkSize: 2), read: source.read)
    #expect(throws: CSVSyntaxError(.unterminatedQuote, line: 2, column: 3)) { _ = try Self.records(&open) }
  }

  /// Memory stays bounded: a record past `maxRecordBytes` or `maxFields`, or a zero
  /// byte, stops the reading within a chunk or two.
  @Test func streamedLimitsStopTheReading() throws {
    let long = Trickle(Array(repeating: UInt8(ascii: "7"), count: 10_000), step: .max)
    var scanner = CSVScanner(limits: .init(chunkSize: 256, maxRecordBytes: 1024, maxFields: 8), read: long.read)
    #expect(throws: CSVSyntaxError(.recordTooLong(1024), line: 1, column: nil)) { _ = try Self.records(&scanner) }
    #expect(long.position == 1024)
    let wide = Trickle(Array(String(repeating: "1,", count: 20).utf8), step: .max)
    scanner = CSVScanner(limits: .init(chunkSize: 256, maxRecordBytes: 1024, maxFields: 8), read: wide.read)
    #expect(throws: CSVSyntaxError(.tooManyFields(8), line: 1, column: 17)) { _ = try Self.records(&scanner) }
    let binary = Trickle(Array("a,b\n1,2\n".utf8) + [0] + Array(repeating: 0, count: 1000), step: .max)
    scanner = CSVScanner(limits: .init(chunkSize: 256), read: binary.read)
    #expect(throws: CSVSyntaxError(.binaryData, line: 1, column: nil)) { _ = try Self.records(&scanner) }
    #expect(binary.position == 256)
    #expect(CSVSyntaxError(.recordTooLong(16 << 20), line: 1, column: nil).description == "the row is longer than 16 MiB")
  }

  /// The number reader gives `Double(String)`'s value, bit for bit, for plain decimals
  /// (the fast path), long mantissas, exponents and the non-finite spellings.
  @Test func numbersAgreeWithTheStandardLibrary() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    var samples = ["0", "-0", "+7", "255", "5.1", "-12.5", ".5", "5.", "123456789012345", "1234567890123456",
      "0.1", "0.30000000000000004", "1e3", "-2.5E-3", "1e-05", "nan", "NaN", "inf", "-inf", "Infinity", "12a", "-",
      ".", "1.2.3", " 4.25 ", "\t-3\t", "2.2250738585072014e-308", "1.7976931348623157e308", "1e400", "0x1p3", "",
      "x", "--1", "1e", "e5"]
    for _ in 0..<3000 {
      let digits = 1 + next(19)
      var text = String((0..<digits).map { _ in Character(String(next(10))) })
      text.insert(".", at: text.index(text.startIndex, offsetBy: next(digits + 1)))
      if next(4) == 0 { text += "e\(next(40) - 20)" }
      samples.append(next(2) == 0 ? "-" + text : text)
    }
    for text in samples {
      let bytes = Array(text.utf8)
      let scanner = CSVScanner(bytes: bytes)
      let actual = scanner.number(CSVScanner.Field(start: 0, end: bytes.count, escapedQuotes: false))
      let expected = Double(text.trimmingCharacters(in: .whitespaces))
      #expect(actual?.bitPattern == expected?.bitPattern || (actual?.isNaN == true && expected?.isNaN == true), "\(text)")
    }
  }
}
