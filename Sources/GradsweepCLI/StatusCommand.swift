import ArgumentParser
import Foundation
import SweepReport
import SweepResults
import UserFacing

/// How `gradsweep status` prints.
enum StatusFormat: String, CaseIterable, ExpressibleByArgument {
  case text, json
}

extension Gradsweep {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count a sweep's runs by status and list those missing, failed, diverged, stalled or interrupted.",
      discussion: """
        Reads manifest.json and each run's status.json only: instant, and safe while the sweep runs \
        (Slurm shards writing into one folder included). Ends with the command that finishes the sweep \
        (--resume, plus --retry-failed when runs failed). A run whose status.json cannot be read is listed \
        as unreadable, with what is wrong. --format json prints one JSON object (docs/csv-columns.md). \
        Exit status: 0; with --exit-code, 0 when the sweep is complete and 1 when runs remain for --resume \
        (missing, interrupted, failed or unreadable); 2 when the folder is not a results folder or its \
        manifest.json is damaged.
        """)

    @Argument(help: "The results folder of one sweep, e.g. results/quickstart.", completion: .directory)
    var folder: String

    @Flag(help: "List every run of each list (default: the first 20).")
    var all = false

    @Option(help: "Output format: text or json (one object; with --watch, one per line).")
    var format: StatusFormat = .text

    @Flag(help: "Exit 1 when runs remain for --resume, 0 when the sweep is complete (for scripts).")
    var exitCode = false

    @Flag(help: "Print the status again every --interval seconds until no run remains (Ctrl-C stops).")
    var watch = false

    @Option(help: "Seconds between refreshes with --watch.")
    var interval: Double = 2

    func validate() throws {
      guard interval >= 0.1, interval <= 86_400 else { throw ValidationError("--interval must be in 0.1…86400 seconds") }
    }

    func run() throws {
      let url = URL(fileURLWithPath: folder)
      let interactive = isatty(STDOUT_FILENO) != 0 && format == .text
      while true {
        let status = try SweepStatus(folder: url)
        if watch && interactive { print("\u{1B}[H\u{1B}[2J", terminator: "") }
        switch format {
        case .text: print(status.text(limit: all ? nil : 20), terminator: "")
        case .json: print(String(decoding: try status.jsonData(), as: UTF8.self))
        }
        if !watch || status.missing.isEmpty && status.interrupted.isEmpty {
          if exitCode && status.remaining > 0 { throw CommandFailure.silent(.failure) }
          return
        }
        Thread.sleep(forTimeInterval: interval)
      }
    }
  }
}
