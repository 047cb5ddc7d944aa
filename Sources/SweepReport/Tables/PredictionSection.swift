/// "Predicted vs measured at initialisation": per configuration (every axis value; seeds
/// pooled), what mean-field theory predicts for `grad_ratio_init` (summary.csv's
/// `predicted_grad_ratio_init`, from each run's prediction.json) beside the measured
/// geometric mean, and their ratio — a mismatch is a finding, or a bug.
///
/// Edge cases: runs without a prediction (the theory does not apply, or the folder
/// predates predictions) are left out; no section when no run has one.
enum PredictionSection {
  static func make(_ data: ReportData) -> ReportSection? {
    let predicted = data.runs.filter { $0.row.predictedGradRatioInit?.isFinite == true }
    guard !predicted.isEmpty else { return nil }
    var rows: [[ReportCell]] = []
    var ratios: [Double] = []
    // Ensembles (≥ 2 seeds at step 0): the worst layer of the per-layer profile.
    var gaps: [(ratio: Double, layer: Int)?] = []
    for combo in data.plannedCombinations(of: data.axes) {
      let group = data.runs(where: data.axes, equal: combo).filter { $0.row.predictedGradRatioInit?.isFinite == true }
      guard let first = group.first, let prediction = first.row.predictedGradRatioInit else { continue }
      let measured = GeometricStatistics(group.map(\.row.gradRatioInit)).mean
      let ratio = measured.map { $0 / prediction }
      if let ratio, ratio.isFinite, ratio > 0 { ratios.append(ratio) }
      var cells = combo.map { ReportCell($0) }
      cells.append(ReportCell(String(group.count)))
      cells.append(ReportCell(first.row.chi1.map { NumberFormatting.significant($0) } ?? "—"))
      cells.append(ReportCell(VanishingGradientSection.cell(prediction)))
      cells.append(measured.map { ReportCell(VanishingGradientSection.cell($0)) } ?? ReportCell("—", style: .muted))
      cells.append(ratio.map { ReportCell(NumberFormatting.significant($0)) } ?? ReportCell("—", style: .muted))
      gaps.append(EnsembleFigure.worstGradientGap(data, group))
      rows.append(cells)
    }
    guard !rows.isEmpty else { return nil }
    var header = data.axes + ["runs", "χ₁", "predicted", "measured (geometric mean)", "measured / predicted"]
    let hasProfiles = gaps.contains { $0 != nil }
    if hasProfiles {
      header.append("per-layer E[g²]: worst measured / predicted (layer)")
      for (i, gap) in gaps.enumerated() {
        rows[i].append(
          gap.map { ReportCell("\(NumberFormatting.significant($0.ratio)) (\($0.layer))") } ?? ReportCell("—", style: .muted))
      }
    }
    var blocks: [ReportBlock] = [
      .table(ReportTable(header: header, rows: rows, numericColumns: Set(data.axes.count ..< header.count)))
    ]
    var text =
      "grad_ratio_init (layer 1's shift gradient over the last hidden layer's, at step 0) against mean-field theory's prediction for each configuration's own σ_w², σ_b², activation and data (docs/theory.md). The prediction is a per-example law; grad_b_norm sums a batch's examples, whose cross terms move the measured ratio (batch_size 1 measures the per-example quantity)."
    if hasProfiles {
      text +=
        " For configurations measured over several seeds at step 0, the last column compares the whole profile: per hidden layer l, E[g_l²]/E[g_L²] over the seeds against prediction.json's grad_sq_norm_rel, and names the layer farthest from it (the figure \"The ensemble at initialisation against theory\" draws every layer)."
    }
    if let low = ratios.min(), let high = ratios.max() {
      text += " Here measured/predicted spans \(NumberFormatting.significant(low))–\(NumberFormatting.significant(high))."
    }
    blocks.append(.paragraph([.text(text)]))
    return ReportSection(id: "predicted-vs-measured", title: "Predicted vs measured at initialisation", blocks: blocks)
  }
}
