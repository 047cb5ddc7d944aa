import Foundation

/// A whole CSV file parsed per RFC 4180: a header row and rows of text fields.
package struct CSVTable: Sendable, Equatable {
  package var header: [String]
  package var rows: [[String]]

  package init(header: [String], rows: [[String]]) {
    self.header = header
    self.rows = rows
  }

  /// Parses `text` with `CSVScanner` (RFC 4180; see its rule). `path` only names the
  /// source in error messages. Rows must have the header's width; a trailing newline
  /// is optional; blank lines are skipped.
  ///
  /// Errors: `CSVError.malformed` (`path:line:col: error: …`) for text that breaks the
  /// quoting rule, `CSVError.ragged` (`path:line: error: …`) for a row of another width.
  package init(parsing text: String, path: String = "<csv>") throws {
    try self.init(bytes: Array(text.utf8), path: path)
  }

  /// Parses CSV bytes (UTF-8; invalid sequences are read as U+FFFD).
  package init(bytes: [UInt8], path: String = "<csv>") throws {
    var scanner = CSVScanner(bytes: bytes)
    var fields: [CSVScanner.Field] = []
    var header: [String]? = nil
    var rows: [[String]] = []
    do {
      while let line = try scanner.next(into: &fields) {
        let record = fields.map { scanner.text($0) }
        guard let width = header?.count else {
          header = record
          continue
        }
        guard record.count == width else {
          throw CSVError.ragged(path: path, line: line, expected: width, found: record.count)
        }
        rows.append(record)
      }
    } catch let error as CSVSyntaxError {
      throw CSVError.malformed(path: path, line: error.line, column: error.column, problem: error.description)
    }
    self.init(header: header ?? [], rows: rows)
  }

  /// Reads and parses a file.
  package init(contentsOf url: URL) throws {
    try self.init(bytes: [UInt8](try Data(contentsOf: url)), path: url.path)
  }

  /// The index of a column, or nil.
  package func index(of column: String) -> Int? { header.firstIndex(of: column) }

  /// A column's text fields.
  package func column(_ name: String) throws -> [String] {
    guard let i = index(of: name) else { throw CSVError.missingColumn(path: "", column: name) }
    return rows.map { $0[i] }
  }

  /// A column parsed as numbers: `nan`/`inf`/`-inf` as IEEE values, empty as nil.
  package func numbers(_ name: String) throws -> [Double?] {
    try column(name).map(CSVTable.number)
  }

  /// Parses one numeric field the way pandas does (empty → nil, `nan`, `inf`, `-inf`).
  package static func number(_ field: String) -> Double? {
    switch field.lowercased() {
    case "": return nil
    case "nan": return .nan
    case "inf", "+inf", "infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: return Double(field)
    }
  }

  /// The rows as dictionaries keyed by column name; a column name repeated in the
  /// header (a file edited by hand, or hostile) keeps its first column, never traps.
  package var records: [[String: String]] {
    rows.map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
  }
}
