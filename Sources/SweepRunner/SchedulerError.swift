/// Why a sweep could not start. Each message says what to do about it.
package enum SchedulerError: Error, CustomStringConvertible, Equatable {
  case resultsExist(path: String)
  /// The folder is not gradsweep's (a user's folder, a link): never written or deleted.
  case notOurs(path: String, reason: String)
  case locked(path: String, holder: String)
  case cannotWrite(path: String, reason: String)
  case invalidShard(String)
  /// Located messages (`file:line:col: error: …`), one per model that would not fit.
  case tooLarge(String)

  package var description: String {
    switch self {
    case .resultsExist(let path):
      "error: results already exist in '\(path)'; use --resume to continue that sweep (finished runs are kept) or --force to delete them and start over"
    case .notOurs(let path, let reason):
      "error: '\(path)' exists and is not a gradsweep results folder: \(reason); gradsweep never writes into or deletes what it did not make: choose another --out (or another sweep name), or move that folder away yourself"
    case .locked(let path, let holder):
      "error: another gradsweep is writing '\(path)'\(holder); wait for it to finish, or use another --out folder"
    case .cannotWrite(let path, let reason):
      "error: cannot write to '\(path)': \(reason); choose a writable folder with --out, or fix its permissions or free disk space, then rerun with --resume"
    case .invalidShard(let message):
      "error: \(message)"
    case .tooLarge(let messages):
      messages
    }
  }
}
