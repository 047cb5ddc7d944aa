import ArgumentParser
import Foundation
import SweepReport
import SweepResults

extension Gradsweep {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count a sweep's runs by status and list those missing, failed, diverged, stalled or interrupted.",
      discussion: """
        Reads manifest.json and each run's status.json only: instant, and safe while the sweep runs. \
        Ends with the command that finishes the sweep (--resume, plus --retry-failed when runs failed). \
        A run whose status.json cannot be read is listed as unreadable, with what is wrong. \
        Exit status 0; 2 when the folder is not a results folder or its manifest.json is damaged.
        """)

    @Argument(help: "The results folder of one sweep, e.g. results/quickstart.", completion: .directory)
    var folder: String

    @Flag(help: "List every run of each list (default: the first 20).")
    var all = false

    func run() throws {
      let status = try exitingOnUserError { try SweepStatus(folder: URL(fileURLWithPath: folder)) }
      print(status.text(limit: all ? nil : 20), terminator: "")
    }
  }
}
