/// Errors reading or writing a results folder. (In a report, problems with single runs
/// are not errors: they are collected, listed in the report, and make `gradsweep
/// report` exit 2 after writing it.)
///
/// Every description names the file (and the line, where there is one) and prints
/// paths and values read from files through `UserText.escaped`.
package enum ResultsError: Error, CustomStringConvertible, Equatable {
  case notAFolder(path: String)
  case missingFile(path: String, what: String)
  case unreadable(path: String, reason: String)
  case cannotWrite(path: String, reason: String)
  /// A file gradsweep wrote holds something it never writes (not JSON, a value out of
  /// range): `path:line: error: problem; fix`. `line` is nil for a whole-file problem.
  case damaged(path: String, line: Int?, problem: String, fix: String)

  package var description: String {
    switch self {
    case .notAFolder(let path):
      "error: '\(UserText.escaped(path))' is not a results folder (expected a folder with manifest.json and runs/)"
    case .missingFile(let path, let what): "error: '\(UserText.escaped(path))' is missing: it should hold \(what)"
    case .unreadable(let path, let reason): "error: cannot read '\(UserText.escaped(path))': \(reason)"
    case .cannotWrite(let path, let reason): "error: cannot write '\(UserText.escaped(path))': \(reason)"
    case .damaged(let path, let line, let problem, let fix):
      "\(UserText.escaped(path))\(line.map { ":\($0)" } ?? ""): error: \(problem); \(fix)"
    }
  }

  /// What to do about a damaged file of one run (status.json, metrics.csv, layers.csv).
  package static let rerunFix =
    "delete this run's folder and run `gradsweep run <sweep file> --resume` to train it again (or repeat it alone with `gradsweep rerun`)"
}
