import Foundation
import SweepResults

/// One finished run, digested for the report: its summary row, its metrics log
/// (small: one row per logged step) and the parts of layers.csv every run needs.
/// Whole layer logs are read again only for the few runs a chart draws.
package struct RunDigest: Sendable {
  package var row: SummaryRow
  package var metrics: MetricsLog?
  /// L, the number of hidden layers (0 when layers.csv is absent).
  package var hiddenLayers: Int
  /// The shift gradient (`LayerLog.shiftGradientProfile`) of layers 1…L at the first /
  /// last logged step (index 0 ↔ layer 1).
  package var gradientsAtStart: [Double?]
  package var gradientsAtEnd: [Double?]
  /// `act_std` of layers 1…L at the first logged step (index 0 ↔ layer 1).
  package var activationStdAtStart: [Double?] = []
  /// The pre-activations' mean square `preact_std`² + `preact_mean`² (q^l, measured) of
  /// layers 1…L at the first logged step (index 0 ↔ layer 1).
  package var preactMeanSquareAtStart: [Double?] = []
  /// The activations' mean square `act_sq` = `act_mean`² + `act_std`² (M_l = ‖x^l‖²/n_l
  /// for a batch of one) of layers 1…L at the first logged step (index 0 ↔ layer 1).
  package var activationMeanSquareAtStart: [Double?] = []
  package var firstLoggedStep: Int?
  package var lastLoggedStep: Int?
  /// The first logged step with training loss ≤ the report's threshold.
  package var stepsToThreshold: Int?

  package var runID: String { row.runID }
}

/// The parts of a run's logs the report keeps for every run (small: the metrics
/// log and two gradient profiles), so layers.csv can be dropped once read.
struct LogDigest: Sendable {
  var metrics: MetricsLog?
  var hiddenLayers = 0
  var gradientsAtStart: [Double?] = []
  var gradientsAtEnd: [Double?] = []
  var activationStdAtStart: [Double?] = []
  var preactMeanSquareAtStart: [Double?] = []
  var activationMeanSquareAtStart: [Double?] = []
  var firstLoggedStep: Int? = nil
  var lastLoggedStep: Int? = nil

  init(metrics: MetricsLog?, layers: LayerLog?) {
    self.metrics = metrics
    guard let layers else { return }
    let L = layers.hiddenLayers
    hiddenLayers = L
    firstLoggedStep = layers.firstStep
    lastLoggedStep = layers.lastStep
    if let s = layers.firstStep {
      gradientsAtStart = layers.shiftGradientProfile(at: s, through: L)
      activationStdAtStart = layers.profile("act_std", at: s, through: L)
      func meanSquare(_ prefix: String) -> [Double?] {
        zip(layers.profile("\(prefix)_std", at: s, through: L), layers.profile("\(prefix)_mean", at: s, through: L)).map {
          std, mean in
          guard let std, let mean else { return nil }
          return std * std + mean * mean
        }
      }
      preactMeanSquareAtStart = meanSquare("preact")
      activationMeanSquareAtStart = meanSquare("act")
    }
    if let s = layers.lastStep { gradientsAtEnd = layers.shiftGradientProfile(at: s, through: L) }
  }

  /// Reads a run's logs; problems become warnings.
  static func read(_ folder: ResultsFolder, runID: String, warnings: inout [String]) -> LogDigest {
    var metrics: MetricsLog? = nil
    var layers: LayerLog? = nil
    do { metrics = try folder.metrics(for: runID) } catch { warnings.append("\(error)") }
    do { layers = try folder.layers(for: runID) } catch { warnings.append("\(error)") }
    return LogDigest(metrics: metrics, layers: layers)
  }
}

/// The metric that ranks configurations: final validation accuracy, or — when the
/// sweep has no validation set or no accuracy (regression) — the next best thing.
package enum PrimaryMetric: Sendable, Equatable {
  case valAccuracy, accuracy, valLoss, loss

  package var label: String {
    switch self {
    case .valAccuracy: "final val accuracy"
    case .accuracy: "final train accuracy"
    case .valLoss: "final val loss"
    case .loss: "final loss"
    }
  }

  package var higherIsBetter: Bool { self == .valAccuracy || self == .accuracy }

  package func value(_ row: SummaryRow) -> Double? {
    switch self {
    case .valAccuracy: row.finalValAccuracy
    case .accuracy: row.finalAccuracy
    case .valLoss: row.finalValLoss
    case .loss: row.finalLoss
    }
  }

  /// The first metric with a finite value in some row.
  static func choose(_ rows: [SummaryRow]) -> PrimaryMetric {
    for m in [PrimaryMetric.valAccuracy, .accuracy, .valLoss, .loss]
    where rows.contains(where: { m.value($0)?.isFinite == true }) {
      return m
    }
    return .valAccuracy
  }
}

