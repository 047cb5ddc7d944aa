import ArgumentParser
import Foundation
import SweepReport
import SweepRunner
import SweepSpec
import UserFacing

extension Gradsweep {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train every run of a sweep in parallel and write CSV logs, a summary and a report.",
      discussion: """
        Results go to <out>/<sweep name>/: runs/<run_id>/{config.yaml,metrics.csv,layers.csv,status.json,provenance.json}, \
        summary.csv, report.md and report.html. Exit status: 0 when every run completed, diverged or stalled, \
        1 when any failed or the results folder stopped accepting writes (finished runs are kept: continue with \
        --resume), 2 for an invalid sweep file, a folder gradsweep did not make, or a model too large for this \
        machine, 130 after Ctrl-C and 143 after SIGTERM (the summary is written, the report left to \
        `gradsweep report`; continue with --resume).
        """)

    @OptionGroup var sweep: SweepFileOptions

    @Option(name: [.customShort("o"), .long], help: "Folder that receives <sweep name>/.")
    var out: String = "results"

    @Option(name: [.customShort("j"), .long], help: "Trainings at once; when fewer runs remain, the idle ones split the large products of the runs still training (same numbers). The default is this machine's active cores.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Continue a sweep in an existing folder: keep finished runs whose config is unchanged, redo the rest.")
    var resume = false

    @Flag(help: "Delete existing results of this sweep and start over.")
    var force = false

    @Flag(help: "With --resume: also redo runs recorded as failed.")
    var retryFailed = false

    @Flag(help: "With --resume: also redo runs recorded as diverged.")
    var retryDiverged = false

    @Option(help: ArgumentHelp(
      "Run only shard I of N (0-based, e.g. 2/8): a deterministic, cost-balanced part of the runs, the same on every machine. Shards share one results folder and resume what is there.",
      valueName: "I/N"))
    var shard: ShardSelection?

    @Flag(name: [.customShort("q"), .long], help: "Print nothing while running (errors still go to stderr).")
    var quiet = false

    func validate() throws {
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs)).") }
      guard !(resume && force) else {
        throw ValidationError("--resume keeps finished runs and --force deletes them: choose one.")
      }
      guard !(shard != nil && force) else {
        throw ValidationError("--force would delete the other shards' runs: remove the folder before starting the shards.")
      }
      guard resume || shard != nil || !(retryFailed || retryDiverged) else {
        throw ValidationError("--retry-failed and --retry-diverged only make sense with --resume.")
      }
    }

    func run() throws {
      try requireKernelFamily()
      let plan = try sweep.loadPlan()
      let stop = StopFlag()
      let trap = InterruptTrap.install(stop, quiet: quiet)
      defer { trap.forEach { $0.cancel() } }
      let options = SchedulerOptions(
        jobs: jobs, resume: resume, force: force, retryFailed: retryFailed, retryDiverged: retryDiverged,
        shard: shard.map { ($0.index, $0.count) },
        progress: quiet ? .quiet : .automatic, version: GradsweepVersion.current)
      let outcome = try SweepScheduler.run(plan, outputRoot: URL(fileURLWithPath: out), options: options, stop: stop)
      if let error = outcome.outputError {
        // The folder refuses writes: a summary or report could not be written either.
        throw CommandFailure(
          outcome.exitStatus,
          "\(error.description)\n\(outcome.statuses.count) runs saved this time, \(outcome.kept) kept from before; the rest are missing and --resume will train them")
      }
      do {
        // The summary first, so the report reads a current summary.csv. After a signal
        // only the summary: Slurm kills 30 s after SIGTERM, and `gradsweep report`
        // (or the finishing --resume) writes the report.
        let rebuild = try SummaryBuilder.rebuild(folder: outcome.resultsFolder)
        // Runs of the folder whose files are damaged (kept from before, or another shard's).
        for problem in rebuild.problems { printError(problem) }
        if outcome.signal == nil {
          _ = try ReportWriter.write(for: outcome.resultsFolder, now: Date())
        }
      } catch {
        throw CommandFailure(
          .failure,
          "\(error)\nevery finished run is saved in \(outcome.resultsFolder.path)/runs; rebuild the summary and report with  gradsweep report \(outcome.resultsFolder.path)")
      }
      if !quiet {
        var line = "\(outcome.statuses.count == 1 ? "1 run" : "\(outcome.statuses.count) runs") trained: \(outcome.completed) completed, \(outcome.diverged) diverged, "
        if outcome.stalled > 0 { line += "\(outcome.stalled) stalled, " }
        line += "\(outcome.failed) failed"
        if outcome.kept > 0 { line += "; \(outcome.kept) kept from before" }
        print(line)
        if outcome.interrupted {
          let overrides = sweep.overrides.map { " " + $0 }.joined()
          print("interrupted: continue with  gradsweep run \(sweep.file)\(overrides) --resume\(out == "results" ? "" : " --out \(out)")")
        }
        if outcome.signal == nil {
          print("results: \(outcome.resultsFolder.path)/  (summary.csv, report.md, report.html)")
        } else {
          print("results: \(outcome.resultsFolder.path)/  (summary.csv; the report: gradsweep report \(outcome.resultsFolder.path))")
        }
      }
      if outcome.exitStatus != .success { throw CommandFailure.silent(outcome.exitStatus) }
    }
  }
}
