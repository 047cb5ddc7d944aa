import Foundation
import GradData

extension SweepPlan {
  /// Runs the data checks of `gradsweep run` — settings in range, required files
  /// present, regular and readable (`DataLoader.validate`) — for every distinct `data:`
  /// configuration, without loading any data, so `validate`, `plan` and `run` accept
  /// and refuse the same files. Each problem is located at the field's value in the
  /// sweep file (its axis value when the field is an axis).
  ///
  /// Relative paths resolve against the sweep file's folder, as when training.
  func checkDataFiles() throws {
    let baseDirectory = URL(fileURLWithPath: sourcePath).deletingLastPathComponent()
    var seen = Set<DataSpec>()
    var diagnostics: [Diagnostic] = []
    for run in runs where seen.insert(run.config.data).inserted {
      for problem in DataLoader.validate(run.config.data, baseDirectory: baseDirectory) {
        diagnostics.append(
          diagnostic(
            at: location(ofKeyPath: problem.field, in: run),
            message: problem.field + ": " + problem.message
              + (problem.resolvedPath.map { $0 == problem.path ? "" : " (looked for \($0))" } ?? ""),
            note: problem.suggestion))
      }
    }
    guard diagnostics.isEmpty else { throw SweepDiagnostics(diagnostics: diagnostics + warnings) }
  }
}
