import ArgumentParser

/// The `gradsweep` command. Each subcommand lives in its own file and only wires the
/// library modules together.
public struct Gradsweep: ParsableCommand {
  public static let configuration = CommandConfiguration(
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

  public init() {}
}

/// The version string printed by `--version` and recorded in every results folder.
public enum GradsweepVersion {
  public static let current = "0.1.0"
}
