import ArgumentParser
import Foundation
import SweepResults
import SweepSpec

/// The sweep file argument shared by `run`, `validate` and `plan`.
struct SweepFileOptions: ParsableArguments {
  @Argument(help: "The sweep file (YAML), e.g. configs/quickstart.yaml.", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Argument(help: ArgumentHelp(
    "Overrides, the sweep file's dotted paths: model.depth=8 sets a field, model.activation=sigmoid,relu (or =[sigmoid, relu]) makes it an axis; also name=, seed=, replicates=.",
    valueName: "path=value"))
  var overrides: [String] = []

  /// Loads and validates the sweep; an invalid file throws `SweepDiagnostics` (every
  /// problem compiler-style, exit 2), creating nothing. Warnings (an exclude entry that
  /// matches no run, …) are printed and the command goes on.
  func loadPlan() throws -> SweepPlan {
    let plan = try SweepLoader.load(path: file, overrides: overrides)
    for warning in plan.warnings { printError(warning.description) }
    return plan
  }
}

/// Writes a message to stderr, control characters of user strings in it escaped
/// (`UserText`, keeping the message's own line breaks): every error of every command
/// goes through here.
func printError(_ message: String) {
  let safe = UserText.escaped(message, keepingLineBreaks: true)
  FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
}
