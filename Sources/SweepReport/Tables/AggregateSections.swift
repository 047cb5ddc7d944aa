/// The comparison tables: for each axis and each pair of axes, mean ± standard
/// deviation over the runs of each value (combination), with the best row in bold;
/// for three or more axes also the best full configurations.
enum AggregateSections {
  static func make(_ data: ReportData) -> [ReportSection] {
    let axes = data.axes
    var sections: [ReportSection] = []
    if axes.isEmpty {
      sections.append(
        ReportSection(id: "results-all", title: "Results over all runs", blocks: [.table(table(data, by: []))]))
      return sections
    }
    for axis in axes {
      sections.append(
        ReportSection(id: "results-\(anchor(axis))", title: "Results by \(axis)", blocks: [.table(table(data, by: [axis]))]))
    }
    for i in axes.indices {
      for j in axes.indices where j > i {
        let pair = [axes[i], axes[j]]
        sections.append(
          ReportSection(
            id: "results-\(anchor(axes[i]))-\(anchor(axes[j]))", title: "Results by \(axes[i]) × \(axes[j])",
            blocks: [.table(table(data, by: pair))]))
      }
    }
    if axes.count >= 3 {
      sections.append(
        ReportSection(
          id: "results-configurations", title: "Best configurations",
          blocks: [.table(table(data, by: axes, rankedTop: 15))]))
    }
    return sections
  }

  /// Column titles after the axis columns.
  static func metricHeader(_ data: ReportData) -> [String] {
    ["runs"] + averagedColumns(data).map(\.title) + [
      "steps to loss ≤ \(NumberFormatting.setting(data.lossThreshold))", "diverged",
    ]
  }

  /// The columns shown as mean ± s: the ranking metric, the final training loss
  /// (unless that is the ranking metric), and the two gradient ratios.
  static func averagedColumns(_ data: ReportData) -> [(title: String, value: @Sendable (SummaryRow) -> Double?)] {
    let metric = data.metric
    var columns: [(title: String, value: @Sendable (SummaryRow) -> Double?)] = [(metric.label, { metric.value($0) })]
    if metric != .loss { columns.append(("final loss", { $0.finalLoss })) }
    columns.append(("grad ratio init", { $0.gradRatioInit }))
    columns.append(("grad ratio final", { $0.gradRatioFinal }))
    return columns
  }

  /// One row per planned combination of `axes` values. With `rankedTop`, rows are
  /// sorted best first and cut to that many.
  static func table(_ data: ReportData, by axes: [String], rankedTop: Int? = nil) -> ReportTable {
    let combos = data.plannedCombinations(of: axes)
    var rows: [(cells: [ReportCell], score: Double?)] = []
    for combo in combos {
      let runs = data.results(where: axes, equal: combo)
      let finished = data.runs.filter { run in zip(axes, combo).allSatisfy { data.value(run, $0) == $1 } }
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
        cells.append(ReportCell(NumberFormatting.meanAndDeviation(SampleStatistics(runs.map { column.value($0.row) }))))
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
    var over = "all seeds"
    if !others.isEmpty { over += " and all values of " + others.joined(separator: ", ") }
    var text: RichText = [
      .text(
        "Mean ± sample standard deviation (n − 1) over the runs of each row (\(over)); runs that failed or were interrupted are left out, diverged runs are counted, their non-finite numbers skipped. "
      ),
      .text(
        "Final loss is the training loss; grad ratio = ‖∂L/∂b‖ of layer 1 / that of the last hidden layer, at initialisation and at the last logged step (≪ 1: vanishing, ≫ 1: exploding). "
      ),
      .text(
        "Steps to loss ≤ \(NumberFormatting.setting(data.lossThreshold)): first logged step whose training loss is at or below it, averaged over the runs that reached it ((k/n) when not all did; — when none did). "
      ),
      .strong("Bold"), .text(": best mean \(data.metric.label)."),
    ]
    if ranked { text.append(.text(" Sorted best first; \(shown) of \(total) configurations shown.")) }
    return text
  }

  /// A dotted path as an HTML id fragment: "model.activation" → "model-activation".
  static func anchor(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber ? $0 : "-" })
  }
}
