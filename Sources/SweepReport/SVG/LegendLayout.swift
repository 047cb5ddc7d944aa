/// Legend entries laid out left to right, wrapping into rows.
struct LegendLayout {
  var entries: [LegendEntry]
  var title: String?
  var width: Double
  static let rowHeight = 22.0
  static let fontSize = 12.0

  /// (x, row) of each entry.
  var positions: [(x: Double, row: Int)] {
    var out: [(Double, Int)] = []
    var x = 16 + (title.map { SVGWriter.textWidth($0, size: Self.fontSize, bold: true) + 14 } ?? 0)
    var row = 0
    for e in entries {
      let w = 34 + SVGWriter.textWidth(e.label, size: Self.fontSize) + 18
      if x + w > width - 8, x > 16 + 1 {
        row += 1
        x = 16
      }
      out.append((x, row))
      x += w
    }
    return out
  }

  var height: Double {
    guard !entries.isEmpty else { return 6 }
    return Double((positions.map(\.row).max() ?? 0) + 1) * Self.rowHeight + 10
  }

  func draw(into w: inout SVGWriter, y: Double) {
    guard !entries.isEmpty else { return }
    w.open("g", [("class", "legend")])
    if let title {
      w.label(title, x: 16, y: y + 16, size: Self.fontSize, weight: "600", cssClass: "legend-title")
    }
    for (e, pos) in zip(entries, positions) {
      let cy = y + 12 + Double(pos.row) * Self.rowHeight
      // One clickable group per entry: the page's script hides the series whose
      // data-series matches (click), or shows only it (double-click).
      w.open("g", [("class", "legend-entry"), ("data-series", e.label), ("role", "button"), ("tabindex", "0")])
      w.title("\(e.label) — click: hide or show; double-click: show only this (again: show all)")
      w.empty(
        "rect",
        [
          ("class", "legend-hit"), ("x", SVGWriter.number(pos.x - 4)), ("y", SVGWriter.number(cy - 10)),
          ("width", SVGWriter.number(34 + SVGWriter.textWidth(e.label, size: Self.fontSize) + 8)), ("height", "20"),
          ("fill", "#FFFFFF"), ("fill-opacity", "0"),
        ])
      var attrs: [(String, String)] = [
        ("class", "legend-line"), ("x1", SVGWriter.number(pos.x)), ("y1", SVGWriter.number(cy)),
        ("x2", SVGWriter.number(pos.x + 26)), ("y2", SVGWriter.number(cy)), ("stroke", e.style.color),
        ("stroke-width", SVGWriter.number(max(e.style.width, 2.5))),
      ]
      if !e.style.dash.isEmpty { attrs.append(("stroke-dasharray", e.style.dash)) }
      w.empty("line", attrs)
      if e.marker {
        MarkerShape.draw(
          e.style.shape, into: &w, x: pos.x + 13, y: cy, radius: 3.6, color: e.style.color, series: e.label, tooltip: nil,
          cssClass: "legend-marker")
      }
      w.label(e.label, x: pos.x + 32, y: cy + 4, size: Self.fontSize, cssClass: "legend-label")
      w.close("g")
    }
    w.close("g")
  }
}
