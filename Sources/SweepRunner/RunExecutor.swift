import Foundation
import SweepResults
import GradData
import GradEngine
import SweepSpec

/// Trains one planned run into its own temporary folder and, once it has ended
/// (completed, diverged, failed or interrupted), renames it into `runs/<id>`. A crash
/// therefore never leaves a half-written run that looks finished, and no two runs
/// ever write the same file.
struct RunExecutor: Sendable {
  let layout: ResultsLayout
  let stop: StopFlag
  let environment: Provenance.Environment
  /// The seed of each run's data set (shared by replicates).
  let dataSeed: @Sendable (PlannedRun) -> UInt64

  func execute(_ run: PlannedRun, data: DataSplit) -> RunStatus {
    let clock = ContinuousClock()
    let started = clock.now
    let temporary = layout.temporaryRunFolder(run.id)
    let fm = FileManager.default
    var status: RunStatus
    do {
      try? fm.removeItem(at: temporary)
      try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
      try Data(run.config.yamlText().utf8).write(to: temporary.appendingPathComponent(ResultsLayout.configFile))
      status = try train(run, data: data, into: temporary, started: started, clock: clock)
    } catch {
      status = RunStatus(status: .failed, steps: 0, error: "\(error)", seconds: Self.seconds(clock.now - started))
    }
    do {
      try status.jsonData().write(to: temporary.appendingPathComponent(ResultsLayout.statusFile))
      let final = layout.runFolder(run.id)
      if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
      try fm.moveItem(at: temporary, to: final)
    } catch {
      // Nothing on disk claims this run: --resume will redo it.
      try? fm.removeItem(at: temporary)
      status = RunStatus(
        status: .failed, steps: status.steps,
        error: "could not save the run in \(layout.runFolder(run.id).path): \(error)",
        seconds: Self.seconds(clock.now - started))
    }
    return status
  }

  private func train(
    _ run: PlannedRun, data: DataSplit, into folder: URL, started: ContinuousClock.Instant,
    clock: ContinuousClock
  ) throws -> RunStatus {
    let plan = try run.config.trainingPlan(for: data.train)
    let streams = SeedStreams(runSeed: run.config.seed)
    var initialization = streams.generator(for: .initialization)
    var shuffling = streams.generator(for: .shuffling)
    var dropout = streams.generator(for: .dropout)
    var observer = try CSVTrainingObserver(folder: folder, stopRequested: stop)
    let result = try GradEngine.train(
      plan, on: data.train, validation: data.validation,
      initialization: &initialization, shuffling: &shuffling, dropout: &dropout, observer: &observer)
    try observer.close()
    try provenance(of: run, plan: plan, streams: streams, result: result).jsonData()
      .write(to: folder.appendingPathComponent(ResultsLayout.provenanceFile))
    let seconds = Self.seconds(clock.now - started)
    switch result.outcome {
    case .completed:
      return RunStatus(
        status: .completed, steps: result.steps, seconds: seconds,
        finalLoss: result.finalTrainLoss, finalAccuracy: result.finalTrainAccuracy,
        finalValLoss: result.finalValidationLoss, finalValAccuracy: result.finalValidationAccuracy)
    case .diverged(let step, let reason):
      return RunStatus(
        status: .diverged, steps: result.steps, divergedAtStep: step, error: reason, seconds: seconds,
        finalLoss: result.finalTrainLoss, finalAccuracy: result.finalTrainAccuracy,
        finalValLoss: result.finalValidationLoss, finalValAccuracy: result.finalValidationAccuracy)
    case .interrupted(let step):
      return RunStatus(status: .interrupted, steps: step, error: "interrupted by the user", seconds: seconds)
    }
  }

  /// The run's seeds and, per layer, the initialisation formula and the std it drew.
  private func provenance(of run: PlannedRun, plan: TrainingPlan, streams: SeedStreams, result: TrainingResult) -> Provenance {
    let network = plan.network
    let sizes = [network.inputSize] + network.hiddenWidths + [network.outputSize]
    let formulas = network.weightInitializationFormulas
    let layers = zip(sizes, sizes.dropFirst()).enumerated().map { i, fans in
      Provenance.LayerInitialization(
        layer: i + 1, fanIn: fans.0, fanOut: fans.1, formula: formulas[i],
        weightStd: i < result.initialWeightStd.count ? result.initialWeightStd[i] : .nan)
    }
    let seeds = Provenance.Seeds(
      run: run.config.seed, initialization: streams.seed(for: .initialization),
      shuffling: streams.seed(for: .shuffling), dropout: streams.seed(for: .dropout), data: dataSeed(run))
    return Provenance(environment: environment, seeds: seeds, layers: layers)
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
