import Foundation

/// A whole CSV file parsed per RFC 4180: a header row and rows of text fields.
public struct CSVTable: Sendable, Equatable {
  public var header: [String]
  public var rows: [[String]]

  public init(header: [String], rows: [[String]]) {
    self.header = header
    self.rows = rows
  }

  /// Parses `text`. `path` only names the source in error messages.
  /// Rows must have the header's width; a trailing newline is optional.
  public init(parsing text: String, path: String = "<csv>") throws {
    var records: [[String]] = []
    var recordLines: [Int] = []
    var field = ""
    var record: [String] = []
    var inQuotes = false
    var line = 1
    var recordStartLine = 1
    var fieldStarted = false
    var it = Array(text.unicodeScalars)[...]
    while let c = it.popFirst() {
      if inQuotes {
        if c == "\"" {
          if it.first == "\"" {
            field.unicodeScalars.append("\"")
            it.removeFirst()
          } else {
            inQuotes = false
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"" where field.isEmpty:
        inQuotes = true
        fieldStarted = true
      case ",":
        record.append(field)
        field = ""
        fieldStarted = true
      case "\r":
        continue
      case "\n":
        if fieldStarted || !field.isEmpty || !record.isEmpty {
          record.append(field)
          records.append(record)
          recordLines.append(recordStartLine)
        }
        record = []
        field = ""
        fieldStarted = false
        line += 1
        recordStartLine = line
      default:
        field.unicodeScalars.append(c)
        fieldStarted = true
      }
    }
    if inQuotes { throw CSVError.unterminatedQuote(path: path, line: recordStartLine) }
    if fieldStarted || !field.isEmpty || !record.isEmpty {
      record.append(field)
      records.append(record)
      recordLines.append(recordStartLine)
    }
    guard let first = records.first else {
      self.init(header: [], rows: [])
      return
    }
    for (i, r) in records.enumerated().dropFirst() where r.count != first.count {
      throw CSVError.ragged(path: path, line: recordLines[i], expected: first.count, found: r.count)
    }
    self.init(header: first, rows: Array(records.dropFirst()))
  }

  /// Reads and parses a file.
  public init(contentsOf url: URL) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    try self.init(parsing: text, path: url.path)
  }

  /// The index of a column, or nil.
  public func index(of column: String) -> Int? { header.firstIndex(of: column) }

  /// A column's text fields.
  public func column(_ name: String) throws -> [String] {
    guard let i = index(of: name) else { throw CSVError.missingColumn(path: "", column: name) }
    return rows.map { $0[i] }
  }

  /// A column parsed as numbers: `nan`/`inf`/`-inf` as IEEE values, empty as nil.
  public func numbers(_ name: String) throws -> [Double?] {
    try column(name).map(CSVTable.number)
  }

  /// Parses one numeric field the way pandas does (empty → nil, `nan`, `inf`, `-inf`).
  public static func number(_ field: String) -> Double? {
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
  public var records: [[String: String]] {
    rows.map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
  }
}
