/// Chart 2: ‖∂L/∂b‖ (‖∂L/∂β‖ in normalized layers) by layer (x = layer, log y) at
/// initialisation and at the end of training — the picture of the vanishing gradient.
///
/// One row of two panels per network depth L (layer ℓ of a 4-layer and of a
/// 16-layer net are not comparable); one line per group of the vanishing-gradient
/// table (activation × initializer: colour by the first, dash by the second), the
/// geometric mean over that group's runs with a min–max band; zeros (underflow) on
/// the axis floor. All runs share one y scale.
enum GradientChartFigure {
  static func make(_ data: ReportData) -> ReportFigure? {
    let runs = data.runs.filter { $0.hiddenLayers > 0 }
    guard !runs.isEmpty else { return nil }
    let rowAxes = VanishingGradientSection.rowAxes(data)
    let groups = LineGroups(data)
    let combos = groups.combos
    func style(_ combo: [String]) -> SeriesStyle { groups.styles[combos.firstIndex(of: combo)!] }
    func label(_ combo: [String]) -> String { groups.labels[combos.firstIndex(of: combo)!] }
    func profileCurve(_ profile: [Double?]) -> [(x: Double, y: Double)] {
      profile.enumerated().compactMap { i, v in v.map { (Double(i + 1), $0) } }
    }

    let depths = Array(Set(runs.map(\.hiddenLayers))).sorted()
    var panels: [LinePanel?] = []
    var used = Set<[String]>()
    var all: [Double] = []
    for L in depths {
      var start: [PlotSeries] = []
      var end: [PlotSeries] = []
      for combo in combos {
        let group = data.runs(where: rowAxes, equal: combo).filter { $0.hiddenLayers == L }
        guard !group.isEmpty else { continue }
        used.insert(combo)
        let s = CurveAggregation.combine(group.map { profileCurve($0.gradientsAtStart) }, positiveOnly: true, mean: .geometric)
        let e = CurveAggregation.combine(group.map { profileCurve($0.gradientsAtEnd) }, positiveOnly: true, mean: .geometric)
        all += s.mean.map(\.y) + s.band.flatMap { [$0.low, $0.high] } + e.mean.map(\.y) + e.band.flatMap { [$0.low, $0.high] }
        if !s.mean.isEmpty { start.append(PlotSeries(label: label(combo), style: style(combo), points: s.mean, band: s.band, markers: true)) }
        if !e.mean.isEmpty { end.append(PlotSeries(label: label(combo), style: style(combo), points: e.mean, band: e.band, markers: true)) }
      }
      let depth = depths.count > 1 ? "\(L) hidden layers — " : ""
      let xDomain = L == 1 ? (0.5, 1.5) : (1.0, Double(L))
      panels.append(
        LinePanel(title: "\(depth)at initialisation (step 0)", xLabel: "layer (1 = nearest the input)", yLabel: "‖∂L/∂b‖", yKind: .log, xDomain: xDomain, integerX: true, series: start))
      panels.append(
        LinePanel(title: "\(depth)at the end (last logged step)", xLabel: "layer (1 = nearest the input)", yLabel: "‖∂L/∂b‖", yKind: .log, xDomain: xDomain, integerX: true, series: end))
    }
    // No run logged a bias gradient (e.g. an ensemble without biases): nothing to draw.
    guard all.contains(where: { $0 > 0 && $0.isFinite }) else { return nil }
    let yDomain = AxisScale.domain(for: all, kind: .log)
    panels = panels.map { p in
      guard var p else { return nil }
      p.yDomain = yDomain
      return p
    }
    let legend = combos.filter(used.contains).map { LegendEntry(label: label($0), style: style($0), marker: true) }
    let chart = LineChart(
      id: "gradients", title: "Gradient norm by layer", panels: panels, columns: 2, panelHeight: 250,
      legendTitle: groups.title(data), legend: legend.count > 1 ? legend : [])
    var over = "all seeds"
    let averaged = data.axes.filter { !rowAxes.contains($0) && !VanishingGradientSection.depthAxes.contains($0) }
    if !averaged.isEmpty { over += " and all values of " + averaged.joined(separator: ", ") }
    let caption: RichText = [
      .text(
        "‖∂L/∂b‖₂ (‖∂L/∂β‖₂ in a normalized layer) of each hidden layer on a log scale, at step 0 and at each run's last logged step; geometric mean over \(over), band min–max; a gradient of exactly 0 (underflow) on the floor. A line falling towards layer 1 is a vanishing gradient, one rising an exploding gradient; a flat line keeps every layer learning."
      )
    ]
    return ReportFigure(id: "gradients", title: chart.title, svg: chart.svg(), caption: caption)
  }
}
