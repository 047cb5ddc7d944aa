import Foundation
import SweepResults

/// The "Published vs measured" section: one row per claim of the sweep's `reference:`
/// section — the claim, where it is published, the published value or statement, the
/// value measured on this sweep's runs, the bound it must meet, and the verdict.
///
/// A claim's measured value is its `statistic` (mean, median, min, max) over the
/// **finite** per-run values of its `metric` (see `ReferenceMetric`) of the finished
/// runs its `runs:` filter matches. Failed and interrupted runs are not results and are
/// left out; runs whose value is missing or not finite (a diverged run's final loss)
/// are left out of the statistic and counted in the row, so a bound is never met by a
/// number that hides divergence. `diverged_fraction` counts diverged runs among the
/// matching ones instead. A claim that matches no finished run is "not measured", never
/// a pass.
///
/// The reference section comes from manifest.json (`gradsweep run` copies the sweep
/// file's `reference:` there), or from `reference` when given.
package struct ReferenceComparisonSection: ReportSectionProvider {
  /// Overrides the manifest's reference section (nil: use the manifest's).
  package var reference: ReferenceSection?

  package init(reference: ReferenceSection? = nil) {
    self.reference = reference
  }

  package static let sectionID = "published-vs-measured"
  package static let title = "Published vs measured"

  /// The outcome of one claim on this sweep.
  package struct Measurement: Sendable, Equatable {
    package enum Outcome: String, Sendable, Equatable {
      case pass, fail
      /// The claim states no bound: shown for comparison.
      case unchecked
      /// No finished run matches the claim, or its metric is unknown.
      case notMeasured = "not measured"
    }

    /// nil when the claim's metric is not in the vocabulary.
    package var metric: ReferenceMetric?
    /// Finished result runs the claim's `runs:` filter matches.
    package var matchingRuns: Int
    /// Runs whose value entered the statistic (finite).
    package var usedRuns: Int
    /// The statistic over the finite per-run values (for `diverged_fraction`, the fraction).
    package var value: Double?
    package var outcome: Outcome
    /// With `predicted_within`: the same statistic of the matching runs' predictions.
    package var predicted: Double? = nil
  }

  package func sections(for data: ReportData) throws -> [ReportSection] {
    guard let reference = reference ?? data.folder.manifest.reference,
      !reference.claims.isEmpty || reference.source != nil
    else { return [] }
    var cache = LayerLogCache(folder: data.folder)
    let measurements = reference.claims.map { Self.measure($0, in: data, layers: &cache) }
    return [Self.render(reference, measurements, warnings: cache.warnings)]
  }

  /// Measures one claim on the report's runs.
  package static func measure(_ claim: ReferenceClaim, in data: ReportData) -> Measurement {
    var cache = LayerLogCache(folder: data.folder)
    return measure(claim, in: data, layers: &cache)
  }

  static func measure(_ claim: ReferenceClaim, in data: ReportData, layers: inout LayerLogCache) -> Measurement {
    let matching = data.results.filter { claim.matches($0.row.axisValues) }
    guard let metric = ReferenceMetric(parsing: claim.metric) else {
      return Measurement(metric: nil, matchingRuns: matching.count, usedRuns: 0, value: nil, outcome: .notMeasured)
    }
    guard !matching.isEmpty else {
      return Measurement(metric: metric, matchingRuns: 0, usedRuns: 0, value: nil, outcome: .notMeasured)
    }
    let value: Double?
    let used: Int
    if case .divergedFraction = metric {
      used = matching.count
      value = Double(matching.filter { $0.row.status == "diverged" }.count) / Double(matching.count)
    } else {
      // A loss crossing never reached is +∞ and stays in: the claim must not pass by
      // dropping the runs that failed to learn.
      let keepsInfinity = metric.isCrossing
      let values = matching.map { runValue(metric, $0, layers: &layers) }.compactMap { $0 }
        .filter { ($0.isFinite || (keepsInfinity && $0 == .infinity)) && (!claim.statistic.takesLogarithm || $0 > 0) }
      used = values.count
      value = statistic(claim.statistic, values)
    }
    var predicted: Double? = nil
    if claim.predictedWithin != nil {
      let predictions = matching.compactMap(\.row.predictedGradRatioInit).filter(\.isFinite)
      predicted = predictions.count == matching.count ? statistic(claim.statistic, predictions) : nil
      // No prediction for some matching run (theory does not apply, or an older folder):
      // the claim cannot be judged, never a pass.
      if predicted == nil {
        return Measurement(
          metric: metric, matchingRuns: matching.count, usedRuns: used, value: value, outcome: .notMeasured)
      }
    }
    let outcome: Measurement.Outcome
    switch claim.verdict(measured: value ?? .nan, predicted: predicted) {
    case .pass: outcome = .pass
    case .fail: outcome = .fail
    case .unchecked: outcome = .unchecked
    }
    return Measurement(
      metric: metric, matchingRuns: matching.count, usedRuns: used, value: value, outcome: outcome,
      predicted: predicted)
  }

  /// The metric's value for one run (nil when not logged).
  static func runValue(_ metric: ReferenceMetric, _ run: RunDigest, layers: inout LayerLogCache) -> Double? {
    switch metric {
    case .summary(let m): return summaryValue(m, run.row)
    case .divergedFraction: return nil
    case .layer(let q): return layers.value(q, runID: run.runID)
    case .ratio(let a, let b):
      guard let x = layers.value(a, runID: run.runID), let y = layers.value(b, runID: run.runID) else { return nil }
      return x / y
    case .stepsToLoss(let threshold): return layers.firstStep(runID: run.runID) { $0.loss[$1].map { $0 <= threshold } }
    case .stepsToValAccuracy(let threshold):
      return layers.firstStep(runID: run.runID) { $0.valAccuracy[$1].map { $0 >= threshold } }
    }
  }

  static func summaryValue(_ m: ReferenceMetric.SummaryMetric, _ row: SummaryRow) -> Double? {
    switch m {
    case .finalLoss: row.finalLoss
    case .finalAccuracy: row.finalAccuracy
    case .finalValLoss: row.finalValLoss
    case .finalValAccuracy: row.finalValAccuracy
    case .bestValAccuracy: row.bestValAccuracy
    case .gradRatioInit: row.gradRatioInit
    case .gradRatioFinal: row.gradRatioFinal
    case .steps: row.steps.map(Double.init)
    case .seconds: row.seconds
    case .predictedGradRatioInit: row.predictedGradRatioInit
    case .chi1: row.chi1
    case .qStar: row.qStar
    case .xiC: row.xiC
    case .testLoss: row.testLoss
    case .testAccuracy: row.testAccuracy
    case .jacobianEigMeanInit: row.jacobianEigMeanInit
    case .jacobianEigVarInit: row.jacobianEigVarInit
    case .jacobianSvMaxInit: row.jacobianSvMaxInit
    case .jacobianEigVarRelInit: row.jacobianEigVarRelInit
    }
  }

  /// mean = Σx/k; median = the middle value (mean of the two middle ones for even k);
  /// min, max; variance = Σ(x − mean)²/(k − 1); mean_of_log, variance_of_log: the mean
  /// and variance of ln x (the caller passes positive values only). nil for no values,
  /// and for a variance of fewer than two.
  static func statistic(_ s: ReferenceStatistic, _ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    func variance(_ x: [Double]) -> Double? {
      guard x.count >= 2 else { return nil }
      let m = mean(x)
      return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }
    switch s {
    case .mean: return mean(values)
    case .min: return values.min()
    case .max: return values.max()
    case .median:
      let sorted = values.sorted()
      let k = sorted.count
      return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2
    case .variance: return variance(values)
    case .meanOfLog: return mean(values.map { log($0) })
    case .varianceOfLog: return variance(values.map { log($0) })
    }
  }

  // MARK: rendering

  static let header = ["#", "claim", "source", "published", "measured", "over", "accepted", "verdict"]

  static func render(_ reference: ReferenceSection, _ measurements: [Measurement], warnings: [String]) -> ReportSection {
    var blocks: [ReportBlock] = []
    var intro: RichText = []
    if let source = reference.source { intro += [.strong("Source: "), .text(source)] }
    if let url = reference.url { intro += [.text(intro.isEmpty ? "" : " — "), .code(url)] }
    if !intro.isEmpty { blocks.append(.paragraph(intro)) }
    if let setting = reference.setting { blocks.append(.paragraph([.strong("Our setting: "), .text(setting)])) }
    if !measurements.isEmpty { blocks.append(.paragraph(tally(measurements))) }

    var rows: [[ReportCell]] = []
    for (i, (claim, m)) in zip(reference.claims, measurements).enumerated() {
      // A theory band names the prediction it was judged against.
      let accepted = m.predicted.map { claim.criterion + " (\(NumberFormatting.significant($0)))" } ?? claim.criterion
      rows.append([
        ReportCell(String(i + 1)), ReportCell(claim.claim), ReportCell(sourceText(claim, reference)),
        ReportCell(publishedText(claim)), measuredCell(m), ReportCell(overText(claim, m), style: .muted),
        ReportCell(accepted, style: accepted == "—" ? .muted : .plain), verdictCell(m),
      ])
    }
    if !rows.isEmpty {
      blocks.append(
        .table(
          ReportTable(
            header: header, rows: rows, numericColumns: [0, 4],
            note: [
              .text(
                "measured: the statistic over the finished runs the claim selects (failed and interrupted runs excluded); runs whose value is missing or not finite are left out and counted under “over”. Metrics: docs/reproductions.md."
              )
            ])))
    }
    let differences = zip(reference.claims.indices, reference.claims).compactMap { i, claim in
      claim.differs.map { [Inline.strong("\(i + 1). "), .text($0)] }
    }
    if !differences.isEmpty {
      blocks.append(.subheading("What differs from the published setting"))
      blocks.append(.bulletList(differences))
    }
    if !warnings.isEmpty { blocks.append(.bulletList(warnings.map { [.text($0)] })) }
    return ReportSection(id: sectionID, title: title, blocks: blocks, placement: .afterOverview)
  }

  /// "3 of 4 claims pass, 1 fails."
  static func tally(_ ms: [Measurement]) -> RichText {
    let pass = ms.filter { $0.outcome == .pass }.count
    let fail = ms.filter { $0.outcome == .fail }.count
    let unmeasured = ms.filter { $0.outcome == .notMeasured }.count
    let checked = ms.count - ms.filter { $0.outcome == .unchecked }.count
    var text: RichText = [.strong("\(pass) of \(checked) checked claim\(checked == 1 ? "" : "s") pass")]
    var rest: [String] = []
    if fail > 0 { rest.append("\(fail) fail\(fail == 1 ? "s" : "")") }
    if unmeasured > 0 { rest.append("\(unmeasured) not measured (no finished run matches, or unknown metric)") }
    let unchecked = ms.count - checked
    if unchecked > 0 { rest.append("\(unchecked) shown without a bound") }
    text.append(.text(rest.isEmpty ? "." : "; " + rest.joined(separator: "; ") + "."))
    return text
  }

  static func sourceText(_ claim: ReferenceClaim, _ reference: ReferenceSection) -> String {
    let parts = [claim.source, claim.location].compactMap { $0 }.filter { !$0.isEmpty }
    return parts.isEmpty ? "—" : parts.joined(separator: ", ")
  }

  static func publishedText(_ claim: ReferenceClaim) -> String {
    switch (claim.publishedText, claim.published) {
    case (let text?, let value?): "\(text) (\(NumberFormatting.setting(value)))"
    case (let text?, nil): text
    case (nil, let value?): NumberFormatting.setting(value)
    case (nil, nil): "—"
    }
  }

  static func measuredCell(_ m: Measurement) -> ReportCell {
    guard let value = m.value else {
      return ReportCell(m.metric == nil ? "unknown metric" : (m.matchingRuns == 0 ? "no runs" : "no finite value"), style: .muted)
    }
    return ReportCell(NumberFormatting.significant(value))
  }

  /// "mean grad_ratio_init, 3 runs (1 nan left out)".
  static func overText(_ claim: ReferenceClaim, _ m: Measurement) -> String {
    guard let metric = m.metric else { return claim.metric }
    if case .divergedFraction = metric {
      return "diverged_fraction of \(m.matchingRuns) run\(m.matchingRuns == 1 ? "" : "s")"
    }
    var text = "\(claim.statistic.rawValue) \(metric), \(m.usedRuns) run\(m.usedRuns == 1 ? "" : "s")"
    let left = m.matchingRuns - m.usedRuns
    let kind = claim.statistic.takesLogarithm ? "a finite logarithm" : "a finite value"
    if left > 0 { text += " (\(left) without \(kind) left out)" }
    return text
  }

  static func verdictCell(_ m: Measurement) -> ReportCell {
    switch m.outcome {
    case .pass: ReportCell("pass", style: .pass)
    case .fail: ReportCell("fail", style: .fail)
    case .unchecked: ReportCell("—", style: .muted)
    case .notMeasured: ReportCell("not measured", style: .muted)
    }
  }
}

