import Dispatch
import Foundation
import GradData
import GradEngine
import GradKernels
import SweepResults
import SweepSpec

/// How `gradsweep run` treats a results folder and how wide it runs.
package struct SchedulerOptions: Sendable {
  /// Workers: trainings at once. A worker with no run left to start lends its core to
  /// the large products of the runs still training (`CoreBudget`); same bits either way.
  package var jobs: Int
  /// Least m·n·k of a product split across idle workers (`CoreBudget.minimumWork`):
  /// a test hook, 0 forcing every product wide enough to be split.
  package var splitMinimumWork = CoreBudget.defaultMinimumWork
  /// Keep finished runs whose resolved config is unchanged; redo the rest.
  package var resume: Bool
  /// Delete existing results first.
  package var force: Bool
  /// With `resume`: also redo runs recorded as failed / diverged.
  package var retryFailed: Bool
  package var retryDiverged: Bool
  /// Run only shard `index` of `count` (see `ShardPartition`); nil runs all.
  package var shard: (index: Int, count: Int)?
  package var progress: ProgressMode
  /// Recorded in the manifest.
  package var version: String
  /// Bytes one training may hold at once; a run whose model needs more is refused
  /// before anything is allocated or written. Default: the machine's physical memory.
  package var memoryLimit: UInt64

  package init(
    jobs: Int, resume: Bool = false, force: Bool = false, retryFailed: Bool = false,
    retryDiverged: Bool = false, shard: (index: Int, count: Int)? = nil, progress: ProgressMode = .automatic,
    version: String, memoryLimit: UInt64 = ProcessInfo.processInfo.physicalMemory
  ) {
    self.jobs = jobs
    self.resume = resume
    self.force = force
    self.retryFailed = retryFailed
    self.retryDiverged = retryDiverged
    self.shard = shard
    self.progress = progress
    self.version = version
    self.memoryLimit = memoryLimit
  }
}

/// What a sweep did this time.
package struct SweepOutcome: Sendable {
  package let resultsFolder: URL
  /// Status of every run trained this time, by run id.
  package let statuses: [String: RunStatus]
  /// Finished runs kept from before (`--resume`).
  package let kept: Int
  /// Ctrl-C stopped the sweep before every run had started.
  package let interrupted: Bool
  /// The results folder stopped accepting writes (disk full, read-only, …): the runs
  /// that could not be saved left nothing behind, no further run was started, and
  /// every run saved before is kept for `--resume`.
  package let outputError: SchedulerError?

  package var failed: Int { statuses.values.filter { $0.status == .failed }.count }
  package var diverged: Int { statuses.values.filter { $0.status == .diverged }.count }
  package var stalled: Int { statuses.values.filter { $0.status == .stalled }.count }
  package var completed: Int { statuses.values.filter { $0.status == .completed }.count }

  /// The signal that stopped the sweep (SIGINT, SIGTERM), when one did.
  package let signal: Int32?

  /// Products whose columns were split across idle workers (`CoreBudget`).
  package var splitProducts = 0
}

