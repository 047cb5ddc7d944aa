import ArgumentParser
import Foundation
import UserFacing

/// The `gradsweep` command. Each subcommand lives in its own file and only wires the
/// library modules together.
package struct Gradsweep: ParsableCommand {
  package static let configuration = CommandConfiguration(
    commandName: "gradsweep",
    abstract: "Sweep activations, initializers and depths to see where gradients vanish or explode.",
    discussion: """
      Write a sweep in YAML (see configs/), check it with `validate`, list its runs with \
      `plan`, train them all in parallel with `run`, and redraw the report with `report`.
      """,
    version: GradsweepVersion.current,
    subcommands: [
      Init.self, Run.self, Validate.self, Plan.self, Theory.self, Report.self, Status.self, Rerun.self, List.self,
      Bench.self, Slurm.self,
    ])

  package init() {}

  package static func main() { main(nil) }

  /// Parses and runs the command. The one place an error becomes a message and a
  /// status: a `UserFacingError` (the scheduler's, the results folder's, the data's,
  /// Slurm's, the sweep file's, a command's own) is printed as it describes itself —
  /// `error: …` or `file:line:col: error: …`, control characters of user strings
  /// escaped — and the command exits with its `ExitStatus`; anything else goes to
  /// ArgumentParser (usage errors: 64 with the usage; help: 0; any other error: 1).
  package static func main(_ arguments: [String]?) {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch let error as UserFacingError {
      if !error.userMessage.isEmpty { printError(error.userMessage) }
      Foundation.exit(error.exitStatus.rawValue)
    } catch {
      exit(withError: error)
    }
  }
}

/// The version string printed by `--version` and recorded in every results folder.
package enum GradsweepVersion {
  package static let current = "0.1.0"
}
