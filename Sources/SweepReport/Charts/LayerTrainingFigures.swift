/// Charts 4 and 5: per-layer statistics over training — saturated and dead
/// fractions, and the update-to-weight ratio ‖ΔW‖/‖W‖ (log scale).
///
/// One panel per value of the panels axis; the other axes are held at the best
/// configuration (so each panel is one configuration, mean over its seeds); one
/// line per hidden layer, coloured from dark (layer 1, input side) to light (the
/// last hidden layer). These read whole layers.csv files, so only for those runs.
enum LayerTrainingFigures {
  /// The runs each panel draws, with their layer logs.
  struct PanelRuns {
    var title: String
    var logs: [LayerLog]
    var hiddenLayers: Int { logs.map(\.hiddenLayers).max() ?? 0 }
  }

  /// The panels axis, and every other axis held at the best configuration's value
  /// (lines here are layers, so the lines axis is held too). With no panels axis
  /// the lines axis makes the panels.
  static func layout(_ data: ReportData, plan: ChartPlan) -> (axis: String?, fixed: [String: String]) {
    let axis = plan.panelsAxis ?? plan.linesAxis
    var fixed = plan.fixed
    if let lines = plan.linesAxis, lines != axis, let i = data.axes.firstIndex(of: lines) {
      fixed[lines] = data.bestConfiguration?.values[i] ?? data.axisValues[lines]?.first ?? ""
    }
    return (axis, fixed)
  }

  static func panelRuns(_ data: ReportData, plan: ChartPlan, warnings: inout [String]) -> [PanelRuns] {
    let (axis, fixed) = layout(data, plan: plan)
    let values: [String?] = axis.map { (data.axisValues[$0] ?? []).map(Optional.some) } ?? [nil]
    // One pass over the runs, grouped by panel value (not one pass per value).
    var byValue: [String?: [RunDigest]] = [:]
    for run in data.results where fixed.allSatisfy({ data.value(run, $0.key) == $0.value }) {
      byValue[axis.map { data.value(run, $0) }, default: []].append(run)
    }
    var panels: [PanelRuns] = []
    for v in values {
      let runs = byValue[v] ?? []
      var logs: [LayerLog] = []
      for run in runs {
        do {
          if let log = try data.folder.layers(for: run.runID) { logs.append(log) }
        } catch {
          warnings.append("\(error)")
        }
      }
      panels.append(PanelRuns(title: v.map { "\(ChartPlan.shortName(axis!)) = \($0)" } ?? "all runs", logs: logs))
    }
    return panels
  }

  /// Per-layer series of `column` (mean over the panel's runs).
  static func layerSeries(_ panel: PanelRuns, column: String, positiveOnly: Bool) -> [PlotSeries] {
    let L = panel.hiddenLayers
    guard L > 0 else { return [] }
    return (1 ... L).compactMap { layer in
      let curves = panel.logs.map { log in log.series(column, layer: layer).map { (x: Double($0.step), y: $0.value) } }
      let agg = CurveAggregation.combine(curves, positiveOnly: positiveOnly)
      guard !agg.mean.isEmpty else { return nil }
      return PlotSeries(
        label: "layer \(layer)", style: SeriesStyle(color: Palette.layerColor(layer, of: L), width: 1.8), points: agg.mean)
    }
  }

  /// Legend: every layer up to 10, else a sample from first to last.
  static func legend(_ panels: [PanelRuns]) -> [LegendEntry] {
    let L = panels.map(\.hiddenLayers).max() ?? 0
    guard L > 0 else { return [] }
    let shown: [Int] = L <= 10 ? Array(1 ... L) : Array(Set([1, L / 4, L / 2, (3 * L) / 4, L].filter { $0 >= 1 })).sorted()
    return shown.map { LegendEntry(label: "layer \($0)", style: SeriesStyle(color: Palette.layerColor($0, of: L), width: 2)) }
  }

