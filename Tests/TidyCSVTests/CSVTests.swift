import Foundation
import Testing

@testable import TidyCSV

@Suite("Tidy CSV")
struct CSVTests {
  /// Floating-point cells always read as floating point, so a column's type never
  /// depends on its values; non-finite values as pandas spells them; integers stay integers.
  @Test func cellsKeepTheirTypeWhateverTheirValue() {
    #expect(CSVCell.double(0).field == "0.0")
    #expect(CSVCell.double(-0.0).field == "0.0")
    #expect(CSVCell.double(3).field == "3.0")
    #expect(CSVCell.double(0.1).field == "0.1")
    #expect(CSVCell.double(1e-5).field == "1e-05")
    #expect(CSVCell.float(0.1).field == "0.1")
    #expect(CSVCell.float(2).field == "2.0")
    #expect(CSVCell.double(.nan).field == "nan" && CSVCell.double(-.infinity).field == "-inf")
    #expect(CSVCell.integer(3).field == "3")
    #expect(CSVCell.text("a,b").field == "\"a,b\"" && CSVCell.text("say \"hi\"").field == "\"say \"\"hi\"\"\"")
  }

  /// What the writer writes, the reader reads back exactly.
  @Test func writtenFilesReadBack() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tidycsv-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let writer = try CSVWriter(url: url, header: ["name", "x", "n"])
    try writer.write([.text("a, \"b\""), .double(0.1 + 0.2), .integer(7)])
    try writer.write([.text("line\nbreak"), .missing, .integer(-1)])
    try writer.close()
    let table = try CSVTable(contentsOf: url)
    #expect(table.header == ["name", "x", "n"])
    #expect(table.rows == [["a, \"b\"", "0.30000000000000004", "7"], ["line\nbreak", "", "-1"]])
    #expect(CSVTable.number("0.30000000000000004") == 0.1 + 0.2)
    // The writer creates new files only: it never truncates one that exists.
    #expect(throws: CSVError.self) { _ = try CSVWriter(url: url, header: ["x"]) }
  }

  /// A header that repeats a name (a hand-edited or hostile file) never traps: the first
  /// column of that name wins.
  @Test func aRepeatedColumnNameKeepsTheFirst() throws {
    let table = try CSVTable(parsing: "a,b,a\n1,2,3\n")
    #expect(table.records == [["a": "1", "b": "2"]])
  }
}
