import Foundation
import SweepResults

/// The finding at a glance, first in the report: the gradient ratio layer 1 / layer L
/// (`grad_ratio_init`, and `grad_ratio_final` at the last logged step) against the
/// depth L, one line per value of the vanishing-gradient grouping (activation ×
/// initializer, or the sweep's zip group; `VanishingGradientSection.rowAxes`), log y.
///
/// Each point is the geometric mean over the runs of that line and depth (every seed
/// and every value of the other axes), the band their minimum–maximum; a ratio of
/// exactly 0 (the gradient underflowed) sits on the "0 (underflow)" floor. With
/// summary.csv's `predicted_grad_ratio_init` column (`SummaryRow.predictedGradRatioInit`), the
/// prediction is drawn dashed in the line's colour.
///
/// Under the chart, one sentence computed from the same numbers names the deepest
/// depth and each line's ratio there as a power of ten, best kept first.
enum HeadlineFigure {
  struct Line {
    var combo: [String]
    var label: String
    var style: SeriesStyle
    /// Depth → statistics of grad_ratio_init / grad_ratio_final / predicted.
    var start: [Int: GeometricStatistics] = [:]
    var end: [Int: GeometricStatistics] = [:]
    var predicted: [Int: GeometricStatistics] = [:]
  }

  static func lines(_ data: ReportData) -> (groups: LineGroups, lines: [Line]) {
    let runs = data.results.filter { $0.hiddenLayers > 0 }
    let groups = LineGroups(data)
    var out: [Line] = []
    for (i, combo) in groups.combos.enumerated() {
      var line = Line(combo: combo, label: groups.labels[i], style: groups.styles[i])
      let group = groups.runs(data, runs, i)
      for L in Set(group.map(\.hiddenLayers)) {
        let atL = group.filter { $0.hiddenLayers == L }
        line.start[L] = GeometricStatistics(atL.map(\.row.gradRatioInit))
        line.end[L] = GeometricStatistics(atL.map(\.row.gradRatioFinal))
        let p = GeometricStatistics(atL.map { $0.row.predictedGradRatioInit.flatMap { $0.isFinite ? $0 : nil } })
        if p.count > 0 { line.predicted[L] = p }
      }
      out.append(line)
    }
    return (groups, out)
  }

