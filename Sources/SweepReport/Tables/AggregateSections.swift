/// The comparison tables: for each axis and each pair of axes, mean ± standard
/// deviation over the runs of each value (combination) — geometric mean ×/÷
/// geometric standard deviation for the gradient ratios, which span decades — with
/// the best row in bold; for three or more axes also the best full configurations.
enum AggregateSections {
  static func make(_ data: ReportData) -> [ReportSection] {
    let axes = data.axes
    var blocks: [ReportBlock] = [.paragraph(howToRead(data))]
    if axes.isEmpty {
      blocks += [.subheading("Results over all runs"), .table(table(data, by: []))]
    }
    for axis in axes {
      blocks += [.subheading("Results by \(axis)"), .table(table(data, by: [axis]))]
    }
    for i in axes.indices {
      for j in axes.indices where j > i {
        blocks += [.subheading("Results by \(axes[i]) × \(axes[j])"), .table(table(data, by: [axes[i], axes[j]]))]
      }
    }
    if axes.count >= 3 {
      blocks += [.subheading("Best configurations"), .table(table(data, by: axes, rankedTop: 15))]
    }
    return [ReportSection(id: "results", title: "Results", blocks: blocks)]
  }

  /// What every results table shows, said once.
  static func howToRead(_ data: ReportData) -> RichText {
    [
      .text(
        "Each row: mean ± sample standard deviation (n − 1) over its runs — every seed, and every value of the axes the table does not show. Runs that failed or were interrupted are left out; diverged runs count in “runs” and “diverged”, their non-finite numbers are skipped. "
      ),
      .text("Final loss is the training loss. Grad ratio = ‖∂L/∂b‖ of layer 1 / ‖∂L/∂b‖ of the last hidden layer (‖∂L/∂β‖ in normalized layers), at initialisation and at the last logged step (≪ 1: vanishing, ≫ 1: exploding); "),
      .strong("the grad ratio columns are geometric"),
      .text(": geometric mean ×/÷ geometric standard deviation (a factor), since a ratio spans decades and an arithmetic mean would be its largest run's; “0 (underflow)” when a gradient underflowed to exactly 0. "),
      .text(
        "Steps to loss ≤ \(NumberFormatting.setting(data.lossThreshold)): the first logged step whose training loss is at or below it, averaged over the runs that reached it, with (k/n) when only k of n did and — when none did. "
      ),
      .strong("Bold"), .text(": the best mean \(data.metric.label)."),
    ]
  }

  /// Column titles after the axis columns.
  static func metricHeader(_ data: ReportData) -> [String] {
    ["runs"] + averagedColumns(data).map(\.title) + [
      "steps to loss ≤ \(NumberFormatting.setting(data.lossThreshold))", "diverged",
    ]
  }

  /// The columns shown as mean ± s: the ranking metric, the final training loss
  /// (unless that is the ranking metric), and the two gradient ratios.
  static func averagedColumns(_ data: ReportData) -> [AveragedColumn] {
    let metric = data.metric
    var columns: [AveragedColumn] = [AveragedColumn(title: metric.label, value: { metric.value($0) })]
    if metric != .loss { columns.append(AveragedColumn(title: "final loss", value: { $0.finalLoss })) }
    columns.append(AveragedColumn(title: "grad ratio init (geometric)", value: { $0.gradRatioInit }, geometric: true))
    columns.append(AveragedColumn(title: "grad ratio final (geometric)", value: { $0.gradRatioFinal }, geometric: true))
    return columns
  }

  /// A column of numbers: mean ± s, or geometric mean ×/÷ s_g (`GeometricStatistics`).
  struct AveragedColumn {
    var title: String
    var value: @Sendable (SummaryRow) -> Double?
    var geometric = false

    func text(_ runs: [RunDigest]) -> String {
      let values = runs.map { value($0.row) }
      return geometric ? GeometricStatistics(values).text : NumberFormatting.meanAndDeviation(SampleStatistics(values))
    }
  }

  /// One row per planned combination of `axes` values. With `rankedTop`, rows are
  /// sorted best first and cut to that many.
  static func table(_ data: ReportData, by axes: [String], rankedTop: Int? = nil) -> ReportTable {
    let combos = data.plannedCombinations(of: axes)
    var rows: [(cells: [ReportCell], score: Double?)] = []
    for combo in combos {
      let runs = data.results(where: axes, equal: combo)
      let finished = data.runs(where: axes, equal: combo)
      let primary = SampleStatistics(runs.map { data.metric.value($0.row) })
      let reached = runs.compactMap(\.stepsToThreshold).map(Double.init)
      var stepsText = "—"
      if !reached.isEmpty {
        stepsText = NumberFormatting.meanAndDeviation(SampleStatistics(reached))
        if reached.count < runs.count { stepsText += " (\(reached.count)/\(runs.count))" }
      }
      let diverged = finished.filter { $0.row.status == "diverged" }.count
      var cells = combo.map { ReportCell($0) }
      cells.append(ReportCell(String(runs.count)))
      for column in averagedColumns(data) {
        cells.append(ReportCell(column.text(runs)))
      }
      cells += [ReportCell(stepsText), ReportCell(String(diverged))]
      rows.append((cells, primary.mean))
    }
    // The best row: highest (or lowest, for a loss) mean primary metric.
    let sign: Double = data.metric.higherIsBetter ? 1 : -1
    var best: Int? = nil
    for (i, r) in rows.enumerated() {
      guard let s = r.score else { continue }
      if best == nil || sign * s > sign * rows[best!].score! { best = i }
    }
    if let best {
      rows[best].cells = rows[best].cells.map { ReportCell($0.text, style: .strong) }
    }
    var total = rows.count
    if let top = rankedTop {
      rows.sort { a, b in
        switch (a.score, b.score) {
        case (let x?, let y?): sign * x > sign * y
        case (.some, nil): true
        default: false
        }
      }
      total = rows.count
      rows = Array(rows.prefix(top))
    }
    let header = axes + metricHeader(data)
    let numeric = Set(axes.count ..< header.count)
    return ReportTable(
      header: header, rows: rows.map(\.cells), numericColumns: numeric,
      note: note(data, axes: axes, shown: rows.count, total: total, ranked: rankedTop != nil))
  }

  static func note(_ data: ReportData, axes: [String], shown: Int, total: Int, ranked: Bool) -> RichText {
    let others = data.axes.filter { !axes.contains($0) }
    var text = "Over all seeds" + (others.isEmpty ? "." : " and all values of " + others.joined(separator: ", ") + ".")
    if ranked { text = "Over seeds; sorted best first, \(shown) of \(total) configurations shown." }
    return [.text(text)]
  }

  /// A dotted path as an HTML id fragment: "model.activation" → "model-activation".
  static func anchor(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber ? $0 : "-" })
  }
}
