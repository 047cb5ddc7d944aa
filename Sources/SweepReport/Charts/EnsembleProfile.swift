/// Per-layer statistics of an initialisation ensemble (the runs of one configuration,
/// seeds pooled), aggregated the way mean-field theory predicts them: as expectations
/// over the random network.
///
/// - `squaredRelative`: for profiles g_l (e.g. `grad_b_norm` of hidden layers 1…L),
///   the centre is E[g_l²]/E[g_L²] — the mean of the squares over seeds, divided by the
///   last layer's — which is what `grad_sq_norm_rel` = E‖δ^l‖²/E‖δ^L‖² predicts
///   (docs/theory.md); the band is the `bandQuantiles` of the per-seed ratios g_l²/g_L².
/// - `mean`: for profiles x_l (e.g. the pre-activations' mean square, q^l), the
///   arithmetic mean over seeds and the same quantile band.
///
/// Quantiles interpolate linearly between order statistics (numpy's default). A layer
/// where fewer than 2 seeds have a finite value gets its centre but no band.
///
/// Edge cases: seeds whose last-layer g_L is missing, 0 or not finite are left out of
/// the ratios; no point for a layer with no usable seed.
enum EnsembleProfile {
  /// 10 % and 90 %: the middle 80 % of the seeds.
  static let bandQuantiles = (low: 0.1, high: 0.9)

  struct Point: Equatable {
    var layer: Int
    var centre: Double
    var low: Double?
    var high: Double?
    /// Seeds that contributed.
    var count: Int
  }

  static func squaredRelative(_ profiles: [[Double?]]) -> [Point] {
    let usable = profiles.filter { profile in
      guard let last = profile.last ?? nil else { return false }
      return last.isFinite && last > 0
    }
    guard let depth = usable.map(\.count).max(), depth > 0 else { return [] }
    var points: [Point] = []
    for l in 0..<depth {
      var squares: [Double] = [], lastSquares: [Double] = [], ratios: [Double] = []
      for profile in usable where profile.count == depth {
        guard let g = profile[l], g.isFinite, let gL = profile[depth - 1] else { continue }
        squares.append(g * g)
        lastSquares.append(gL * gL)
        ratios.append(g * g / (gL * gL))
      }
      guard !squares.isEmpty else { continue }
      let centre = (squares.reduce(0, +) / Double(squares.count)) / (lastSquares.reduce(0, +) / Double(lastSquares.count))
      points.append(band(layer: l + 1, centre: centre, values: ratios))
    }
    return points
  }

  static func mean(_ profiles: [[Double?]]) -> [Point] {
    guard let depth = profiles.map(\.count).max(), depth > 0 else { return [] }
    var points: [Point] = []
    for l in 0..<depth {
      let values = profiles.compactMap { $0.indices.contains(l) ? $0[l] : nil }.filter(\.isFinite)
      guard !values.isEmpty else { continue }
      points.append(band(layer: l + 1, centre: values.reduce(0, +) / Double(values.count), values: values))
    }
    return points
  }

  private static func band(layer: Int, centre: Double, values: [Double]) -> Point {
    guard values.count >= 2 else { return Point(layer: layer, centre: centre, low: nil, high: nil, count: values.count) }
    let sorted = values.sorted()
    return Point(
      layer: layer, centre: centre, low: quantile(sorted, bandQuantiles.low), high: quantile(sorted, bandQuantiles.high),
      count: values.count)
  }

  /// Q(p) of an ascending, non-empty array: linear between order statistics.
  static func quantile(_ sorted: [Double], _ p: Double) -> Double {
    let h = p * Double(sorted.count - 1)
    let lower = Int(h.rounded(.down)), upper = min(Int(h.rounded(.down)) + 1, sorted.count - 1)
    return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
  }
}
