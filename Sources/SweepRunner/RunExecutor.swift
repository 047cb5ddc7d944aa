import Foundation
import SweepResults
import GradData
import GradEngine
import SweepSpec

/// How one run ended, as the scheduler needs to know it.
struct RunExecution: Sendable {
  /// What status.json says (or would have said, when it could not be saved).
  var status: RunStatus
  /// Why the run could not be written to the results folder (disk full, read-only
  /// folder, …), nil when it was saved. Such a run leaves nothing in `runs/`, so
  /// `--resume` redoes it; and since the next run would fail the same way, the
  /// scheduler starts no more runs.
  var outputProblem: String?
}

/// Trains one planned run into its own temporary folder and, once it has ended
/// (completed, diverged, stalled, failed or interrupted), renames it into `runs/<id>`.
/// A crash therefore never leaves a half-written run that looks finished, and no two
/// runs ever write the same file.
///
/// Two kinds of error are told apart: the engine refusing the run (`EngineError`,
/// recorded as `failed` in the run's folder: a result of this config) and the results
/// folder refusing a write (anything else: nothing is recorded, see `RunExecution`).
struct RunExecutor: Sendable {
  let layout: ResultsLayout
  let stop: StopFlag
  let environment: Provenance.Environment
  /// The seed of each run's data set (shared by replicates).
  let dataSeed: @Sendable (PlannedRun) -> UInt64
  /// What theory predicts for each run (by id), written as its prediction.json.
  var predictions: [String: PredictionFile] = [:]

  func execute(_ prepared: PreparedRun) -> RunExecution {
    let run = prepared.run
    let clock = ContinuousClock()
    let started = clock.now
    let temporary = layout.temporaryRunFolder(run.id)
    let fm = FileManager.default
    func unsaved(_ error: Error, steps: Int? = 0) -> RunExecution {
      // Nothing on disk claims this run: --resume will redo it.
      try? fm.removeItem(at: temporary)
      let reason = OutputErrors.reason(error)
      return RunExecution(
        status: RunStatus(
          status: .failed, steps: steps, error: "could not save the run in \(layout.runFolder(run.id).path): \(reason)",
          seconds: Self.seconds(clock.now - started)),
        outputProblem: reason)
    }
    var status: RunStatus
    do {
      try? fm.removeItem(at: temporary)
      try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
      try Data(run.config.yamlText().utf8).write(to: temporary.appendingPathComponent(ResultsLayout.configFile))
      status = try train(prepared, into: temporary, started: started, clock: clock)
    } catch let error as EngineError {
      status = RunStatus(status: .failed, steps: 0, error: error.message, seconds: Self.seconds(clock.now - started))
    } catch let error as EncodingError {
      // A value the run produced cannot be written (a bug, not the disk): the run fails,
      // the sweep goes on, and the message does not blame the disk.
      status = RunStatus(
        status: .failed, steps: 0, error: "could not encode the run's record: \(error)",
        seconds: Self.seconds(clock.now - started))
    } catch {
      return unsaved(error)
    }
    do {
      try status.jsonData().write(to: temporary.appendingPathComponent(ResultsLayout.statusFile))
      let final = layout.runFolder(run.id)
      if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
      try fm.moveItem(at: temporary, to: final)
    } catch {
      return unsaved(error, steps: status.steps)
    }
    return RunExecution(status: status, outputProblem: nil)
  }

  private func train(
    _ prepared: PreparedRun, into folder: URL, started: ContinuousClock.Instant, clock: ContinuousClock
  ) throws -> RunStatus {
    let (run, data, plan) = (prepared.run, prepared.data, prepared.plan)
    let streams = SeedStreams(runSeed: run.config.seed)
    var initialization = streams.generator(for: .initialization)
    var shuffling = streams.generator(for: .shuffling)
    var dropout = streams.generator(for: .dropout)
    var observer = try CSVTrainingObserver(
      folder: folder, stopRequested: stop, stall: Self.stallDetector(for: run), instruments: plan.instruments)
    let result = try GradEngine.train(
      plan, on: data.train, validation: data.validation, test: data.test, initialization: &initialization,
      shuffling: &shuffling, dropout: &dropout, observer: &observer)
    try observer.close()
    try provenance(of: run, plan: plan, streams: streams, result: result).jsonData()
      .write(to: folder.appendingPathComponent(ResultsLayout.provenanceFile))
    if let prediction = predictions[run.id] {
      try prediction.jsonData().write(to: folder.appendingPathComponent(PredictionFile.fileName))
    }
    let seconds = Self.seconds(clock.now - started)
    switch result.outcome {
    case .completed, .stalled:
      return RunStatus(
        status: result.outcome == .completed ? .completed : .stalled, steps: result.steps, seconds: seconds,
        finalLoss: result.finalTrainLoss, finalAccuracy: result.finalTrainAccuracy,
        finalValLoss: result.finalValidationLoss, finalValAccuracy: result.finalValidationAccuracy,
        testLoss: result.test?.loss, testAccuracy: result.test?.accuracy)
    case .diverged(let step, var reason):
      if step == 0, result.initialWeightStd.contains(where: { !$0.isFinite }) {
        reason = "the initial weights are not finite (the initializer's scale overflows 32-bit floats): \(reason)"
      }
      return RunStatus(
        status: .diverged, steps: result.steps, divergedAtStep: step, error: reason, seconds: seconds,
        finalLoss: result.finalTrainLoss, finalAccuracy: result.finalTrainAccuracy,
        finalValLoss: result.finalValidationLoss, finalValAccuracy: result.finalValidationAccuracy)
    case .interrupted(let step):
      return RunStatus(status: .interrupted, steps: step, error: "interrupted by the user", seconds: seconds)
    }
  }

  /// The run's `training.stall` rule, nil when off (the default).
  static func stallDetector(for run: PlannedRun) -> StallDetector? {
    run.config.training.stall.map { StallDetector(window: $0.window, minImprovement: $0.minImprovement) }
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
    return Provenance(
      environment: environment, configSHA256: SHA256.hex(Array(run.config.yamlText().utf8)), seeds: seeds,
      layers: layers)
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
