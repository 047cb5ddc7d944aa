/// Why a CSV file could not be written or read. Each description names the file and,
/// where one place is at fault, its line (and column): `path:line:col: error: …`.
package enum CSVError: Error, CustomStringConvertible, Equatable {
  case cannotCreate(path: String)
  /// Text that breaks the quoting rule (`CSVSyntaxError`), at a line and column.
  case malformed(path: String, line: Int, column: Int?, problem: String)
  case ragged(path: String, line: Int, expected: Int, found: Int)
  case missingColumn(path: String, column: String)

  package var description: String {
    switch self {
    case .cannotCreate(let path): "cannot create '\(path)': check that the folder exists and is writable"
    case .malformed(let path, let line, let column, let problem):
      "\(path):\(line)\(column.map { ":\($0)" } ?? ""): error: \(problem)"
    case .ragged(let path, let line, let expected, let found):
      "\(path):\(line): error: row has \(found) fields, the header has \(expected)"
    case .missingColumn(let path, let column): "\(path): error: no column named '\(column)'"
    }
  }
}