  static func caption(_ data: ReportData, _ plan: ChartPlan, _ panels: [PanelRuns], _ what: String) -> RichText {
    let Ls = Set(panels.map(\.hiddenLayers))
    var text = what + " One line per hidden layer, mean over the seeds of one configuration per panel"
    let fixed = layout(data, plan: plan).fixed
    if !fixed.isEmpty {
      text += " (other axes at the best configuration: " + fixed.keys.sorted().map { "\($0) = \(fixed[$0]!)" }.joined(separator: ", ") + ")"
    }
    text += "; colour runs from dark (layer 1, input side) to light (last hidden layer)"
    if Ls.count > 1 { text += " of each panel's network" }
    return [.text(text + ".")]
  }

  static func hasData(_ panels: [PanelRuns], _ column: String) -> Bool {
    panels.contains { $0.logs.contains { log in log.columns[column]?.contains { $0?.isFinite == true } == true } }
  }

  static func saturation(_ data: ReportData, plan: ChartPlan, panels: [PanelRuns]) -> ReportFigure? {
    guard hasData(panels, "saturated_frac") || hasData(panels, "dead_frac") else { return nil }
    var sat: [LinePanel] = []
    var dead: [LinePanel] = []
    for p in panels {
      sat.append(
        LinePanel(
          title: "\(p.title): saturated", xLabel: "step", yLabel: "saturated fraction", yDomain: (0, 1), integerX: true,
          series: layerSeries(p, column: "saturated_frac", positiveOnly: false)))
      dead.append(
        LinePanel(
          title: "\(p.title): dead", xLabel: "step", yLabel: "dead fraction", yDomain: (0, 1), integerX: true,
          series: layerSeries(p, column: "dead_frac", positiveOnly: false)))
    }
    let columns = min(max(panels.count, 1), 4)
    var grid: [LinePanel?] = []
    for start in stride(from: 0, to: panels.count, by: columns) {
      let end = min(start + columns, panels.count)
      grid += sat[start ..< end].map(Optional.some)
      grid += Array(repeating: nil, count: columns - (end - start))
      grid += dead[start ..< end].map(Optional.some)
      grid += Array(repeating: nil, count: columns - (end - start))
    }
    let chart = LineChart(
      id: "saturation", title: "Saturated and dead units per layer", panels: grid, columns: columns,
      panelHeight: columns >= 3 ? 220 : 250, legendTitle: "hidden layer", legend: legend(panels))
    return ReportFigure(
      id: "saturation", title: chart.title, svg: chart.svg(),
      caption: caption(
        data, plan, panels,
        "Saturated: fraction of (example, unit) pairs with |f′(z)| ≤ 1 % of max |f′| (for ReLU: z ≤ 0). Dead: fraction of units saturated for every example of the batch."
      ))
  }

  static func updateRatio(_ data: ReportData, plan: ChartPlan, panels: [PanelRuns]) -> ReportFigure? {
    guard hasData(panels, "update_ratio") else { return nil }
    var grid: [LinePanel?] = []
    var all: [Double] = []
    for p in panels {
      let series = layerSeries(p, column: "update_ratio", positiveOnly: true)
      all += series.flatMap { $0.points.map(\.y) }
      grid.append(
        LinePanel(title: p.title, xLabel: "step", yLabel: "‖ΔW‖ / ‖W‖", yKind: .log, integerX: true, series: series))
    }
    let domain = AxisScale.domain(for: all, kind: .log)
    grid = grid.map { p in
      guard var p else { return nil }
      p.yDomain = domain
      return p
    }
    let columns = min(max(panels.count, 1), 4)
    let chart = LineChart(
      id: "update_ratio", title: "Update-to-weight ratio per layer", panels: grid, columns: columns,
      panelHeight: columns >= 3 ? 230 : 260, legendTitle: "hidden layer", legend: legend(panels))
    return ReportFigure(
      id: "update_ratio", title: chart.title, svg: chart.svg(),
      caption: caption(
        data, plan, panels,
        "‖ΔW‖/‖W‖ of each update, log scale (a common rule of thumb puts healthy training near 10⁻³; far below it a layer barely moves)."
      ))
  }
}
