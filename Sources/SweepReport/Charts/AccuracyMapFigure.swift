/// Chart 3: the ranking metric (final validation accuracy) over two axes as a
/// heatmap, mean over seeds and the other axes; with one axis, bars with ± s.
enum AccuracyMapFigure {
  static func make(_ data: ReportData, plan: ChartPlan) -> ReportFigure? {
    let axes = plan.heatmapAxes
    guard !axes.isEmpty else { return nil }
    let metric = data.metric
    let results = data.results
    guard results.contains(where: { metric.value($0.row)?.isFinite == true }) else { return nil }
    let others = data.axes.filter { !axes.contains($0) }
    let over = others.isEmpty ? "over seeds" : "over seeds and all values of " + others.joined(separator: ", ")
    let sign: Double = metric.higherIsBetter ? 1 : -1
    let direction = metric.higherIsBetter ? "higher is better" : "lower is better"

    if axes.count == 1 {
      let axis = axes[0]
      let values = data.axisValues[axis] ?? []
      var bars = values.map { v -> BarChart.Bar in
        let stats = SampleStatistics(data.results(where: [axis], equal: [v]).map { metric.value($0.row) })
        return BarChart.Bar(
          label: v, mean: stats.mean, deviation: stats.standardDeviation,
          tooltip: "\(axis) = \(v): \(metric.label) \(NumberFormatting.meanAndDeviation(stats)) (\(stats.count) runs)")
      }
      if let best = bars.indices.filter({ bars[$0].mean != nil }).max(by: { sign * bars[$0].mean! < sign * bars[$1].mean! }) {
        bars[best].best = true
      }
      let chart = BarChart(
        id: "heatmap", title: "\(metric.label.capitalizedFirst) by \(axis)", axis: axis, valueLabel: metric.label, bars: bars,
        yDomain: metric.higherIsBetter && metric != .valLoss ? (0, 1) : nil)
      return ReportFigure(
        id: "heatmap", title: chart.title, svg: chart.svg(),
        caption: [.text("Mean \(metric.label) \(over) (\(direction)); whiskers ± sample standard deviation; outlined: best.")])
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
        let stats = SampleStatistics(runs.map { metric.value($0.row) })
        let diverged = finished.filter { $0.row.status == "diverged" }.count
        var detail: String? = stats.standardDeviation.map { "± \(NumberFormatting.significant($0))" }
        if diverged > 0 { detail = "\(diverged) diverged" }
        let tooltip =
          "\(xAxis) = \(x), \(yAxis) = \(y): \(metric.label) \(NumberFormatting.meanAndDeviation(stats)) over \(stats.count) of \(finished.count) runs"
          + (diverged > 0 ? ", \(diverged) diverged" : "")
        row.append(
          HeatmapChart.Cell(
            value: stats.mean, text: stats.mean.map { NumberFormatting.significant($0) } ?? "—", detail: detail,
            tooltip: tooltip))
        if let m = stats.mean, best == nil || sign * m > sign * best!.2 { best = (j, i, m) }
      }
      cells.append(row)
    }
    if let (j, i, _) = best { cells[j][i]?.best = true }
    let chart = HeatmapChart(
      id: "heatmap", title: "\(metric.label.capitalizedFirst): \(yAxis) × \(xAxis)", xAxis: xAxis, yAxis: yAxis, xValues: xValues,
      yValues: yValues, cells: cells, valueLabel: metric.label)
    return ReportFigure(
      id: "heatmap", title: chart.title, svg: chart.svg(),
      caption: [
        .text(
          "Mean \(metric.label) \(over) (\(direction); colour scale from the lowest to the highest cell). Small print: ± sample standard deviation, or how many runs diverged. Outlined: best. Grey: no finished run."
        )
      ])
  }
}

extension String {
  /// "final val accuracy" → "Final val accuracy".
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
