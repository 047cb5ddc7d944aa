/// The path geometry of `LineChart`: a series' polyline and a band's polygon.
extension LineChart {
  /// "M x y L x y …", starting a new subpath after a point that cannot be drawn.
  static func linePath(_ points: [(x: Double, y: Double)], _ sx: AxisScale, _ py: (Double) -> Double?) -> String {
    var d = ""
    var penDown = false
    for p in points {
      guard let px = sx.position(p.x), let y = py(p.y) else {
        penDown = false
        continue
      }
      d += (penDown ? "L" : (d.isEmpty ? "M" : " M")) + SVGWriter.number(px) + " " + SVGWriter.number(y)
      penDown = true
    }
    return d
  }

  /// A closed polygon between the band's low and high edges (points that cannot be
  /// drawn are skipped; edges leaving the plot are clamped into `clamp`).
  static func bandPath(
    _ band: [(x: Double, low: Double, high: Double)], _ sx: AxisScale, _ py: (Double) -> Double?,
    clamp: (Double, Double)
  ) -> String? {
    func c(_ v: Double?) -> Double? { v.map { min(max($0, clamp.0), clamp.1) } }
    let usable = band.compactMap { b -> (Double, Double, Double)? in
      guard let px = sx.position(b.x), let lo = c(py(b.low)), let hi = c(py(b.high)) else { return nil }
      return (px, lo, hi)
    }
    guard usable.count >= 2 else { return nil }
    var d = "M" + usable.map { SVGWriter.number($0.0) + " " + SVGWriter.number($0.2) }.joined(separator: "L")
    d += "L" + usable.reversed().map { SVGWriter.number($0.0) + " " + SVGWriter.number($0.1) }.joined(separator: "L")
    return d + "Z"
  }
}
