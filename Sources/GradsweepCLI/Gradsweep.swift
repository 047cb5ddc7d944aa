import ArgumentParser

/// The `gradsweep` command: subcommands are added as their modules land.
public struct Gradsweep: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "gradsweep",
    abstract: "Sweep activations, initializers and depths to see where gradients vanish or explode.",
    version: GradsweepVersion.current,
    subcommands: [])

  public init() {}
}

/// The version string printed by `--version` and recorded in provenance.
public enum GradsweepVersion {
  public static let current = "0.1.0"
}
