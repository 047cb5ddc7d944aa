/// Errors reading or writing a results folder. (In a report, problems with single runs
/// are not errors: they are collected as warnings and printed in the report.)
public enum ResultsError: Error, CustomStringConvertible, Equatable {
  case notAFolder(path: String)
  case missingFile(path: String, what: String)
  case unreadable(path: String, reason: String)
  case cannotWrite(path: String, reason: String)

  public var description: String {
    switch self {
    case .notAFolder(let path):
      "error: '\(path)' is not a results folder (expected a folder with manifest.json and runs/)"
    case .missingFile(let path, let what): "error: '\(path)' is missing: it should hold \(what)"
    case .unreadable(let path, let reason): "error: cannot read '\(path)': \(reason)"
    case .cannotWrite(let path, let reason): "error: cannot write '\(path)': \(reason)"
    }
  }
}
