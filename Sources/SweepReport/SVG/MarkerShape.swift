/// Point markers: a different shape per series keeps lines apart where they overlap
/// or where colour alone fails (print, colour-blind readers).
enum MarkerShape: CaseIterable, Equatable {
  case circle, square, triangle, diamond, triangleDown

  /// The i-th shape, cycling.
  static func at(_ i: Int) -> MarkerShape { allCases[((i % allCases.count) + allCases.count) % allCases.count] }

  /// Draws one marker centred on (x, y) as `class="marker"` with the series' label in
  /// `data-series` and a hover tooltip. `hollow`: white fill, coloured outline.
  static func draw(
    _ shape: MarkerShape, into w: inout SVGWriter, x: Double, y: Double, radius r: Double, color: String,
    series: String, tooltip: String?, hollow: Bool = false, cssClass: String = "marker"
  ) {
    let n = SVGWriter.number
    var attrs: [(String, String)] = [("class", cssClass), ("data-series", series)]
    switch shape {
    case .circle:
      w.open("circle", attrs + [("cx", n(x)), ("cy", n(y)), ("r", n(r))] + paint(color, hollow))
      if let tooltip { w.title(tooltip) }
      w.close("circle")
      return
    case .square:
      let a = r * 0.9
      attrs.append(("d", "M\(n(x - a)) \(n(y - a))H\(n(x + a))V\(n(y + a))H\(n(x - a))Z"))
    case .triangle:
      attrs.append(("d", "M\(n(x)) \(n(y - r * 1.2))L\(n(x + r * 1.1)) \(n(y + r * 0.8))L\(n(x - r * 1.1)) \(n(y + r * 0.8))Z"))
    case .triangleDown:
      attrs.append(("d", "M\(n(x)) \(n(y + r * 1.2))L\(n(x + r * 1.1)) \(n(y - r * 0.8))L\(n(x - r * 1.1)) \(n(y - r * 0.8))Z"))
    case .diamond:
      attrs.append(("d", "M\(n(x)) \(n(y - r * 1.25))L\(n(x + r)) \(n(y))L\(n(x)) \(n(y + r * 1.25))L\(n(x - r)) \(n(y))Z"))
    }
    w.open("path", attrs + paint(color, hollow))
    if let tooltip { w.title(tooltip) }
    w.close("path")
  }

  private static func paint(_ color: String, _ hollow: Bool) -> [(String, String)] {
    hollow
      ? [("fill", "#FFFFFF"), ("stroke", color), ("stroke-width", "1.5")]
      : [("fill", color), ("stroke", "#FFFFFF"), ("stroke-width", "0.8")]
  }
}
