import Foundation

/// How one series is drawn: colour, dash pattern, width and marker shape (markers
/// keep overlapping lines apart where colour alone would not).
struct SeriesStyle: Equatable {
  var color: String
  var dash: String = ""
  var width: Double = 2
  var shape: MarkerShape = .circle
}

/// One line of a panel: the mean, optionally with a shaded band (e.g. min–max over seeds).
struct PlotSeries {
  var label: String
  var style: SeriesStyle
  var points: [(x: Double, y: Double)]
  var band: [(x: Double, low: Double, high: Double)] = []
  /// Marks every point (or, for long curves, about a dozen evenly spaced ones).
  var markers = false
  /// Hover text of each point (same order as `points`); nil: "label: x, y".
  var pointTooltips: [String]? = nil
  /// Drawn thinner and dashed (a prediction beside the measured line).
  var isReference = false
}

/// A guide line (e.g. "χ₁ = 1", "×¼ per layer", "chance"), grey, under the series.
struct ReferenceLine {
  var label: String
  var points: [(x: Double, y: Double)]
  var dash = "5 4"
}

/// One plot: axes, ticks, grid, title and its series.
struct LinePanel {
  var title: String
  var xLabel: String
  var yLabel: String
  var xKind: AxisScale.Kind = .linear
  var yKind: AxisScale.Kind = .linear
  /// nil: from the data.
  var xDomain: (Double, Double)? = nil
  var yDomain: (Double, Double)? = nil
  var integerX = false
  var series: [PlotSeries]
  var references: [ReferenceLine] = []
  /// Labelled x ticks at these values instead of the scale's (e.g. the swept values
  /// on a log axis spanning one decade).
  var xTickValues: [Double]? = nil
}

struct LegendEntry {
  var label: String
  var style: SeriesStyle
  var marker = false
}

/// A figure of line panels in a grid under one legend, drawn as a single `<svg>`.
///
/// Series are `<path class="series">`, bands `<path class="band">`, markers
/// `class="marker"` (circles or paths), each carrying `data-series` = its label so
/// the page's script can hide a series from the legend. Non-finite points and, on
/// log axes, negative values are skipped (a diverged run's curve just ends).
///
/// Zeros on a log axis are never dropped: the panel gets a floor strip below the
/// lowest decade, labelled "0 (underflow)", and a zero is drawn there (a gradient
/// that underflowed to exactly 0 is a result, not missing data). A series with a
/// single drawable point is drawn as a marker.
struct LineChart {
  var id: String
  var title: String
  /// Row-major; nil leaves a cell of the grid empty.
  var panels: [LinePanel?]
  var columns: Int
  var panelHeight: Double = 260
  var legendTitle: String? = nil
  var legend: [LegendEntry]
  var width: Double = 1160

  static let margin = (left: 72.0, right: 16.0, top: 30.0, bottom: 46.0)

  func svg() -> String {
    var w = SVGWriter()
    let legendLayout = LegendLayout(entries: legend, title: legendTitle, width: width)
    let rows = (panels.count + columns - 1) / max(columns, 1)
    let panelWidth = width / Double(max(columns, 1))
    let height = legendLayout.height + Double(rows) * panelHeight + 8
    w.open(
      "svg",
      [
        ("xmlns", "http://www.w3.org/2000/svg"), ("id", "chart-\(id)"), ("class", "chart chart-\(id)"),
        ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"), ("width", "100%"),
        ("role", "img"), ("aria-label", title), ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"),
      ])
    w.title(title)
    legendLayout.draw(into: &w, y: 0)
    for (i, panel) in panels.enumerated() {
      guard let panel else { continue }
      let x0 = Double(i % columns) * panelWidth
      let y0 = legendLayout.height + Double(i / columns) * panelHeight
      draw(panel, index: i, into: &w, x: x0, y: y0, width: panelWidth, height: panelHeight)
    }
    w.close("svg")
    return w.text
  }

