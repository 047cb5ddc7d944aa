import ArgumentParser
import Foundation
import SweepReport

extension Gradsweep {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rebuild summary.csv, report.md and report.html from a results folder.",
      discussion: """
        Works on any folder `gradsweep run` wrote, finished or not: it merges whatever runs are \
        present (for example from Slurm shards) and lists the planned runs that are missing.
        """)

    @Argument(help: "The results folder of one sweep, e.g. results/quickstart.", completion: .directory)
    var folder: String

    func run() throws {
      let files = try exitingOnUserError { try ReportWriter.write(for: URL(fileURLWithPath: folder), now: Date()) }
      print(files.terminalText)
    }
  }
}
