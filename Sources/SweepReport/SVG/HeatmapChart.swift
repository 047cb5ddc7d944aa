import Foundation

/// A grid of coloured cells over two axes with a colour bar, drawn as one `<svg>`.
/// Cells are `<rect class="cell">`; missing combinations are grey with "—".
struct HeatmapChart {
  struct Cell {
    var value: Double?
    var text: String
    /// A second, smaller line (e.g. "± 0.01", "2 diverged").
    var detail: String?
    var tooltip: String
    var best = false
  }

  var id: String
  var title: String
  var xAxis: String
  var yAxis: String
  var xValues: [String]
  var yValues: [String]
  /// cells[row y][column x].
  var cells: [[Cell?]]
  var valueLabel: String
  /// The colour scale's fixed range (log: base-10 logarithmic); nil: lowest to highest cell.
  var range: (lower: Double, upper: Double, log: Bool)? = nil
  var width: Double = 1160

  func svg() -> String {
    let values = cells.flatMap { $0.compactMap { $0?.value } }.filter(\.isFinite)
    var lower = range?.lower ?? values.min() ?? 0
    var upper = range?.upper ?? values.max() ?? 1
    let logScale = range?.log == true && lower > 0
    if upper <= lower { upper = lower + (lower == 0 ? 1 : abs(lower) * 0.01) }
    if logScale { (lower, upper) = (log10(lower), log10(upper)) }
    /// Position on the colour scale, clamped to [0, 1] (a zero on a log scale: 0).
    func t(_ v: Double) -> Double {
      let x = logScale ? (v > 0 ? log10(v) : -Double.infinity) : v
      return min(max((x - lower) / (upper - lower), 0), 1)
    }

    let yLabelWidth = (yValues.map { SVGWriter.textWidth($0, size: 12) }.max() ?? 20) + 12
    // The y axis's name goes above the row labels, one line per zip member, never cut.
    let yTitleLines = yAxis.components(separatedBy: CombinedAxis.separator).enumerated().map { $0.offset == 0 ? $0.element : "+ " + $0.element }
    let left = max(16 + yLabelWidth, 16 + (yTitleLines.map { SVGWriter.textWidth($0, size: 12, bold: true) }.max() ?? 0))
    let colorBarSpace = 110.0
    let cellWidth = min(140, max(44, (width - left - colorBarSpace) / Double(max(xValues.count, 1))))
    let cellHeight = 40.0
    let top = 10 + 15 * Double(yTitleLines.count)
    let gridWidth = cellWidth * Double(xValues.count)
    let gridHeight = cellHeight * Double(yValues.count)
    let longestX = xValues.map { SVGWriter.textWidth($0, size: 12) }.max() ?? 0
    let rotateX = longestX > cellWidth - 6
    let xLabelSpace = rotateX ? min(longestX * 0.75 + 16, 140) : 22
    let height = max(top + gridHeight + xLabelSpace + 34, top + max(min(gridHeight, 240), 80) + 50, 180)

    var w = SVGWriter()
    w.open(
      "svg",
      [
        ("xmlns", "http://www.w3.org/2000/svg"), ("id", "chart-\(id)"), ("class", "chart chart-\(id)"),
        ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"), ("width", "100%"),
        ("role", "img"), ("aria-label", title),
        ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"),
      ])
    w.title(title)
    let gradientID = "gradient-\(id)"
    w.open("defs")
    w.open("linearGradient", [("id", gradientID), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")])
    for i in 0 ... 8 {
      let f = Double(i) / 8
      w.empty("stop", [("offset", SVGWriter.number(f * 100) + "%"), ("stop-color", Palette.viridis(f))])
    }
    w.close("linearGradient")
    w.close("defs")

    for (j, yValue) in yValues.enumerated() {
      let cy = top + Double(j) * cellHeight
      w.label(yValue, x: left - 8, y: cy + cellHeight / 2 + 4, anchor: "end", size: 12, cssClass: "tick")
      for (i, _) in xValues.enumerated() {
        let cx = left + Double(i) * cellWidth
        let cell = cells.indices.contains(j) && cells[j].indices.contains(i) ? cells[j][i] : nil
        let fill = cell?.value.flatMap { $0.isFinite ? Palette.viridis(t($0)) : nil } ?? "#E6E6E6"
        let ink = cell?.value.flatMap { $0.isFinite ? Palette.textOnViridis(t($0)) : nil } ?? "#555555"
        w.open(
          "rect",
          [
            ("class", "cell"), ("x", SVGWriter.number(cx + 1)), ("y", SVGWriter.number(cy + 1)),
            ("width", SVGWriter.number(cellWidth - 2)), ("height", SVGWriter.number(cellHeight - 2)), ("fill", fill),
          ])
        w.title(cell?.tooltip ?? "\(xAxis) = \(xValues[i]), \(yAxis) = \(yValue): no finished run")
        w.close("rect")
        let hasDetail = cell?.detail != nil
        w.label(
          cell?.text ?? "—", x: cx + cellWidth / 2, y: cy + cellHeight / 2 + (hasDetail ? 0 : 4), anchor: "middle",
          size: 12, weight: cell?.best == true ? "700" : nil, cssClass: "cell-value", fill: ink)
        if let detail = cell?.detail {
          w.label(detail, x: cx + cellWidth / 2, y: cy + cellHeight / 2 + 13, anchor: "middle", size: 9.5, cssClass: "cell-detail", fill: ink)
        }
        if cell?.best == true {
          w.empty(
            "rect",
            [
              ("class", "best"), ("x", SVGWriter.number(cx + 2.5)), ("y", SVGWriter.number(cy + 2.5)),
              ("width", SVGWriter.number(cellWidth - 5)), ("height", SVGWriter.number(cellHeight - 5)),
              ("fill", "none"), ("stroke", "#D55E00"), ("stroke-width", "3"),
            ])
        }
      }
    }
    let gridBottom = top + gridHeight
    for (i, xValue) in xValues.enumerated() {
      let cx = left + (Double(i) + 0.5) * cellWidth
      if rotateX {
        w.label(xValue, x: cx, y: gridBottom + 14, anchor: "end", size: 12, cssClass: "tick", rotate: -35)
      } else {
        w.label(xValue, x: cx, y: gridBottom + 16, anchor: "middle", size: 12, cssClass: "tick")
      }
    }
    w.label(xAxis, x: left + gridWidth / 2, y: gridBottom + xLabelSpace + 18, anchor: "middle", size: 12, weight: "600", cssClass: "axis-label")
    for (i, line) in yTitleLines.enumerated() {
      w.label(line, x: left - 8, y: 14 + 15 * Double(i), anchor: "end", size: 12, weight: "600", cssClass: "axis-label")
    }

    // Colour bar.
    let barX = left + gridWidth + 28
    let barHeight = max(min(gridHeight, 240), 80)
    w.empty(
      "rect",
      [
        ("class", "colorbar"), ("x", SVGWriter.number(barX)), ("y", SVGWriter.number(top)), ("width", "16"),
        ("height", SVGWriter.number(barHeight)), ("fill", "url(#\(gradientID))"), ("stroke", "#B0B0B0"),
      ])
    let scale =
      logScale
      ? AxisScale(kind: .log, lower: pow(10, lower), upper: pow(10, upper), start: top + barHeight, end: top)
      : AxisScale(kind: .linear, lower: lower, upper: upper, start: top + barHeight, end: top)
    for tick in scale.ticks().major {
      guard let p = scale.position(tick.value) else { continue }
      w.empty("line", [("x1", SVGWriter.number(barX + 16)), ("y1", SVGWriter.number(p)), ("x2", SVGWriter.number(barX + 20)), ("y2", SVGWriter.number(p)), ("stroke", "#555555")])
      w.label(tick.label, x: barX + 23, y: p + 4, size: 11, cssClass: "tick")
    }
    // The scale's name under it, wrapped to the room left of the chart's edge.
    for (i, line) in SVGWriter.wrapped(valueLabel, width: max(width - barX - 4, 60), size: 11).enumerated() {
      w.label(line, x: barX, y: top + barHeight + 18 + 13 * Double(i), size: 11, cssClass: "axis-label")
    }
    w.close("svg")
    return w.text
  }
}

/// Bars with error bars over the values of one axis, as one `<svg>`.
/// Bars are `<rect class="bar">`.
struct BarChart {
  struct Bar {
    var label: String
    var mean: Double?
    var deviation: Double?
    var tooltip: String
    var best = false
  }

  var id: String
  var title: String
  var axis: String
  var valueLabel: String
  var bars: [Bar]
  var yDomain: (Double, Double)?
  /// Log y (gradient ratios); bars then rise from the axis floor.
  var logScale = false
  /// A grey dashed "chance" line at this value (accuracy charts).
  var chance: Double? = nil
  var width: Double = 1160

  func svg() -> String {
    let height = 300.0
    let left = 72.0
    let right = width - 16
    let top = 16.0
    let bottom = height - 56
    let highs = bars.compactMap { b in b.mean.map { $0 + (b.deviation ?? 0) } }
    let lows = bars.compactMap { b in b.mean.map { $0 - (b.deviation ?? 0) } }
    let domain = yDomain ?? (logScale ? AxisScale.domain(for: bars.compactMap(\.mean) + [1], kind: .log) : AxisScale.domain(for: highs + lows + [0], kind: .linear))
    let sy = AxisScale(kind: logScale ? .log : .linear, lower: domain.0, upper: domain.1, start: bottom, end: top)
    let slot = (right - left) / Double(max(bars.count, 1))
    let barWidth = min(slot * 0.6, 90)

    var w = SVGWriter()
    w.open(
      "svg",
      [
        ("xmlns", "http://www.w3.org/2000/svg"), ("id", "chart-\(id)"), ("class", "chart chart-\(id)"),
        ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"), ("width", "100%"),
        ("role", "img"), ("aria-label", title),
        ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"),
      ])
    w.title(title)
    w.empty(
      "rect",
      [
        ("class", "plot-area"), ("x", SVGWriter.number(left)), ("y", SVGWriter.number(top)),
        ("width", SVGWriter.number(right - left)), ("height", SVGWriter.number(bottom - top)), ("fill", "#FFFFFF"),
        ("stroke", "#B0B0B0"),
      ])
    for t in sy.ticks().major {
      guard let p = sy.position(t.value) else { continue }
      LineChart.gridLine(&w, x1: left, y1: p, x2: right, y2: p, minor: false)
      w.label(t.label, x: left - 6, y: p + 4, anchor: "end", size: 11, cssClass: "tick")
    }
    for (i, bar) in bars.enumerated() {
      let cx = left + (Double(i) + 0.5) * slot
      if let mean = bar.mean, let py = mean == 0 && logScale ? bottom : sy.clampedPosition(mean),
        let base = sy.clampedPosition(logScale ? domain.0 : max(domain.0, 0))
      {
        w.open(
          "rect",
          [
            ("class", "bar"), ("x", SVGWriter.number(cx - barWidth / 2)), ("y", SVGWriter.number(min(py, base))),
            ("width", SVGWriter.number(barWidth)), ("height", SVGWriter.number(abs(base - py))),
            ("fill", Palette.color(0)), ("fill-opacity", bar.best ? "1" : "0.75"),
            ("stroke", bar.best ? "#D55E00" : "none"), ("stroke-width", "3"),
          ])
        w.title(bar.tooltip)
        w.close("rect")
        if let s = bar.deviation, let hi = sy.clampedPosition(mean + s), let lo = sy.clampedPosition(mean - s) {
          w.empty("line", [("class", "error-bar"), ("x1", SVGWriter.number(cx)), ("y1", SVGWriter.number(lo)), ("x2", SVGWriter.number(cx)), ("y2", SVGWriter.number(hi)), ("stroke", "#000000"), ("stroke-width", "1.5")])
          for p in [lo, hi] {
            w.empty("line", [("x1", SVGWriter.number(cx - 6)), ("y1", SVGWriter.number(p)), ("x2", SVGWriter.number(cx + 6)), ("y2", SVGWriter.number(p)), ("stroke", "#000000"), ("stroke-width", "1.5")])
          }
        }
        w.label(NumberFormatting.significant(mean), x: cx + barWidth / 2 + 4, y: py - 4, size: 11, cssClass: "bar-value")
      } else {
        w.label("—", x: cx, y: bottom - 6, anchor: "middle", size: 12, cssClass: "no-data", fill: "#777777")
      }
      w.label(bar.label, x: cx, y: bottom + 16, anchor: "middle", size: 12, weight: bar.best ? "700" : nil, cssClass: "tick")
    }
    if let chance, let p = sy.position(chance) {
      w.open(
        "line",
        [
          ("class", "reference"), ("x1", SVGWriter.number(left)), ("y1", SVGWriter.number(p)), ("x2", SVGWriter.number(right)),
          ("y2", SVGWriter.number(p)), ("stroke", "#7A7A7A"), ("stroke-width", "1.3"), ("stroke-dasharray", "5 4"),
        ])
      w.title("chance: \(NumberFormatting.significant(chance))")
      w.close("line")
      w.label("chance", x: right - 4, y: p - 4, anchor: "end", size: 10.5, cssClass: "reference-label", fill: "#6A6A6A")
    }
    w.label(axis, x: (left + right) / 2, y: bottom + 38, anchor: "middle", size: 12, weight: "600", cssClass: "axis-label")
    w.label(valueLabel, x: 16, y: (top + bottom) / 2, anchor: "middle", size: 12, cssClass: "axis-label", rotate: -90)
    w.close("svg")
    return w.text
  }
}
