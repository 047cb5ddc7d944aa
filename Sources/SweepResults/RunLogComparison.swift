import Foundation
import TidyCSV

/// Compares the CSV logs of two runs cell by cell, as text: numbers are written in
/// their shortest round-trip spelling, so equal text means equal bits (`nan` included).
/// The wall-clock column `elapsed_s` is ignored; every other column must match.
package enum RunLogComparison {
  /// The logs compared, in this order.
  package static let files = [ResultsLayout.metricsFile, ResultsLayout.layersFile]
  /// Columns that measure the machine, not the training.
  package static let ignoredColumns: Set<String> = ["elapsed_s"]

  /// The first place two logs differ.
  package struct Difference: Sendable, Equatable, CustomStringConvertible {
    package var file: String
    /// 1-based line in the file (the header is line 1).
    package var line: Int
    /// The differing column; nil when the headers or the row counts differ.
    package var column: String?
    /// `step 40, layer 3` when the row has those columns.
    package var rowLabel: String?
    package var old: String
    package var new: String

    package var description: String {
      var place = "\(file) line \(line)"
      if let rowLabel { place += " (\(rowLabel))" }
      if let column { place += ", column \(column)" }
      return "\(place): old \(old), new \(new)"
    }
  }

  /// The first difference between `runs/<id>` folders `old` and `new`, nil when every
  /// log is identical.
  /// The Jacobian's spectrum (`log.jacobian`) is compared too when either run wrote one.
  package static func firstDifference(old: URL, new: URL) throws -> Difference? {
    let fm = FileManager.default
    let spectrum = [ResultsLayout.jacobianFile].filter {
      fm.fileExists(atPath: old.appendingPathComponent($0).path) || fm.fileExists(atPath: new.appendingPathComponent($0).path)
    }
    for file in files + spectrum {
      let a = try read(old.appendingPathComponent(file))
      let b = try read(new.appendingPathComponent(file))
      if let difference = firstDifference(old: a, new: b, file: file) { return difference }
    }
    return nil
  }

  /// The first difference between two tables, comparing rows in order.
  package static func firstDifference(old: CSVTable, new: CSVTable, file: String) -> Difference? {
    if old.header != new.header {
      return Difference(
        file: file, line: 1, column: nil, rowLabel: "header", old: old.header.joined(separator: ","),
        new: new.header.joined(separator: ","))
    }
    let compared = old.header.indices.filter { !ignoredColumns.contains(old.header[$0]) }
    for row in 0..<min(old.rows.count, new.rows.count) {
      let a = old.rows[row], b = new.rows[row]
      for column in compared where a[column] != b[column] {
        return Difference(
          file: file, line: row + 2, column: old.header[column], rowLabel: label(a, header: old.header),
          old: a[column], new: b[column])
      }
    }
    if old.rows.count != new.rows.count {
      let line = min(old.rows.count, new.rows.count) + 2
      return Difference(
        file: file, line: line, column: nil, rowLabel: nil, old: "\(old.rows.count) rows", new: "\(new.rows.count) rows")
    }
    return nil
  }

  private static func label(_ row: [String], header: [String]) -> String? {
    let parts = ["step", "layer"].compactMap { name in header.firstIndex(of: name).map { "\(name) \(row[$0])" } }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }

  private static func read(_ url: URL) throws -> CSVTable {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ResultsError.missingFile(path: url.path, what: "a run's log (written by `gradsweep run`)")
    }
    do {
      return try CSVTable(contentsOf: url)
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: "\(error)")
    }
  }
}