/// Trains the runs of a sweep in parallel on `jobs` worker threads.
///
/// Each worker takes the next run from a shared queue (most expensive first, so the
/// pool drains evenly), trains it into its own folder, and stores its status in that
/// run's own slot. A worker that finds the queue empty parks in the sweep's `CoreBudget`
/// and computes column parts of the large products of the runs still training, until the
/// last ends (a sweep of one wide model, or a sweep's tail); never more than `jobs`
/// threads compute, and a split product has the same bits as a whole one. The only shared mutable state is the queue position,
/// the slots and the output-failure note, each behind a `Locked` (a pthread mutex the
/// thread sanitizer can check); the data sets are immutable values. The worker is a
/// `@Sendable` closure, so the compiler checks that everything it captures is
/// `Sendable`. A run's numbers therefore depend on its config and seed only, never on
/// `jobs`.
package enum SweepScheduler {
  package static func run(
    _ plan: SweepPlan, outputRoot: URL, options: SchedulerOptions, stop: StopFlag
  ) throws -> SweepOutcome {
    var selected = plan.runs
    if let shard = options.shard {
      guard shard.count >= 1, (0..<shard.count).contains(shard.index) else {
        throw SchedulerError.invalidShard("--shard \(shard.index)/\(shard.count): the shard index must be in 0..<\(shard.count)")
      }
      guard shard.count <= plan.runs.count else {
        throw SchedulerError.invalidShard("--shard \(shard.index)/\(shard.count): the sweep has only \(plan.runs.count) runs; use at most \(plan.runs.count) shards")
      }
      guard !options.force else {
        throw SchedulerError.invalidShard("--force would delete the other shards' runs; remove the folder yourself before starting the array")
      }
      let mine = ShardPartition.runs(of: plan, shard: shard.index, of: shard.count)
      selected = plan.runs.filter { mine.contains($0.index) }
    }
    // Everything that can fail on bad input happens before the folder is touched.
    let catalog = try DataCatalog(plan: plan, runs: selected, sweepSeed: plan.seed)
    let prepared = selected.map { PreparedRun($0, data: catalog[DataCatalog.key(for: $0, sweepSeed: plan.seed)]!) }
    try MemoryCheck.check(plan, runs: prepared, limit: options.memoryLimit)
    let layout = ResultsLayout(root: outputRoot.appendingPathComponent(plan.name, isDirectory: true))
    let locks = try prepareFolder(layout, plan: plan, selected: selected, options: options)
    defer { withExtendedLifetime(locks) {} }

    var todo: [(prepared: PreparedRun, cost: Double)] = []
    var kept = 0
    for item in prepared {
      if (options.resume || options.shard != nil) && keeps(item.run, in: layout, options: options) {
        kept += 1
        continue
      }
      todo.append((item, estimatedCost(item)))
    }
    // Longest first, ties by plan order: a deterministic, well-packed schedule.
    todo.sort { $0.cost != $1.cost ? $0.cost > $1.cost : $0.prepared.run.index < $1.prepared.run.index }

    let progress = ProgressReporter(
      total: todo.count, skipped: kept, mode: options.progress,
      costs: Dictionary(todo.map { ($0.prepared.run.id, $0.cost) }, uniquingKeysWith: +))
    let environment = Provenance.Environment.current(
      version: options.version, sweepText: plan.effectiveText, sweepPath: plan.sourcePath,
      kernelFamily: KernelFamily.active.rawValue)
    let previous = try? Provenance.read(from: layout.provenance)
    try? AtomicFile.write(Provenance.sweep(environment: environment, after: previous).jsonData(), to: layout.provenance)
    let sweepSeed = plan.seed
    var inputs: [DataCatalog.Key: InputStatistics] = [:]
    let predictions = RunPrediction.files(for: todo.map(\.prepared.run)) { run in
      let key = DataCatalog.key(for: run, sweepSeed: sweepSeed)
      if let known = inputs[key] { return known }
      let statistics = InputStatistics(training: catalog[key]!.train)
      inputs[key] = statistics
      return statistics
    }
    let executor = RunExecutor(
      layout: layout, stop: stop, environment: environment,
      dataSeed: { DataCatalog.key(for: $0, sweepSeed: sweepSeed).seed }, predictions: predictions)
    let next = Locked(0)
    let budget = CoreBudget(minimumWork: options.splitMinimumWork)
    let slots = Locked([RunStatus?](repeating: nil, count: todo.count))
    let outputProblem = Locked<String?>(nil)
    let work = todo
    let worker: @Sendable (Int) -> Void = { _ in
      while true {
        let position: Int? = next.withLock { i in
          guard i < work.count, !stop.isSet, outputProblem.withLock({ $0 == nil }) else { return nil }
          defer { i += 1 }
          budget.beginRun()  // before another worker can find the queue empty and park
          return i
        }
        guard let position else { return budget.park() }
        let item = work[position].prepared
        progress.started(item.run.id)
        let execution = budget.lending { executor.execute(item) }
        budget.endRun()
        if let problem = execution.outputProblem {
          outputProblem.withLock { if $0 == nil { $0 = problem } }
        } else {
          slots.withLock { $0[position] = execution.status }
        }
        progress.finished(item.run.id, status: execution.status)
      }
    }
    // All `jobs` workers at once, also when fewer runs remain: the others park and lend
    // their cores (`runWorkerThreads`).
    runWorkerThreads(options.jobs, worker)
    progress.finish()

    var statuses: [String: RunStatus] = [:]
    let finished = slots.withLock { $0 }
    for (item, status) in zip(work, finished) {
      if let status { statuses[item.prepared.run.id] = status }
    }
    let interrupted = stop.isSet && (statuses.count < work.count || statuses.values.contains { $0.status == .interrupted })
    let outputError = outputProblem.withLock { $0 }.map { SchedulerError.cannotWrite(path: layout.root.path, reason: $0) }
    return SweepOutcome(
      resultsFolder: layout.root, statuses: statuses, kept: kept, interrupted: interrupted, outputError: outputError,
      signal: stop.signal, splitProducts: budget.splitCount)
  }

  /// Creates or reopens the results folder under the lock and records the plan.
  ///
  /// Only a folder that is gradsweep's (`OwnedFolder`: absent, empty, or with its
  /// manifest) is ever locked, written, resumed or replaced; its ownership is checked
  /// before the lock file is made, so a refused run leaves no trace in a foreign folder.
  /// `--force` removes gradsweep's own entries only, never following a link.
  private static func prepareFolder(
    _ layout: ResultsLayout, plan: SweepPlan, selected: [PlannedRun], options: SchedulerOptions
  ) throws -> [FolderLock] {
    let fm = FileManager.default
    let state = OwnedFolder.state(of: layout.root)
    if case .foreign(let reason) = state {
      throw SchedulerError.notOurs(path: layout.root.path, reason: reason)
    }
    if state == .absent {
      do {
        try fm.createDirectory(at: layout.root, withIntermediateDirectories: true)
      } catch {
        throw SchedulerError.cannotWrite(path: layout.root.path, reason: OutputErrors.reason(error))
      }
    }
    var locks: [FolderLock] = []
    if let shard = options.shard {
      locks.append(try FolderLock(layout.lockFile, mode: .shared))
      locks.append(try FolderLock(layout.root.appendingPathComponent(".gradsweep.lock.shard-\(shard.index)-of-\(shard.count)")))
    } else {
      locks.append(try FolderLock(layout.lockFile))
    }
    // Shards always share a folder: each resumes what is there.
    if OwnedFolder.state(of: layout.root) == .results && options.shard == nil {
      if options.force {
        do {
          _ = try OwnedFolder.removeOwnEntries(of: layout.root)
        } catch {
          throw SchedulerError.cannotWrite(path: layout.root.path, reason: OutputErrors.reason(error))
        }
      } else if !options.resume {
        throw SchedulerError.resultsExist(path: layout.root.path)
      }
    }
    do {
      // The manifest first: from then on the folder is recognisably gradsweep's.
      let manifest = SweepManifest(plan: plan, version: options.version, jobs: options.jobs, created: Date())
      try AtomicFile.write(manifest.jsonData(), to: layout.manifest)
      try AtomicFile.write(Data(plan.effectiveText.utf8), to: layout.sweepCopy)
      try fm.createDirectory(at: layout.runsFolder, withIntermediateDirectories: true)
      AtomicFile.sweepStaleTemporaries(in: layout.root)
      // Leftovers of a crashed process: never results (they were never renamed).
      // Only our own runs' leftovers: another shard may be writing its own right now.
      let prefixes = selected.map { ".tmp-\($0.id)-" }
      for name in (try fm.contentsOfDirectory(atPath: layout.runsFolder.path))
      where name.hasPrefix(".tmp-") && prefixes.contains(where: name.hasPrefix) {
        try? OwnedFolder.removeWithoutFollowingLinks(layout.runsFolder.appendingPathComponent(name))
      }
    } catch let error as SchedulerError {
      throw error
    } catch let error as ResultsError {
      throw SchedulerError.cannotWrite(path: layout.root.path, reason: error.description)
    } catch {
      throw SchedulerError.cannotWrite(path: layout.root.path, reason: OutputErrors.reason(error))
    }
    return locks
  }

  /// Whether `--resume` keeps a run: it finished as a result (or as a failure without
  /// `--retry-failed`) with exactly the resolved config it would have now.
  static func keeps(_ run: PlannedRun, in layout: ResultsLayout, options: SchedulerOptions) -> Bool {
    let folder = layout.runFolder(run.id)
    guard let status = try? RunStatus.read(from: folder.appendingPathComponent(ResultsLayout.statusFile)),
      let config = try? String(contentsOf: folder.appendingPathComponent(ResultsLayout.configFile), encoding: .utf8),
      config == run.config.yamlText()
    else { return false }
    switch status.status {
    case .completed, .stalled: return true
    case .diverged: return !options.retryDiverged
    case .failed: return !options.retryFailed
    default: return false  // interrupted, or a word this version does not know
    }
  }

  /// Multiply-adds of the whole training: orders the queue, never changes a result.
  /// In Double, so no setting can overflow it.
  static func estimatedCost(_ prepared: PreparedRun) -> Double {
    let steps = prepared.run.config.training.totalSteps(trainingRows: prepared.data.train.count)
    return 6 * Double(prepared.plan.network.parameterCount) * Double(prepared.plan.batchSize) * steps
  }
}
