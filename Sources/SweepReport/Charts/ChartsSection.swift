import SweepResults

/// The charts of report.html, in `report.charts` order (default: all six), each
/// drawn only when the sweep has data for it.
enum ChartsSection {
  static func make(_ data: ReportData, warnings: inout [String]) -> ReportSection? {
    let plan = ChartPlan(data)
    warnings += plan.notes
    var figures: [ReportFigure] = []
    var layerPanels: [LayerTrainingFigures.PanelRuns]? = nil
    func panels() -> [LayerTrainingFigures.PanelRuns] {
      if let layerPanels { return layerPanels }
      let p = LayerTrainingFigures.panelRuns(data, plan: plan, warnings: &warnings)
      layerPanels = p
      return p
    }
    var skipped: [String] = []
    for chart in plan.charts {
      let figure: ReportFigure?
      switch chart {
      case .loss: figure = LossChartFigure.make(data, plan: plan)
      case .gradients: figure = GradientChartFigure.make(data)
      case .layers: figure = AllLayersFigure.make(data)
      case .heatmap: figure = AccuracyMapFigure.make(data, plan: plan)
      case .saturation: figure = LayerTrainingFigures.saturation(data, plan: plan, panels: panels())
      case .updateRatio: figure = LayerTrainingFigures.updateRatio(data, plan: plan, panels: panels())
      }
      if let figure { figures.append(figure) } else { skipped.append(chart.rawValue) }
      // An initialisation ensemble with predictions: its per-layer profile beside theory's.
      if chart == .layers, let ensemble = EnsembleFigure.make(data) { figures.append(ensemble) }
      // A ReLU ensemble of one input per net: the spread of its length against β (Hanin & Rolnick).
      if chart == .gradients, let lengths = LengthVarianceFigure.make(data) { figures.append(lengths) }
      if chart == .heatmap, figure == nil, let metric = data.folder.reportSpec.heatmapMetric {
        warnings.append("report.heatmap_metric: no finished run has a value of \(metric); no heatmap drawn")
      }
    }
    // Say why a chart the user asked for is absent; defaults skip silently when
    // the sweep simply has nothing to draw (e.g. no axes for a heatmap).
    if data.folder.reportSpec.charts != nil, !skipped.isEmpty {
      warnings.append("chart\(skipped.count == 1 ? "" : "s") \(skipped.joined(separator: ", ")) not drawn: no data for \(skipped.count == 1 ? "it" : "them") in the finished runs")
    }
    guard !figures.isEmpty else { return nil }
    return ReportSection(id: "charts", title: "Charts", blocks: figures.map(ReportBlock.figure))
  }
}
