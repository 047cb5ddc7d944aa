import Testing
import TidyCSV

@testable import SweepResults

@Suite("Log comparison")
struct RunLogComparisonTests {
  let header = ["step", "loss", "elapsed_s"]

  @Test func equalTablesAreIdenticalWhateverTheirTimes() {
    let a = CSVTable(header: header, rows: [["0", "1.5", "0.01"], ["10", "nan", "0.2"]])
    let b = CSVTable(header: header, rows: [["0", "1.5", "0.03"], ["10", "nan", "0.9"]])
    #expect(RunLogComparison.firstDifference(old: a, new: b, file: "metrics.csv") == nil)
  }

  @Test func theFirstDifferingCellIsNamed() {
    let a = CSVTable(header: header, rows: [["0", "1.5", "0"], ["10", "0.75", "0"], ["20", "0.5", "0"]])
    let b = CSVTable(header: header, rows: [["0", "1.5", "0"], ["10", "0.7500001", "0"], ["20", "0.4", "0"]])
    let d = RunLogComparison.firstDifference(old: a, new: b, file: "metrics.csv")
    #expect(d?.description == "metrics.csv line 3 (step 10), column loss: old 0.75, new 0.7500001")
  }

  @Test func differentLengthsAndHeadersAreDifferences() {
    let a = CSVTable(header: header, rows: [["0", "1", "0"]])
    let b = CSVTable(header: header, rows: [["0", "1", "0"], ["1", "1", "0"]])
    #expect(RunLogComparison.firstDifference(old: a, new: b, file: "m.csv")?.description == "m.csv line 3: old 1 rows, new 2 rows")
    let c = CSVTable(header: ["step", "accuracy", "elapsed_s"], rows: [["0", "1", "0"]])
    #expect(RunLogComparison.firstDifference(old: a, new: c, file: "m.csv")?.line == 1)
  }
}