/// Everything a report is built from. Section providers receive it.
package struct ReportData: Sendable {
  package let folder: ResultsFolder
  package let generated: Date
  /// Every finished run (status.json present), in manifest order.
  package let runs: [RunDigest]
  /// The axes grouped by (no `seed`), in sweep order; a `zip` group of several fields
  /// is one axis here (see `CombinedAxis`).
  package let axes: [String]
  /// The combined axes by name.
  let combinedAxes: [String: CombinedAxis]
  /// `runs` grouped by axis values, built on demand (see `RunGroups`).
  let groups = RunGroups()
  /// Each axis's values in the order the sweep lists them (first appearance in the manifest).
  package let axisValues: [String: [String]]
  /// "Steps to loss ≤ threshold" threshold (report.loss_threshold, default 0.5).
  package let lossThreshold: Double
  package let metric: PrimaryMetric
  package let warnings: [String]
  /// 1/C for a C-class classifier (see `ChanceLevel`); nil when unknown.
  package let chanceAccuracy: Double?
  /// How charts name axes and print their values (σ_w² for a scaled_normal gain).
  let display: AxisDisplay

  package static let defaultLossThreshold = 0.5

  /// Runs whose numbers are averaged: all but failed and interrupted ones.
  package var results: [RunDigest] { runs.filter(\.row.isResult) }

  /// Reads every finished run's metrics and the layer-gradient profiles.
  package init(folder: ResultsFolder, generated: Date) {
    self.folder = folder
    self.generated = generated
    let sweepAxes = folder.axes
    let plannedRuns = folder.manifest.runs.sorted { $0.index < $1.index }
    var reportAxes: [String] = []
    var combined: [String: CombinedAxis] = [:]
    let groups = folder.manifest.zipGroups.map { $0.filter(sweepAxes.contains) }.filter { $0.count > 1 }
    for axis in sweepAxes {
      guard let group = groups.first(where: { $0.contains(axis) }) else {
        reportAxes.append(axis)
        continue
      }
      guard group.first == axis else { continue }
      let combinations =
        plannedRuns.map { run in group.map { run.axisValues[$0] ?? "" } }
        + folder.rows.map { row in group.map { row.axisValues[$0] ?? "" } }
      let axis = CombinedAxis(members: group, combinations: combinations)
      combined[axis.name] = axis
      reportAxes.append(axis.name)
    }
    axes = reportAxes
    combinedAxes = combined
    var values: [String: [String]] = [:]
    for (name, axis) in combined { values[name] = axis.values }
    for axis in axes where combined[axis] == nil {
      var seen = Set<String>()
      values[axis] = plannedRuns.compactMap { run in
        run.axisValues[axis].flatMap { seen.insert($0).inserted ? $0 : nil }
      }
    }
    // Rows from summary.csv may carry values the manifest lacks (hand-edited files): keep them.
    for axis in axes where combined[axis] == nil {
      var known = Set(values[axis] ?? [])
      for row in folder.rows {
        if let v = row.axisValues[axis], known.insert(v).inserted { values[axis, default: []].append(v) }
      }
    }
    axisValues = values
    let threshold = folder.reportSpec.lossThreshold ?? Self.defaultLossThreshold
    lossThreshold = threshold
    metric = PrimaryMetric.choose(folder.rows.filter(\.isResult))
    var warnings = folder.warnings
    var runs: [RunDigest] = []
    for row in folder.rows {
      let logs = folder.prefetched[row.runID] ?? LogDigest.read(folder, runID: row.runID, warnings: &warnings)
      runs.append(
        RunDigest(
          row: row, metrics: logs.metrics, hiddenLayers: logs.hiddenLayers, gradientsAtStart: logs.gradientsAtStart,
          gradientsAtEnd: logs.gradientsAtEnd, firstLoggedStep: logs.firstLoggedStep, lastLoggedStep: logs.lastLoggedStep,
          stepsToThreshold: logs.metrics?.firstStep(lossAtMost: threshold)))
      runs[runs.count - 1].activationStdAtStart = logs.activationStdAtStart
      runs[runs.count - 1].preactMeanSquareAtStart = logs.preactMeanSquareAtStart
      runs[runs.count - 1].activationMeanSquareAtStart = logs.activationMeanSquareAtStart
    }
    self.runs = runs
    chanceAccuracy = ChanceLevel.accuracy(folder: folder, runs: runs)
    display = AxisDisplay(folder: folder, axes: reportAxes, runs: runs)
    self.warnings = warnings
  }

  /// The run's value of an axis ("" when absent).
  package func value(_ run: RunDigest, _ axis: String) -> String { value(axis) { run.row.axisValues[$0] } }

  /// A planned run's value of an axis ("" when absent).
  package func value(planned run: ManifestRun, _ axis: String) -> String { value(axis) { run.axisValues[$0] } }

  private func value(_ axis: String, _ lookup: (String) -> String?) -> String {
    if let combined = combinedAxes[axis] { return combined.label(lookup) }
    return lookup(axis) ?? ""
  }

  /// The report axis a sweep field belongs to: the field itself, or the combined
  /// axis of its zip group; nil when the field is not swept.
  package func axis(containing path: String) -> String? {
    if axes.contains(path) { return path }
    return combinedAxes.values.first { $0.members.contains(path) }?.name
  }

  /// Combinations of values of `axes` that the manifest plans (or a finished run has),
  /// in sweep order: ordered by each axis's position in `axisValues`, first axis first.
  /// Linear in the runs (not the product of the axes' lengths): the distinct planned
  /// combinations are collected, then sorted.
  package func plannedCombinations(of axes: [String]) -> [[String]] {
    let rank: [[String: Int]] = axes.map { axis in
      Dictionary((axisValues[axis] ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
    var seen = Set<[String]>()
    var keyed: [(key: [Int], combo: [String])] = []
    func add(_ combo: [String]) {
      guard seen.insert(combo).inserted else { return }
      var key: [Int] = []
      for (i, v) in combo.enumerated() {
        guard let r = rank[i][v] else { return }  // not a listed value: never a table row
        key.append(r)
      }
      keyed.append((key, combo))
    }
    for run in folder.manifest.runs { add(axes.map { value(planned: run, $0) }) }
    for run in runs { add(axes.map { value(run, $0) }) }
    return keyed.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.combo)
  }

  /// The finished runs with the given values of `axes` (a dictionary lookup: `RunGroups`).
  package func runs(where axes: [String], equal values: [String]) -> [RunDigest] {
    let groups = groups.groups(for: axes, count: runs.count) { i in axes.map { value(runs[i], $0) } }
    return (groups[values] ?? []).map { runs[$0] }
  }

  /// The result runs with the given values of `axes`.
  package func results(where axes: [String], equal values: [String]) -> [RunDigest] {
    runs(where: axes, equal: values).filter(\.row.isResult)
  }

  /// True when some finished run took a training step (false for an ensemble at
  /// initialisation, `training.steps: 0`, whose final metrics are those of the start).
  package var anyRunTrained: Bool {
    runs.contains { $0.row.isResult && ($0.row.steps ?? 0) > 0 }
  }

  /// The configuration (a value for every axis) with the best mean primary metric
  /// over its seeds; nil when no run has a finite value, and when no run trained (an
  /// ensemble at initialisation, `training.steps: 0`, where a final accuracy ranks nothing).
  package var bestConfiguration: (values: [String], stats: SampleStatistics)? {
    guard anyRunTrained else { return nil }
    var best: (values: [String], stats: SampleStatistics)? = nil
    for combo in plannedCombinations(of: axes) {
      let stats = SampleStatistics(results(where: axes, equal: combo).map { metric.value($0.row) })
      guard let mean = stats.mean else { continue }
      if let current = best?.stats.mean {
        if metric.higherIsBetter ? mean > current : mean < current { best = (combo, stats) }
      } else {
        best = (combo, stats)
      }
    }
    return best
  }
}