  static func make(_ data: ReportData) -> ReportSection? {
    let (groups, lines) = lines(data)
    let axes = groups.axes
    guard lines.contains(where: { $0.start.values.contains { $0.mean != nil } }) else { return nil }
    let depths = Set(lines.flatMap { $0.start.keys }).sorted()
    var all: [Double] = []
    func series(_ line: Line, _ stats: [Int: GeometricStatistics], when: String) -> PlotSeries {
      let ds = stats.keys.sorted().filter { stats[$0]?.mean != nil }
      all += ds.flatMap { [stats[$0]!.mean!, stats[$0]!.minimum!, stats[$0]!.maximum!] }
      let band = ds.count > 1 && ds.contains { stats[$0]!.count > 1 } ? ds.map { (Double($0), stats[$0]!.minimum!, stats[$0]!.maximum!) } : []
      return PlotSeries(
        label: line.label, style: line.style, points: ds.map { (Double($0), stats[$0]!.mean!) }, band: band, markers: true,
        pointTooltips: ds.map { "\(line.label), \($0) hidden layers, \(when): grad ratio \(stats[$0]!.text) (geometric mean of \(stats[$0]!.count) run\(stats[$0]!.count == 1 ? "" : "s"))" })
    }
    func predictedSeries(_ line: Line) -> PlotSeries? {
      let ds = line.predicted.keys.sorted().filter { line.predicted[$0]?.mean != nil }
      guard !ds.isEmpty else { return nil }
      all += ds.map { line.predicted[$0]!.mean! }
      return PlotSeries(
        label: line.label, style: line.style, points: ds.map { (Double($0), line.predicted[$0]!.mean!) }, markers: true,
        pointTooltips: ds.map { "\(line.label), \($0) hidden layers: predicted grad ratio \(NumberFormatting.significant(line.predicted[$0]!.mean!))" },
        isReference: true)
    }
    var startSeries = lines.map { series($0, $0.start, when: "at initialisation") } + lines.compactMap(predictedSeries)
    var endSeries = lines.map { series($0, $0.end, when: "at the end") }
    var legend = lines.map { LegendEntry(label: $0.label, style: $0.style, marker: true) }
    var xLabel = "hidden layers L"
    var xKind = AxisScale.Kind.linear
    var xTicks: [Double]? = nil
    let lo = Double(depths.first ?? 1)
    let hi = Double(depths.last ?? 1)
    var xDomain = lo == hi ? (lo - 1, hi + 1) : (lo, hi)
    // One depth and one numeric axis (σ_w², a learning rate): depth says nothing, so
    // that axis becomes x, and the depth the one line.
    let xs = lines.compactMap { Double($0.label) }
    if depths.count == 1, axes.count == 1, lines.count >= 2, xs.count == lines.count, let L = depths.first {
      let style = SeriesStyle(color: Palette.color(0), shape: .circle)
      func across(_ stats: KeyPath<Line, [Int: GeometricStatistics]>, _ when: String) -> PlotSeries {
        let rows = zip(xs, lines).compactMap { x, l in l[keyPath: stats][L].flatMap { s in s.mean.map { (x, $0, s) } } }.sorted { $0.0 < $1.0 }
        return PlotSeries(
          label: "L = \(L)", style: style, points: rows.map { ($0.0, $0.1) },
          band: rows.contains { $0.2.count > 1 } ? rows.map { ($0.0, $0.2.minimum!, $0.2.maximum!) } : [], markers: true,
          pointTooltips: rows.map { "\(groups.title(data) ?? "") = \(NumberFormatting.significant($0.0)), \(L) hidden layers, \(when): grad ratio \($0.2.text) (geometric mean of \($0.2.count) run\($0.2.count == 1 ? "" : "s"))" })
      }
      startSeries = [across(\.start, "at initialisation")]
      endSeries = [across(\.end, "at the end")]
      legend = [LegendEntry(label: "L = \(L)", style: style, marker: true)]
      xLabel = data.display.name(axes[0])
      let (mn, mx) = (xs.min()!, xs.max()!)
      xKind = mn > 0 && mx / mn >= 10 ? .log : .linear
      xTicks = xs.sorted()
      xDomain = mn == mx ? (mn / 2, mx * 2) : (mn, mx)
    }
    let yDomain = AxisScale.domain(for: all + [1], kind: .log)
    let one = ReferenceLine(label: "ratio 1: every layer gets the same gradient", points: [(xDomain.0, 1), (xDomain.1, 1)])
    let panels: [LinePanel?] = [
      LinePanel(
        title: "at initialisation (step 0)", xLabel: xLabel, yLabel: "‖∂L/∂b₁‖ / ‖∂L/∂b_L‖", xKind: xKind, yKind: .log,
        xDomain: xDomain, yDomain: yDomain, integerX: xKind == .linear && xLabel == "hidden layers L", series: startSeries, references: [one], xTickValues: xTicks),
      LinePanel(
        title: "at the end (last logged step)", xLabel: xLabel, yLabel: "‖∂L/∂b₁‖ / ‖∂L/∂b_L‖", xKind: xKind, yKind: .log,
        xDomain: xDomain, yDomain: yDomain, integerX: xKind == .linear && xLabel == "hidden layers L", series: endSeries, references: [one], xTickValues: xTicks),
    ]
    let chart = LineChart(
      id: "headline", title: "Gradient ratio layer 1 / last hidden layer against \(xLabel == "hidden layers L" ? "depth" : xLabel)", panels: panels, columns: 2,
      panelHeight: 290, legendTitle: groups.title(data), legend: legend)
    let averaged = data.axes.filter { !axes.contains($0) && !VanishingGradientSection.depthAxes.contains($0) }
    var caption =
      "Each point: the geometric mean over \(averaged.isEmpty ? "the seeds" : "the seeds and all values of " + averaged.joined(separator: ", ")) of grad_ratio_init (left) and grad_ratio_final (right), the shift gradient of hidden layer 1 over that of the last hidden layer; band: minimum–maximum. Log scale: 1 (grey dashed) means layer 1 learns as fast as layer L, 10⁻ᵏ that it gets k orders of magnitude less. A ratio of exactly 0 (underflow) is drawn on the floor."
    if lines.contains(where: { !$0.predicted.isEmpty }) {
      caption += " Dashed with hollow markers: the theory's prediction (summary.csv's predicted_grad_ratio_init)."
    }
    var blocks: [ReportBlock] = []
    // A number alone ("1.76") needs its axis's name in a sentence: "σ_w² = 1.76".
    var named = lines
    if axes.count == 1, lines.allSatisfy({ Double($0.label) != nil }) {
      for i in named.indices { named[i].label = "\(data.display.shortName(axes[0])) = \(named[i].label)" }
    }
    if let finding = finding(named) { blocks.append(.paragraph(finding)) }
    blocks.append(
      .figure(ReportFigure(id: "headline", title: chart.title, svg: chart.svg(), caption: [.text(caption)], markdownImage: ResultsLayout.reportFindingImage)))
    blocks.append(.table(table(title: groups.title(data) ?? "runs", lines: lines, depths: depths)))
    return ReportSection(id: "finding", title: "Finding", blocks: blocks)
  }

