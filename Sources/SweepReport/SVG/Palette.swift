/// Colours that colour-blind readers can tell apart.
enum Palette {
  /// Okabe & Ito (2008) qualitative palette, ordered so neighbours differ most on
  /// white and for colour-blind readers: blue, vermillion, green, reddish purple,
  /// then orange (kept away from vermillion: the second and fourth series, e.g. tanh
  /// and leaky ReLU in the quickstart, used to be orange and vermillion, which
  /// deuteranopes confuse), sky blue, black; yellow, weakest on white, comes last.
  static let categorical = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
  ]

  /// Dash patterns that tell series apart when colours run out or encode a second variable.
  static let dashes = ["", "7 4", "2 3", "10 3 2 3", "4 2 1 2 1 2"]

  static func color(_ i: Int) -> String { categorical[((i % categorical.count) + categorical.count) % categorical.count] }
  static func dash(_ i: Int) -> String { dashes[((i % dashes.count) + dashes.count) % dashes.count] }

  /// Viridis (perceptually uniform, colour-blind safe), 9 stops, interpolated in sRGB.
  static let viridisStops: [(Double, Double, Double)] = [
    (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80), (0x5E, 0xC9, 0x62), (0xAD, 0xDC, 0x30), (0xFD, 0xE7, 0x25),
  ]

  /// Viridis at t ∈ [0, 1] as "#rrggbb".
  static func viridis(_ t: Double) -> String {
    let (r, g, b) = viridisRGB(t)
    return hex(r, g, b)
  }

  static func viridisRGB(_ t: Double) -> (Double, Double, Double) {
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridisStops.count - 1)
    let i = min(Int(x), viridisStops.count - 2)
    let f = x - Double(i)
    let a = viridisStops[i]
    let b = viridisStops[i + 1]
    return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
  }

  /// Black or white, whichever reads better on viridis at t.
  static func textOnViridis(_ t: Double) -> String {
    let (r, g, b) = viridisRGB(t)
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return luminance > 140 ? "#000000" : "#FFFFFF"
  }

  /// The colour of layer `layer` of `count` layers: viridis from dark (layer 1,
  /// nearest the input) to light, stopping short of the yellow end that vanishes on white.
  static func layerColor(_ layer: Int, of count: Int) -> String {
    viridis(count <= 1 ? 0 : 0.88 * Double(layer - 1) / Double(count - 1))
  }

  /// The colour of the i-th of n values of a numeric axis (depth, σ_w², learning
  /// rate): an ordered sequential map, so colour reads as "more" and neighbouring
  /// values look alike. Viridis from 0 to 0.85 (the yellow end vanishes on white);
  /// n = 1 takes the dark end.
  static func sequential(_ i: Int, of n: Int) -> String {
    viridis(n <= 1 ? 0 : 0.85 * Double(i) / Double(n - 1))
  }

  static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
    func h(_ v: Double) -> String {
      let i = Int(min(max(v.rounded(), 0), 255))
      let s = String(i, radix: 16, uppercase: true)
      return s.count == 1 ? "0" + s : s
    }
    return "#" + h(r) + h(g) + h(b)
  }
}
