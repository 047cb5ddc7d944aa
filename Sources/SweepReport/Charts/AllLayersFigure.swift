import Foundation

/// All layers in one chart, at initialisation (step 0): per hidden layer ℓ, the shift
/// gradient ‖∂L/∂b_ℓ‖ (left, log) and the activations' standard deviation `act_std`
/// (right), one line per configuration (the vanishing-gradient grouping × depth L),
/// each the geometric mean over that configuration's runs (seeds and the other axes).
///
/// Reference lines on the gradient panel, both anchored at the last hidden layer of
/// the deepest configuration they describe:
/// - "χ₁ = 1": a flat line, the mean-field criticality condition (Poole et al. 2016;
///   Schoenholz et al. 2017, eq. 5): each layer passes the gradient on unchanged.
/// - "×¼ per layer": g_ℓ = g_L · 4^−(L−ℓ), where a sigmoid configuration is present;
///   σ′(z) ≤ ¼ (Nielsen, *Neural Networks and Deep Learning*, ch. 5), so with weights
///   of order 1 the sigmoid's gradient shrinks by at least that factor per layer.
enum AllLayersFigure {
  struct Config {
    var label: String
    var activation: String
    var depth: Int
    var style: SeriesStyle
    var gradients: [[Double?]]
    var stds: [[Double?]]
  }

  static func configurations(_ data: ReportData) -> [Config] {
    let runs = data.results.filter { $0.hiddenLayers > 0 }
    let groups = LineGroups(data)
    let depths = Set(runs.map(\.hiddenLayers)).sorted()
    var out: [Config] = []
    for ci in groups.combos.indices {
      for (di, L) in depths.enumerated() {
        let group = groups.runs(data, runs, ci).filter { $0.hiddenLayers == L }
        guard !group.isEmpty else { continue }
        let name = groups.labels[ci]
        var style = groups.styles[ci]
        style.shape = MarkerShape.at(di)
        style.dash = Palette.dash(di)
        let activation = group.first.map { data.value($0, "model.activation") } ?? ""
        out.append(
          Config(
            label: depths.count > 1 ? "\(name) · L=\(L)" : name, activation: activation.isEmpty ? name : activation, depth: L,
            style: style, gradients: group.map(\.gradientsAtStart), stds: group.map(\.activationStdAtStart)))
      }
    }
    return out
  }

  static func curve(_ profile: [Double?]) -> [(x: Double, y: Double)] {
    profile.enumerated().compactMap { i, v in v.map { (Double(i + 1), $0) } }
  }

  static func make(_ data: ReportData) -> ReportFigure? {
    let configs = configurations(data)
    guard configs.contains(where: { $0.gradients.contains { $0.contains { $0 != nil } } }) else { return nil }
    // Only a gradient can be drawn on the log axis: a net without biases logs ‖∂L/∂b‖ = 0.
    var gradientSeries: [PlotSeries] = []
    var stdSeries: [PlotSeries] = []
    var lastGradient: [(Config, Double)] = []
    for c in configs {
      let g = CurveAggregation.combine(c.gradients.map(curve), positiveOnly: true, mean: .geometric)
      let s = CurveAggregation.combine(c.stds.map(curve), positiveOnly: true, mean: .geometric)
      if !g.mean.isEmpty {
        gradientSeries.append(PlotSeries(label: c.label, style: c.style, points: g.mean, markers: true))
        if let last = g.mean.last, last.x == Double(c.depth), last.y > 0 { lastGradient.append((c, last.y)) }
      }
      if !s.mean.isEmpty { stdSeries.append(PlotSeries(label: c.label, style: c.style, points: s.mean, markers: true)) }
    }
    let maxL = Double(configs.map(\.depth).max() ?? 1)
    let xDomain = maxL <= 1 ? (0.5, 1.5) : (1.0, maxL)
    var references: [ReferenceLine] = []
    if let anchor = lastGradient.max(by: { $0.0.depth < $1.0.depth }) {
      references.append(ReferenceLine(label: "χ₁ = 1: no decay with depth (flat)", points: [(xDomain.0, anchor.1), (xDomain.1, anchor.1)], dash: "1 3"))
    }
    if let sigmoid = lastGradient.filter({ $0.0.activation == "sigmoid" }).max(by: { $0.0.depth < $1.0.depth }), sigmoid.0.depth > 1 {
      let L = sigmoid.0.depth
      references.append(
        ReferenceLine(
          label: "×¼ per layer: sigmoid's bound σ′ ≤ ¼, from layer \(L) of \(sigmoid.0.label)",
          points: (1 ... L).map { (Double($0), sigmoid.1 * pow(0.25, Double(L - $0))) }))
    }
    // The data sets the axis; the ¼ line may run below it (clipped) rather than stretch it.
    let gradientDomain = AxisScale.domain(for: gradientSeries.flatMap { $0.points.map(\.y) }, kind: .log)
    let stds = stdSeries.flatMap { $0.points.map(\.y) }
    let stdKind = AxisScale.preferredKind(for: stds.filter { $0 > 0 }, decades: 1.3)
    let gradientPanel: LinePanel? = gradientSeries.isEmpty ? nil : LinePanel(
        title: "gradient ‖∂L/∂b‖ at initialisation", xLabel: "layer (1 = nearest the input)", yLabel: "‖∂L/∂b‖", yKind: .log,
        xDomain: xDomain, yDomain: gradientDomain, integerX: true, series: gradientSeries, references: references)
    let stdPanel = LinePanel(
      title: "activation std at initialisation", xLabel: "layer (1 = nearest the input)", yLabel: "std of f(z)",
      yKind: stdKind, xDomain: xDomain, integerX: true, series: stdSeries)
    let panels: [LinePanel?] = gradientPanel.map { [$0, stdPanel] } ?? [stdPanel]
    let legend = configs.map { LegendEntry(label: $0.label, style: $0.style, marker: true) }
    let chart = LineChart(
      id: "layers", title: "All layers at initialisation", panels: panels, columns: panels.count, panelHeight: 300,
      legendTitle: "configuration", legend: legend)
    var caption =
      gradientPanel == nil
      ? "Every hidden layer of every configuration at step 0, before any update: the standard deviation of the activations, the geometric mean over the configuration's runs (no gradient panel: the nets have no biases, so ‖∂L/∂b‖ is 0)."
      : "Every hidden layer of every configuration at step 0, before any update: left the shift gradient (‖∂L/∂β‖ in a normalized layer), right the standard deviation of the activations, each the geometric mean over the configuration's runs. Read the gradient panel from right (the output side) to left: a line falling towards layer 1 is a vanishing gradient. Grey dotted: χ₁ = 1, a flat line, the critical case where every layer passes the gradient on unchanged."
    if references.count > 1 {
      caption += " Grey dashed: a factor ¼ per layer, the most a sigmoid's derivative passes back (σ′ ≤ ¼)."
    }
    if gradientSeries.contains(where: { $0.points.contains { $0.y == 0 } }) {
      caption += " A gradient of exactly 0 (underflow) is drawn on the floor."
    }
    return ReportFigure(id: "layers", title: chart.title, svg: chart.svg(), caption: [.text(caption)])
  }
}