  /// "With 12 hidden layers, at initialisation layer 1 gets 10^-0.1 (0.79×) of the
  /// last hidden layer's gradient with relu, …: relu keeps it best, sigmoid least."
  static func finding(_ lines: [Line]) -> RichText? {
    let deepest = lines.flatMap { l in l.start.filter { $0.value.mean != nil }.keys }.max()
    guard let L = deepest else { return nil }
    func ranked(_ stats: KeyPath<Line, [Int: GeometricStatistics]>) -> [(label: String, ratio: Double, stats: GeometricStatistics)] {
      // Closest to 1 (in decades) first; an underflow (0) last.
      lines.compactMap { l in l[keyPath: stats][L].flatMap { s in s.mean.map { (l.label, $0, s) } } }
        .sorted { distance($0.ratio) < distance($1.ratio) }
    }
    let start = ranked(\.start)
    var text: RichText = [
      .strong("Finding: "),
      .text(
        "with \(L) hidden layer\(L == 1 ? "" : "s"), layer 1 receives at initialisation this fraction of the last hidden layer's gradient (geometric mean over runs): "
      ),
      .text(list(start.map { "\($0.label): \(power($0.ratio, $0.stats))" }) + "."),
    ]
    if start.count >= 2, let best = start.first, let worst = start.last, distance(worst.ratio) > distance(best.ratio) {
      let lost =
        worst.ratio > 0
        ? "\(NumberFormatting.significant(abs(log10(worst.ratio)), digits: 2)) orders of magnitude" : "all of it (underflow to 0)"
      text += [.text(" "), .strong(best.label), .text(" keeps its gradient best; "), .strong(worst.label), .text(" loses \(lost).")]
    }
    let end = ranked(\.end)
    // Runs without updates (training.steps: 0) end where they start: say it once.
    let untrained = end.map(\.label) == start.map(\.label) && zip(end, start).allSatisfy { $0.ratio == $1.ratio }
    if !end.isEmpty && !untrained {
      text.append(.text(" At the last logged step: " + list(end.map { "\($0.label): \(power($0.ratio, $0.stats))" }) + "."))
    }
    return text
  }

  /// Decades away from 1; infinite for 0.
  static func distance(_ r: Double) -> Double { r > 0 ? abs(log10(r)) : .infinity }

  /// "10^-5.2 (6.3e-06)", "10^0.1 (1.26)", "0 (underflow)".
  static func power(_ r: Double, _ stats: GeometricStatistics) -> String {
    guard r > 0 else { return stats.zeros == stats.count ? "0 (underflow)" : "0 (\(stats.zeros) of \(stats.count) runs underflowed)" }
    let e = log10(r)
    if abs(e) < 0.05 { return "≈\u{00A0}1 (\(NumberFormatting.significant(r)))" }
    let exponent = String(format: "%.1f", e).replacingOccurrences(of: "-", with: "−")
    return "10^\(exponent) (\(NumberFormatting.significant(r)))"
  }

  static func list(_ parts: [String]) -> String {
    guard parts.count > 1 else { return parts.first ?? "" }
    return parts.dropLast().joined(separator: ", ") + " and " + parts.last!
  }

  /// The numbers of the chart: one row per line, init and end per depth.
  static func table(title: String, lines: [Line], depths: [Int]) -> ReportTable {
    let header = [title]
      + depths.flatMap { ["L = \($0): init", "L = \($0): end"] }
    let rows: [[ReportCell]] = lines.map { line in
      [ReportCell(line.label)]
        + depths.flatMap { L in
          [line.start[L], line.end[L]].map { s in s.map { ReportCell($0.text) } ?? ReportCell("—", style: .muted) }
        }
    }
    return ReportTable(
      header: header, rows: rows, numericColumns: Set(1 ..< header.count),
      note: [
        .text("grad_ratio_init (init) and grad_ratio_final (end): geometric mean ×/÷ geometric standard deviation over the runs (a ratio spans decades, so an arithmetic mean would be the largest run's alone).")
      ])
  }
}
