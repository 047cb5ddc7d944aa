import SweepResults
import Foundation
import Testing
import TidyCSV

@testable import SweepReport

@Suite struct NumericCSVReaderTests {
  func write(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("numeric-\(UUID().uuidString).csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  /// Same values as TidyCSV's reader, field by field (NaN compared as NaN).
  func agree(_ a: [Double?], _ b: [Double?]) -> Bool {
    a.count == b.count
      && zip(a, b).allSatisfy { x, y in
        switch (x, y) {
        case (nil, nil): true
        case (let p?, let q?): p == q || (p.isNaN && q.isNaN)
        default: false
        }
      }
  }

  @Test func readsWhatCSVTableReads() throws {
    let text = "step,loss,val_loss,x\n0,2.3,,1e-05\n10,nan,inf,-inf\r\n20,0.1,0.25,-0\n\n30,NaN,Infinity,3\n"
    let url = try write(text)
    defer { try? FileManager.default.removeItem(at: url) }
    let (fast, warning) = try NumericCSVReader.read(url)
    #expect(warning == nil)
    let reference = try CSVTable(parsing: text)
    #expect(fast.header == reference.header)
    #expect(fast.rowCount == 4)
    for name in reference.header {
      #expect(agree(try #require(fast.column(name)), try reference.numbers(name)), "column \(name)")
    }
  }

  @Test func dropsACutOffLastLineWithAWarning() throws {
    let url = try write("step,loss,acc\n0,1,0.5\n10,0.5")
    defer { try? FileManager.default.removeItem(at: url) }
    let (table, warning) = try NumericCSVReader.read(url)
    #expect(table.rowCount == 1)
    #expect(warning?.contains("incomplete") == true)
  }

  @Test func aShortLineInTheMiddleIsAnErrorWithItsLineNumber() throws {
    let url = try write("step,loss\n0,1\n10\n20,3\n")
    defer { try? FileManager.default.removeItem(at: url) }
    do {
      _ = try NumericCSVReader.read(url)
      Issue.record("a ragged middle line must not be read")
    } catch let error as ResultsError {
      #expect(error.description.contains(":3: error: the line has 1 fields"))
    }
  }

  @Test func quotedFieldsReadLikeAnyOtherAndKeepTheirLines() throws {
    let url = try write("step,\"loss, train\"\n0,\"1.5\"\n\"1\n0\",2\n20,3\n")
    defer { try? FileManager.default.removeItem(at: url) }
    let (table, _) = try NumericCSVReader.read(url)
    #expect(table.header == ["step", "loss, train"])
    #expect(table.column("loss, train") == [1.5, 2, 3])
    // "1\n0" is not a number; the record after it starts on line 5.
    #expect(table.column("step") == [0, nil, 20] && table.lines == [2, 3, 5])
  }

  @Test func aQuoteLeftOpenByAKilledWriterIsACutOffLastLine() throws {
    let url = try write("step,note\n0,\"ok\"\n10,\"cut")
    defer { try? FileManager.default.removeItem(at: url) }
    let (table, warning) = try NumericCSVReader.read(url)
    #expect(table.rowCount == 1 && warning?.contains("incomplete") == true)
    let bad = try write("step,note\n0,\"a\"b\n")
    defer { try? FileManager.default.removeItem(at: bad) }
    #expect(throws: ResultsError.damaged(
      path: bad.path, line: 2, problem: CSVSyntaxError(.textAfterClosingQuote, line: 2, column: 6).description,
      fix: ResultsError.rerunFix)) { _ = try NumericCSVReader.read(bad) }
    let header = try write("step,\"a\"b\n0,1\n")
    defer { try? FileManager.default.removeItem(at: header) }
    #expect(throws: ResultsError.self) { _ = try NumericCSVReader.read(header) }
  }
}
