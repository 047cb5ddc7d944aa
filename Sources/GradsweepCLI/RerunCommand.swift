import ArgumentParser
import Foundation
import SweepResults
import SweepRunner
import UserFacing

extension Gradsweep {
  struct Rerun: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Repeat one run from its folder alone and check that its logs come out identical.",
      discussion: """
        Reads the run's config.yaml (its fully resolved config, seeds included) and provenance.json \
        (where the sweep file was, for relative data paths), trains it again into <out>/runs/<run_id>/, \
        and compares metrics.csv and layers.csv cell by cell, ignoring elapsed_s. Prints "identical" \
        or the first differing line and column. Without --out the new run goes to a temporary folder \
        that is removed when the logs are identical. Exit status: 0 identical, 1 different, 2 when \
        the run cannot be repeated (not a run folder, data missing, output not writable).
        """)

    @Argument(help: "A run folder, e.g. results/quickstart/runs/relu-d6-s1-ed92bec0.", completion: .directory)
    var runFolder: String

    @Option(name: [.customShort("o"), .long], help: "Folder that receives runs/<run_id>/ (default: a temporary folder).")
    var out: String?

    func run() throws {
      try requireKernelFamily()
      let stop = StopFlag()
      let trap = InterruptTrap.install(stop, quiet: false)
      defer { trap.forEach { $0.cancel() } }
      let root =
        out.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("gradsweep-rerun-\(UUID().uuidString)")
      let outcome = try RunReplay.rerun(
        URL(fileURLWithPath: runFolder), into: root, stop: stop, version: GradsweepVersion.current)
      let old = outcome.oldStatus.map { describe($0) } ?? "no status.json"
      print("old: \(old)")
      print("new: \(describe(outcome.newStatus))")
      if let difference = outcome.difference {
        print("different: \(difference)")
        print("new run kept in \(outcome.newFolder.path)")
        throw CommandFailure.silent(.failure)
      }
      print("identical: metrics.csv and layers.csv match cell for cell (elapsed_s ignored)")
      if out == nil {
        try? FileManager.default.removeItem(at: root)
      } else {
        print("new run in \(outcome.newFolder.path)")
      }
    }

    private func describe(_ status: RunStatus) -> String {
      var text = "\(status.status), \(status.steps.map(String.init) ?? "?") steps"
      if let step = status.divergedAtStep { text += ", diverged at step \(step)" }
      if status.status == .failed, let error = status.error { text += ": \(error)" }
      return text
    }
  }
}