/// Reads each run's layers.csv (and, for loss crossings, its metrics.csv) at most once per report.
struct LayerLogCache {
  let folder: ResultsFolder
  private var logs: [String: LayerLog?] = [:]
  private var metricLogs: [String: MetricsLog?] = [:]
  private(set) var warnings: [String] = []

  init(folder: ResultsFolder) {
    self.folder = folder
  }

  /// The run's value of `column` at the quantity's layer and step; nil when the run
  /// has no layers.csv, no such layer, or did not log that step.
  mutating func value(_ q: LayerQuantity, runID: String) -> Double? {
    guard let log = log(runID) else { return nil }
    let step: Int?
    switch q.step {
    case .first: step = log.firstStep
    case .last: step = log.lastStep
    case .number(let n): step = n
    }
    guard let step, let layer = q.layer.resolve(hiddenLayers: log.hiddenLayers) else { return nil }
    if q.column == ReferenceMetric.derivedMeanSquare {
      guard let m = log.profile("act_mean", at: step, through: log.outputLayer)[layer - 1],
        let s = log.profile("act_std", at: step, through: log.outputLayer)[layer - 1]
      else { return nil }
      return m * m + s * s
    }
    return log.profile(q.column, at: step, through: log.outputLayer)[layer - 1]
  }

  /// The first logged step i of metrics.csv where `reached(log, i)` is true (nil: no
  /// value at that step); +∞ when none is, nil when the run has no metrics.csv.
  mutating func firstStep(runID: String, _ reached: (MetricsLog, Int) -> Bool?) -> Double? {
    let log: MetricsLog?
    if let cached = metricLogs[runID] {
      log = cached
    } else {
      do { log = try folder.metrics(for: runID) } catch {
        warnings.append("\(error)")
        log = nil
      }
      metricLogs[runID] = log
    }
    guard let log else { return nil }
    for (i, step) in log.step.enumerated() where reached(log, i) == true { return Double(step) }
    return .infinity
  }

  private mutating func log(_ runID: String) -> LayerLog? {
    if let cached = logs[runID] { return cached }
    var log: LayerLog? = nil
    do {
      log = try folder.layers(for: runID)
    } catch {
      warnings.append("\(error)")
    }
    logs[runID] = log
    return log
  }
}