  func draw(_ panel: LinePanel, index: Int, into w: inout SVGWriter, x: Double, y: Double, width: Double, height: Double) {
    let m = Self.margin
    let left = x + m.left
    let right = x + width - m.right
    let top = y + m.top
    let bottom = y + height - m.bottom
    let xs = panel.series.flatMap { $0.points.map(\.x) }
    let ys = panel.series.flatMap { s in s.points.map(\.y) + s.band.flatMap { [$0.low, $0.high] } }
    let xDomain = panel.xDomain ?? Self.dataDomain(xs, kind: panel.xKind)
    let yDomain = panel.yDomain ?? AxisScale.domain(for: ys, kind: panel.yKind)
    let sx = AxisScale(kind: panel.xKind, lower: xDomain.0, upper: xDomain.1, start: left, end: right)
    let hasZero =
      panel.yKind == .log
      && panel.series.contains { s in s.points.contains { $0.y == 0 } || s.band.contains { $0.low == 0 } }
    let floorY = bottom - 4
    let sy = AxisScale(kind: panel.yKind, lower: yDomain.0, upper: yDomain.1, start: hasZero ? bottom - 26 : bottom, end: top)
    let py: (Double) -> Double? = { v in hasZero && v == 0 ? floorY : sy.position(v) }
    let clipID = "clip-\(id)-\(index)"

    w.open("g", [("class", "panel"), ("data-panel", panel.title)])
    w.open("defs")
    w.open("clipPath", [("id", clipID)])
    w.empty(
      "rect",
      [
        ("x", SVGWriter.number(left)), ("y", SVGWriter.number(top - 2)), ("width", SVGWriter.number(right - left)),
        ("height", SVGWriter.number(bottom - top + 4)),
      ])
    w.close("clipPath")
    w.close("defs")
    // Centred on the whole panel cell so a long title can use its full width.
    // Never cut: a long title gets a smaller font, then a second line.
    let titleLines = Self.titleLines(panel.title, width: width - 8)
    for (k, line) in titleLines.lines.enumerated() {
      w.label(
        line, x: x + width / 2, y: y + (titleLines.lines.count == 1 ? 18 : 12 + 13 * Double(k)), anchor: "middle",
        size: titleLines.size, weight: "600", cssClass: "panel-title")
    }
    w.empty(
      "rect",
      [
        ("class", "plot-area"), ("x", SVGWriter.number(left)), ("y", SVGWriter.number(top)),
        ("width", SVGWriter.number(right - left)), ("height", SVGWriter.number(bottom - top)), ("fill", "#FFFFFF"),
        ("stroke", "#B0B0B0"),
      ])
    // Grid and ticks.
    let yTicks = sy.ticks()
    for v in yTicks.minor {
      if let p = sy.position(v) { Self.gridLine(&w, x1: left, y1: p, x2: right, y2: p, minor: true) }
    }
    for t in yTicks.major {
      guard let p = sy.position(t.value) else { continue }
      Self.gridLine(&w, x1: left, y1: p, x2: right, y2: p, minor: false)
      w.label(t.label, x: left - 6, y: p + 4, anchor: "end", size: 11, cssClass: "tick")
    }
    let xTicks = panel.xTickValues.map { (major: $0.map { (value: $0, label: NumberFormatting.significant($0)) }, minor: [Double]()) }
      ?? sx.ticks(integerOnly: panel.integerX)
    for t in Self.thinned(xTicks.major, available: right - left) {
      guard let p = sx.position(t.value) else { continue }
      Self.gridLine(&w, x1: p, y1: top, x2: p, y2: bottom, minor: false)
      w.label(t.label, x: p, y: bottom + 16, anchor: "middle", size: 11, cssClass: "tick")
    }
    w.label(panel.xLabel, x: (left + right) / 2, y: bottom + 36, anchor: "middle", size: 12, cssClass: "axis-label")
    w.label(
      panel.yLabel, x: x + 16, y: (top + bottom) / 2, anchor: "middle", size: 12, cssClass: "axis-label", rotate: -90)

    if hasZero {
      w.empty(
        "line",
        [
          ("class", "underflow-floor"), ("x1", SVGWriter.number(left)), ("y1", SVGWriter.number(floorY)),
          ("x2", SVGWriter.number(right)), ("y2", SVGWriter.number(floorY)), ("stroke", "#9A9A9A"), ("stroke-dasharray", "2 3"),
        ])
      w.label("0", x: left - 6, y: floorY + 4, anchor: "end", size: 11, cssClass: "tick")
      w.label("0 (underflow)", x: left + 6, y: floorY - 5, size: 10.5, cssClass: "underflow-label", fill: "#6A6A6A")
    }
    if panel.series.allSatisfy({ $0.points.isEmpty }) {
      w.label("no data", x: (left + right) / 2, y: (top + bottom) / 2, anchor: "middle", size: 12, cssClass: "no-data", fill: "#777777")
    }
    w.open("g", [("clip-path", "url(#\(clipID))")])
    for r in panel.references {
      let d = Self.linePath(r.points, sx, py)
      guard !d.isEmpty else { continue }
      w.open(
        "path",
        [("class", "reference"), ("d", d), ("fill", "none"), ("stroke", "#7A7A7A"), ("stroke-width", "1.3"), ("stroke-dasharray", r.dash)])
      w.title(r.label)
      w.close("path")
    }
    // Overlapping bands add up: the more there are, the lighter each.
    let bands = panel.series.filter { !$0.band.isEmpty }.count
    let bandOpacity = bands <= 2 ? 0.18 : max(0.06, 0.36 / Double(bands))
    for s in panel.series where !s.band.isEmpty {
      if let d = Self.bandPath(s.band, sx, py, clamp: (min(top, bottom), hasZero ? floorY : bottom)) {
        w.empty(
          "path",
          [
            ("class", "band"), ("data-series", s.label), ("d", d), ("fill", s.style.color),
            ("fill-opacity", String(format: "%.2f", bandOpacity)), ("stroke", "none"),
          ])
      }
    }
    for s in panel.series {
      let d = Self.linePath(s.points, sx, py)
      let drawable = s.points.filter { sx.position($0.x) != nil && py($0.y) != nil }.count
      guard drawable > 0 else { continue }
      var attrs: [(String, String)] = [
        ("class", "series"), ("data-series", s.label), ("data-points", String(drawable)), ("d", d), ("fill", "none"),
        ("stroke", s.style.color), ("stroke-width", SVGWriter.number(s.isReference ? 1.6 : s.style.width)),
        ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
      ]
      if s.isReference {
        attrs.append(("stroke-dasharray", "6 4"))
        attrs.append(("data-reference", "predicted"))
      } else if !s.style.dash.isEmpty {
        attrs.append(("stroke-dasharray", s.style.dash))
      }
      w.open("path", attrs)
      w.title("\(panel.title): \(s.label)")
      w.close("path")
      // A lone point draws no line: mark it. Long curves get a dozen markers.
      guard s.markers || drawable == 1 else { continue }
      let every = s.points.count > 24 ? (s.points.count + 11) / 12 : 1
      for (k, p) in s.points.enumerated() where k % every == 0 || k == s.points.count - 1 || drawable == 1 {
        guard let px = sx.position(p.x), let y = py(p.y) else { continue }
        let tip = s.pointTooltips?[k] ?? "\(s.label): \(panel.xLabel) \(NumberFormatting.significant(p.x)), \(panel.yLabel) \(p.y == 0 ? "0" : NumberFormatting.significant(p.y))"
        MarkerShape.draw(
          s.style.shape, into: &w, x: px, y: y, radius: drawable == 1 ? 4.5 : 3.4, color: s.style.color, series: s.label,
          tooltip: tip, hollow: s.isReference)
      }
    }
    w.close("g")
    w.close("g")
  }

