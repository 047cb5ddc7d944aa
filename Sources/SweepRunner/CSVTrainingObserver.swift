import Foundation
import SweepResults
import GradEngine
import Synchronization
import TidyCSV

/// Streams a training's logs into the run's `metrics.csv` and `layers.csv` as they are
/// produced (bounded memory; a reader can follow the files while the run trains).
/// Owned by exactly one run.
///
/// It also ends a training early: when Ctrl-C was pressed (→ `interrupted`) and, with
/// `training.stall`, when the logged loss has stopped improving (→ `stalled`, see
/// `StallDetector`); the engine polls `stopRequest()` before each update, ends the
/// training as `interrupted` or `stalled` accordingly, and logs the
/// record of step t together with update t + 1, so a run that stalls at logged step t
/// ends with t + 1 updates and its last record is step t.
struct CSVTrainingObserver: TrainingObserver {
  private let metrics: CSVWriter
  private let layers: CSVWriter
  /// The optional instruments' columns, and jacobian.csv when the Jacobian is measured.
  private let instruments: ResultsLayout.InstrumentColumns
  private let jacobian: CSVWriter?
  private let started: ContinuousClock.Instant
  private let stopRequested: StopFlag
  private var stall: StallDetector?
  /// Why the stall rule fired; nil while the run is moving.
  private var stallReason: String?

  init(
    folder: URL, stopRequested: StopFlag, stall: StallDetector? = nil, instruments options: InstrumentOptions = .init()
  ) throws {
    instruments = ResultsLayout.InstrumentColumns(options)
    metrics = try CSVWriter(
      url: folder.appendingPathComponent(ResultsLayout.metricsFile),
      header: ResultsLayout.metricsHeader + instruments.metricColumns)
    layers = try CSVWriter(
      url: folder.appendingPathComponent(ResultsLayout.layersFile),
      header: ResultsLayout.layersHeader + instruments.layerColumns)
    jacobian =
      options.jacobian
      ? try CSVWriter(
        url: folder.appendingPathComponent(ResultsLayout.jacobianFile), header: ResultsLayout.jacobianHeader) : nil
    started = .now
    self.stopRequested = stopRequested
    self.stall = stall
  }

  mutating func record(_ step: StepRecord, layers stats: [LayerStatistics]) throws {
    let elapsed = ContinuousClock.now - started
    let spectrum = step.jacobian
    try metrics.write(
      [
        .integer(step.step), .double(step.epoch), .double(step.loss), .double(step.accuracy),
        .optional(step.validationLoss), .optional(step.validationAccuracy), .double(step.gradientNorm),
        .double(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18),
        .optional(step.learningRate),
      ]
        + (instruments.jacobian
          ? [.optional(spectrum?.eigenvalueMean), .optional(spectrum?.eigenvalueVariance), .optional(spectrum?.largest)]
          : []))
    if let jacobian, let spectrum {
      for (index, value) in spectrum.singularValues.enumerated() {
        try jacobian.write([.integer(step.step), .integer(index + 1), .double(value), .double(value * value)])
      }
    }
    for s in stats {
      try layers.write([
        .integer(step.step), .integer(s.layer), .double(s.gradWNorm), .double(s.gradWMeanAbs),
        .double(s.gradBNorm), .double(s.weightNorm), .double(s.updateRatio), .double(s.preactMean),
        .double(s.preactStd), .double(s.actMean), .double(s.actStd), .double(s.derivMean),
        .double(s.saturatedFraction), .double(s.deadFraction),
        .optional(s.preluSlope), .optional(s.gradGammaNorm), .optional(s.gradBetaNorm),
        .optional(s.gammaNorm), .optional(s.betaNorm),
      ] + instrumentCells(s.instruments))
    }
    if stallReason == nil, stall?.observe(step.loss) == true { stallReason = stall?.explanation }
  }

  /// The instrument columns of one layers.csv row, in `layerColumns` order (empty cells
  /// where the layer has no value, e.g. no probe pair in the data).
  private func instrumentCells(_ values: LayerInstruments?) -> [CSVCell] {
    var cells: [CSVCell] = []
    if instruments.preactGradNorm { cells.append(.optional(values?.preactGradNorm)) }
    if instruments.correlation { cells.append(.optional(values?.correlation)) }
    if instruments.weightDistance { cells.append(.optional(values?.weightDistance)) }
    if instruments.spectralNorm { cells.append(.optional(values?.spectralNorm)) }
    if instruments.gradQuantiles {
      let bands = values?.gradQuantiles
      cells += ResultsLayout.gradQuantileColumns.indices.map { .optional(bands?[$0]) }
    }
    return cells
  }

  /// A stall is checked first: it is a result even if Ctrl-C came at the same time.
  func stopRequest() -> StopRequest? {
    if let stallReason { return .stall(reason: stallReason) }
    return stopRequested.isSet ? .interrupt : nil
  }

  func close() throws {
    try metrics.close()
    try layers.close()
    try jacobian?.close()
  }
}

extension ResultsLayout.InstrumentColumns {
  /// The columns of the instruments a plan turns on.
  init(_ options: InstrumentOptions) {
    self.init(
      preactGradNorm: options.preactGradNorm, correlation: options.correlation != nil,
      weightDistance: options.weightDistance, spectralNorm: options.spectralNorm,
      gradQuantiles: options.gradQuantiles, jacobian: options.jacobian)
  }
}

/// A flag set once (by Ctrl-C) and read by every running training before each step.
package final class StopFlag: Sendable {
  /// 0 = not set; otherwise the signal that set it (SIGINT, SIGTERM), or -1.
  private let flag = Atomic<Int32>(0)
  package init() {}
  package var isSet: Bool { flag.load(ordering: .relaxed) != 0 }
  package func set() { set(by: -1) }
  /// Stops, remembering the signal that asked (the first one wins).
  package func set(by signal: Int32) {
    _ = flag.compareExchange(expected: 0, desired: signal == 0 ? -1 : signal, ordering: .relaxed)
  }
  /// The signal that stopped the sweep, nil when none did.
  package var signal: Int32? {
    let value = flag.load(ordering: .relaxed)
    return value > 0 ? value : nil
  }
}
