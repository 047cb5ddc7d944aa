import ArgumentParser
import SweepSpec
import UserFacing

extension Gradsweep {
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check sweep files and report every problem with its line and column.",
      discussion: """
        Runs every check `run` makes before training — the file, the expansion, the data files \
        (present, regular, readable, sizes) — without loading data or writing anything. Exits 0 \
        when every file is valid, 2 when any is not (each file's problems are printed).
        """)

    @Argument(
      help: "The sweep files (YAML), e.g. configs/*.yaml, and any path=value overrides applied to each.",
      completion: .file(extensions: ["yaml", "yml"]))
    var arguments: [String]

    /// Arguments with `=` are overrides (a sweep file's path never needs one here).
    var files: [String] { arguments.filter { !$0.contains("=") } }
    var overrides: [String] { arguments.filter { $0.contains("=") } }

    func validate() throws {
      guard !files.isEmpty else { throw ValidationError("name at least one sweep file, e.g. configs/quickstart.yaml") }
    }

    func run() throws {
      var invalid = 0
      for file in files {
        do {
          let plan = try SweepLoader.load(path: file, overrides: overrides)
          for warning in plan.warnings { printError(warning.description) }
          print("\(file): ok, \(Self.describe(plan))")
        } catch let diagnostics as SweepDiagnostics {
          printError(diagnostics.description)
          invalid += 1
        }
      }
      if files.count > 1 { print("\(files.count - invalid) of \(files.count) files valid") }
      if invalid > 0 { throw CommandFailure.silent(.invalidInput) }
    }

    static func describe(_ plan: SweepPlan) -> String {
      let runs = plan.runs.count == 1 ? "1 run" : "\(plan.runs.count) runs"
      let axes =
        switch plan.axisPaths.count {
        case 0: "no axes (replicates only)"
        case 1: "1 axis (\(plan.axisPaths[0]))"
        default: "\(plan.axisPaths.count) axes (" + plan.axisPaths.joined(separator: ", ") + ")"
        }
      return "\(runs) over \(axes)"
    }
  }
}