  /// A panel title at 13 px when it fits `width`, else 11 px on one line or two.
  static func titleLines(_ s: String, width: Double) -> (lines: [String], size: Double) {
    // Bold titles run wider than body text: about 0.62 em a character.
    func fits(_ t: String, _ size: Double) -> Bool { Double(t.count) * size * 0.62 <= width }
    if fits(s, 13) { return ([s], 13) }
    if fits(s, 11) { return ([s], 11) }
    let lines = SVGWriter.wrapped(s, width: width / 1.1, size: 11, bold: true)
    return (lines.count <= 2 ? lines : [lines[0], lines.dropFirst().joined(separator: " ")], 11)
  }

  static func gridLine(_ w: inout SVGWriter, x1: Double, y1: Double, x2: Double, y2: Double, minor: Bool) {
    w.empty(
      "line",
      [
        ("class", minor ? "grid minor" : "grid"), ("x1", SVGWriter.number(x1)), ("y1", SVGWriter.number(y1)),
        ("x2", SVGWriter.number(x2)), ("y2", SVGWriter.number(y2)), ("stroke", minor ? "#F0F0F0" : "#E0E0E0"),
        ("stroke-width", "1"),
      ])
  }

  /// Keeps every k-th tick so labels do not overlap.
  static func thinned(_ ticks: [(value: Double, label: String)], available: Double) -> [(value: Double, label: String)] {
    guard let longest = ticks.map({ SVGWriter.textWidth($0.label, size: 11) }).max(), ticks.count > 1 else { return ticks }
    let fit = max(Int(available / (longest + 12)), 1)
    let every = (ticks.count + fit - 1) / fit
    return every <= 1 ? ticks : ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
  }

  /// The data's exact extent (x axes show the steps/layers logged, no padding).
  static func dataDomain(_ values: [Double], kind: AxisScale.Kind) -> (Double, Double) {
    let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
    guard let mn = usable.min(), let mx = usable.max() else { return kind == .log ? (1, 10) : (0, 1) }
    if mn == mx { return kind == .log ? (mn / 2, mx * 2) : (mn - 0.5, mx + 0.5) }
    return (mn, mx)
  }
}
