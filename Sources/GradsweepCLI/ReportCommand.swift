import ArgumentParser
import Foundation
import SweepReport
import UserFacing

extension Gradsweep {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rebuild summary.csv, report.md and report.html from a results folder.",
      discussion: """
        Works on any folder `gradsweep run` wrote, finished or not: it merges whatever runs are \
        present (for example from Slurm shards) and lists the planned runs that are missing. \
        Nothing in the folder is trusted: a run whose files are damaged (status.json that is not \
        JSON, a log line out of range, such as a layer beyond the model's depth) is left out, listed \
        in the report and printed as `file:line: error: …`; the report of the other runs is still \
        written. Removes temporary files that killed writers left in the folder. \
        Exit status 0; 2 when the folder is not a results folder or a run was left out as damaged.
        """)

    @Argument(help: "The results folder of one sweep, e.g. results/quickstart.", completion: .directory)
    var folder: String

    func run() throws {
      let files = try ReportWriter.write(for: URL(fileURLWithPath: folder), now: Date())
      print(files.terminalText)
      guard files.problems.isEmpty else {
        let n = files.problems.count
        let summary = "error: \(n) run\(n == 1 ? " was" : "s were") left out of the report because of damaged files (listed above)"
        throw CommandFailure(.invalidInput, (files.problems + [summary]).joined(separator: "\n"))
      }
    }
  }
}
