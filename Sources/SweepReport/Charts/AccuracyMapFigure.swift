/// Chart 3: a metric (`HeatmapMetricChoice`: `report.heatmap_metric`, else the
/// ranking metric) over two axes as a heatmap, mean over seeds and the other axes
/// (geometric for gradient ratios), on a fixed colour range; with one axis, bars with
/// ± s and, for accuracies, the chance level.
enum AccuracyMapFigure {
  static func make(_ data: ReportData, plan: ChartPlan) -> ReportFigure? {
    let axes = plan.heatmapAxes
    guard !axes.isEmpty else { return nil }
    let metric = HeatmapMetricChoice(data)
    let results = data.results
    guard results.contains(where: { metric.value($0)?.isFinite == true }) else { return nil }
    func statistics(_ runs: [RunDigest]) -> (mean: Double?, count: Int, text: String, detail: String?, deviation: Double?) {
      let values = runs.map { metric.value($0) }
      if metric.kind == .ratio {
        let g = GeometricStatistics(values)
        return (g.mean, g.count, g.text, g.deviationFactor.map { "×/÷ \(NumberFormatting.significant($0, digits: 2))" }, nil)
      }
      let a = SampleStatistics(values)
      return (a.mean, a.count, NumberFormatting.meanAndDeviation(a), a.standardDeviation.map { "± \(NumberFormatting.significant($0))" }, a.standardDeviation)
    }
    let others = data.axes.filter { !axes.contains($0) }
    let over = (metric.kind == .ratio ? "geometric mean " : "mean ") + (others.isEmpty ? "over seeds" : "over seeds and all values of " + others.joined(separator: ", "))
    let sign: Double = metric.higherIsBetter ? 1 : -1
    let direction = metric.higherIsBetter ? "higher is better" : "lower is better"

    if axes.count == 1 {
      let axis = axes[0]
      let values = data.axisValues[axis] ?? []
      var bars = values.map { v -> BarChart.Bar in
        let stats = statistics(data.results(where: [axis], equal: [v]))
        return BarChart.Bar(
          label: v, mean: stats.mean, deviation: stats.deviation,
          tooltip: "\(axis) = \(v): \(metric.label) \(stats.text) (\(stats.count) runs)")
      }
      if let best = bars.indices.filter({ bars[$0].mean != nil }).max(by: { sign * bars[$0].mean! < sign * bars[$1].mean! }) {
        bars[best].best = true
      }
      let range = metric.range(data, cells: bars.compactMap(\.mean))
      for i in bars.indices { bars[i].label = data.display.value(axis, bars[i].label) }
      let chart = BarChart(
        id: "heatmap", title: "\(metric.label.capitalizedFirst) by \(data.display.name(axis))", axis: data.display.name(axis),
        valueLabel: metric.label, bars: bars,
        yDomain: metric.kind == .ratio ? nil : (metric.kind == .accuracy ? 0 : range.lower, range.upper),
        logScale: metric.kind == .ratio, chance: metric.kind == .accuracy ? data.chanceAccuracy : nil)
      var caption = "\(over.capitalizedFirst) of \(metric.label) (\(direction)); whiskers ± sample standard deviation; outlined: best."
      if metric.kind == .accuracy, let chance = data.chanceAccuracy {
        caption += " Grey dashed: chance, \(NumberFormatting.significant(chance))."
      }
      return ReportFigure(id: "heatmap", title: chart.title, svg: chart.svg(), caption: [.text(caption)])
    }

    let (xAxis, yAxis) = (axes[0], axes[1])
    let xValues = data.axisValues[xAxis] ?? []
    let yValues = data.axisValues[yAxis] ?? []
    var cells: [[HeatmapChart.Cell?]] = []
    var best: (Int, Int, Double)? = nil
    for (j, y) in yValues.enumerated() {
      var row: [HeatmapChart.Cell?] = []
      for (i, x) in xValues.enumerated() {
        let finished = data.runs(where: [xAxis, yAxis], equal: [x, y])
        let runs = finished.filter(\.row.isResult)
        guard !finished.isEmpty else {
          row.append(nil)
          continue
        }
        let stats = statistics(runs)
        let diverged = finished.filter { $0.row.status == "diverged" }.count
        var detail = stats.detail
        if diverged > 0 { detail = "\(diverged) diverged" }
        let tooltip =
          "\(xAxis) = \(x), \(yAxis) = \(y): \(metric.label) \(stats.text) over \(stats.count) of \(finished.count) runs"
          + (diverged > 0 ? ", \(diverged) diverged" : "")
        row.append(
          HeatmapChart.Cell(
            value: stats.mean, text: stats.mean.map { NumberFormatting.significant($0) } ?? "—", detail: detail,
            tooltip: tooltip))
        if let m = stats.mean, best == nil || sign * m > sign * best!.2 { best = (j, i, m) }
      }
      cells.append(row)
    }
    if let (j, i, _) = best, metric.kind != .ratio { cells[j][i]?.best = true }
    let range = metric.range(data, cells: cells.flatMap { $0.compactMap { $0?.value } })
    let d = data.display
    let chart = HeatmapChart(
      id: "heatmap", title: "\(metric.label.capitalizedFirst): \(d.name(yAxis)) × \(d.name(xAxis))", xAxis: d.name(xAxis),
      yAxis: d.name(yAxis), xValues: xValues.map { d.value(xAxis, $0) }, yValues: yValues.map { d.value(yAxis, $0) }, cells: cells, valueLabel: metric.label, range: (range.lower, range.upper, range.log))
    return ReportFigure(
      id: "heatmap", title: chart.title, svg: chart.svg(),
      caption: [
        .text(
          "\(over.capitalizedFirst) of \(metric.label)\(metric.kind == .ratio ? "" : " (\(direction))"); colour scale fixed \(range.text). Small print: \(metric.kind == .ratio ? "×/÷ geometric standard deviation" : "± sample standard deviation"), or how many runs diverged.\(metric.kind == .ratio ? "" : " Outlined: best.") Grey: no finished run."
        )
      ])
  }
}

extension String {
  /// "final val accuracy" → "Final val accuracy".
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
