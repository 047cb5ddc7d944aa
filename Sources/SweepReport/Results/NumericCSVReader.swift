import Foundation
import SweepResults
import TidyCSV

/// Reads the all-numeric run logs (metrics.csv, layers.csv) column by column, fast.
///
/// A sweep's logs run to hundreds of megabytes and the report reads them all, so this
/// reads bytes with TidyCSV's `CSVScanner` (the one CSV rule of every reader) and
/// parses each field as a number without building a string (`CSVScanner.number`:
/// `nan`, `inf`, `-inf` as IEEE values, an empty field as missing) — the values
/// `CSVTable.numbers(_:)` gives. Quoted fields read like any other.
///
/// A last record with fewer fields than the header, or with a quote never closed, is
/// what a killed writer leaves: it is dropped and reported as a warning. A short or
/// long record anywhere else, or a quoting error, is `ResultsError.damaged` at its line.
enum NumericCSVReader {
  struct Table {
    var header: [String]
    /// columns[i][row]: nil = empty field.
    var columns: [[Double?]]
    var rowCount: Int
    /// lines[row]: the row's 1-based line in the file (the header is line 1), for errors.
    var lines: [Int]

    func column(_ name: String) -> [Double?]? {
      header.firstIndex(of: name).map { columns[$0] }
    }
  }

  static func read(_ url: URL) throws -> (table: Table, warning: String?) {
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: url))
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    return try parse(bytes, path: url.path)
  }

  static func parse(_ bytes: [UInt8], path: String) throws -> (Table, String?) {
    var scanner = CSVScanner(bytes: bytes)
    var fields: [CSVScanner.Field] = []
    let incomplete = "\(path): the last line is incomplete and was ignored (was the run killed?)"
    func damaged(_ line: Int, _ problem: String) -> ResultsError {
      .damaged(path: path, line: line, problem: problem, fix: ResultsError.rerunFix)
    }
    let headerLine: Int?
    do {
      headerLine = try scanner.next(into: &fields)
    } catch let error as CSVSyntaxError {
      throw damaged(error.line, error.description)
    }
    guard headerLine != nil else { return (Table(header: [], columns: [], rowCount: 0, lines: []), nil) }
    let header = fields.map { scanner.text($0) }
    let width = header.count
    var columns = [[Double?]](repeating: [], count: width)
    var lines: [Int] = []
    var warning: String? = nil
    reading: while true {
      let line: Int
      do {
        guard let next = try scanner.next(into: &fields) else { break }
        line = next
      } catch let error as CSVSyntaxError where error.kind == .unterminatedQuote {
        // A quote still open at the end of the file: the writer was killed inside it.
        warning = incomplete
        break
      } catch let error as CSVSyntaxError {
        throw damaged(error.line, error.description)
      }
      guard fields.count == width else {
        // Only the final record may be short: a writer killed mid-line.
        let count = fields.count
        var rest = scanner
        if count < width, (try? rest.next(into: &fields)) == .some(nil) {
          warning = incomplete
          break reading
        }
        throw damaged(line, "the line has \(count) fields, the header has \(width)")
      }
      for c in 0..<width { columns[c].append(scanner.number(fields[c])) }
      lines.append(line)
    }
    return (Table(header: header, columns: columns, rowCount: lines.count, lines: lines), warning)
  }
}
