/// Chart 1: training loss and validation accuracy over steps, one panel per value of
/// the panels axis, one line per value of the lines axis (mean over seeds, min–max band).
enum LossChartFigure {
  static func make(_ data: ReportData, plan: ChartPlan) -> ReportFigure? {
    let runs = plan.slice(data, data.results).filter { ($0.metrics?.count ?? 0) > 0 }
    // A sweep at initialisation only (training.steps: 0) has no curve to draw.
    guard runs.contains(where: { ($0.metrics?.step.max() ?? 0) > 0 }) else { return nil }
    let panelValues: [String?] = plan.panelsAxis.map { (data.axisValues[$0] ?? []).map(Optional.some) } ?? [nil]
    let lineValues: [String?] = plan.linesAxis.map { (data.axisValues[$0] ?? []).map(Optional.some) } ?? [nil]

    func curve(_ run: RunDigest, _ column: KeyPath<MetricsLog, [Double?]>) -> [(x: Double, y: Double)] {
      guard let m = run.metrics else { return [] }
      return zip(m.step, m[keyPath: column]).compactMap { s, v in v.map { (Double(s), $0) } }
    }
    func hasFinite(_ column: KeyPath<MetricsLog, [Double?]>) -> Bool {
      runs.contains { $0.metrics?[keyPath: column].contains { $0?.isFinite == true } == true }
    }
    // The second row: validation accuracy, else training accuracy, else validation loss.
    typealias Metric = (label: String, column: KeyPath<MetricsLog, [Double?]>, isAccuracy: Bool)
    var second: Metric? = nil
    if hasFinite(\.valAccuracy) {
      second = ("validation accuracy", \.valAccuracy, true)
    } else if hasFinite(\.accuracy) {
      second = ("training accuracy", \.accuracy, true)
    } else if hasFinite(\.valLoss) {
      second = ("validation loss", \.valLoss, false)
    }

    let allLoss = runs.flatMap { curve($0, \.loss).map(\.y) }
    let lossKind = AxisScale.preferredKind(for: allLoss.filter { $0 > 0 }, decades: 1.3)
    let lossDomain = AxisScale.domain(for: allLoss, kind: lossKind)
    let maxStep = Double(runs.compactMap { $0.metrics?.step.max() }.max() ?? 1)
    let xDomain = (0.0, max(maxStep, 1))

    let lineStyles = ChartPlan.styles(for: lineValues.map { $0 ?? "all runs" })
    var lossPanels: [LinePanel] = []
    var secondPanels: [LinePanel] = []
    var seeds: [Int] = []

    // One pass over the runs (not one per panel × line: linear in the runs).
    var byPanelAndLine: [[String?]: [RunDigest]] = [:]
    for run in runs {
      byPanelAndLine[[plan.panelsAxis.map { data.value(run, $0) }, plan.linesAxis.map { data.value(run, $0) }], default: []]
        .append(run)
    }
    for p in panelValues {
      let title = p.map { "\(data.display.shortName(plan.panelsAxis!)) = \(data.display.value(plan.panelsAxis!, $0))" } ?? "all runs"
      var lossSeries: [PlotSeries] = []
      var secondSeries: [PlotSeries] = []
      for (qi, q) in lineValues.enumerated() {
        let group = byPanelAndLine[[p, q]] ?? []
        guard !group.isEmpty else { continue }
        seeds.append(group.count)
        let label = q.map { data.display.value(plan.linesAxis!, $0) } ?? "all runs"
        let style = lineStyles[qi]
        let loss = CurveAggregation.combine(group.map { curve($0, \.loss) }, positiveOnly: lossKind == .log)
        lossSeries.append(PlotSeries(label: label, style: style, points: loss.mean, band: loss.band, markers: lineValues.count > 1))
        if let second {
          let agg = CurveAggregation.combine(group.map { curve($0, second.column) })
          secondSeries.append(PlotSeries(label: label, style: style, points: agg.mean, band: agg.band, markers: lineValues.count > 1))
        }
      }
      lossPanels.append(
        LinePanel(
          title: title, xLabel: "step", yLabel: "training loss", yKind: lossKind, xDomain: xDomain, yDomain: lossDomain,
          integerX: true, series: lossSeries))
      if let second {
        secondPanels.append(
          LinePanel(
            title: title, xLabel: "step", yLabel: second.label, xDomain: xDomain,
            yDomain: second.isAccuracy ? (0, 1) : nil, integerX: true, series: secondSeries,
            references: second.isAccuracy ? chanceLine(data, xDomain) : []))
      }
    }
    // Small grids: loss and the second metric side by side; else a row of losses
    // above a row of accuracies, four panels wide.
    var panels: [LinePanel?] = []
    let columns: Int
    if panelValues.count <= 2 {
      columns = second == nil ? panelValues.count : 2 * panelValues.count
      for i in lossPanels.indices {
        panels.append(lossPanels[i])
        if second != nil { panels.append(secondPanels[i]) }
      }
    } else {
      columns = min(panelValues.count, 4)
      for start in stride(from: 0, to: lossPanels.count, by: columns) {
        let end = min(start + columns, lossPanels.count)
        panels += lossPanels[start ..< end].map(Optional.some)
        // Keep each accuracy panel under its loss panel when the last row is short.
        if second != nil {
          panels += Array(repeating: nil, count: columns - (end - start))
          panels += secondPanels[start ..< end].map(Optional.some)
        }
      }
    }
    let legend = lineValues.enumerated().map { qi, q in
      LegendEntry(label: q.map { data.display.value(plan.linesAxis!, $0) } ?? "all runs", style: lineStyles[qi], marker: true)
    }
    let chart = LineChart(
      id: "loss", title: "Loss and \(second?.label ?? "metrics") over training", panels: panels, columns: max(columns, 1),
      panelHeight: columns >= 4 ? 240 : 270, legendTitle: plan.linesAxis.map(data.display.name), legend: lineValues.count > 1 ? legend : [])
    var caption: RichText = [
      .text(
        "Training loss (on the logged mini-batch) and \(second?.label ?? "no second metric") against the step; each line is the mean over the seeds of one configuration (\(seedText(seeds))), the band their minimum–maximum. "
      )
    ]
    if lossKind == .log { caption.append(.text("Loss on a log scale. ")) }
    if !plan.fixed.isEmpty { caption.append(.text("Other axes held at the best configuration: \(plan.fixedDescription). ")) }
    if second?.isAccuracy == true, let chance = data.chanceAccuracy {
      caption.append(.text("Grey dashed line: chance accuracy 1/\(Int((1 / chance).rounded())) classes = \(NumberFormatting.significant(chance)). "))
    }
    caption.append(.text("A diverged run's curve ends at its last finite value."))
    return ReportFigure(id: "loss", title: chart.title, svg: chart.svg(), caption: caption)
  }

  /// The chance-level accuracy as a grey line across the panel (none when the
  /// number of classes is unknown).
  static func chanceLine(_ data: ReportData, _ xDomain: (Double, Double)) -> [ReferenceLine] {
    guard let chance = data.chanceAccuracy else { return [] }
    return [ReferenceLine(label: "chance: \(NumberFormatting.significant(chance))", points: [(xDomain.0, chance), (xDomain.1, chance)])]
  }

  /// "3 seeds each" or "1–3 seeds".
  static func seedText(_ counts: [Int]) -> String {
    guard let lo = counts.min(), let hi = counts.max() else { return "no runs" }
    if lo == hi { return "\(lo) run\(lo == 1 ? "" : "s") each" }
    return "\(lo)–\(hi) runs"
  }
}
