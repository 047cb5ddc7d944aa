/// TensorBoard's nine bands of a distribution: the values at the normal distribution's
/// percentiles of −∞, −1.5σ, −1σ, −0.5σ, 0, +0.5σ, +1σ, +1.5σ, +∞, i.e. min, the
/// 6.68 %, 15.87 %, 30.85 % quantiles, the median, the 69.15 %, 84.13 %, 93.32 %
/// quantiles and max (TensorBoard's `NORMAL_HISTOGRAM_BPS` = 0, 668, 1587, 3085, 5000,
/// 6915, 8413, 9332, 10000 basis points, `tensorboard/plugins/distribution/compressor.py`).
/// For a normal sample the bands sit at μ + kσ; for any other they show its shape.
package enum QuantileBands {
  /// The nine quantile levels, as fractions.
  package static let fractions: [Double] = [0, 0.0668, 0.1587, 0.3085, 0.5, 0.6915, 0.8413, 0.9332, 1]

  /// The quantiles of |x| at `fractions`, with linear interpolation between order
  /// statistics (Hyndman & Fan 1996, definition 7; numpy's default):
  ///
  ///     Q(p) = a_⌊h⌋ + (h − ⌊h⌋)(a_⌊h⌋+1 − a_⌊h⌋),   h = p (n − 1),  a sorted ascending
  ///
  /// so Q(0) = min, Q(1) = max, Q(½) = the median (the mean of the middle two for even n).
  ///
  /// Costs a copy and a sort of the n values (only at logged steps, when asked).
  ///
  /// Edge cases: `count == 0` gives nine NaNs. NaNs are sorted last (they count as the
  /// largest values), so a tensor with a NaN has max NaN, and so has every band whose
  /// interpolation reaches a NaN (with m NaNs of n, those above p = (n − m − 1)/(n − 1)).
  package static func absoluteQuantiles(_ x: UnsafePointer<Float>, count: Int) -> [Double] {
    guard count > 0 else { return [Double](repeating: .nan, count: fractions.count) }
    var values: [Float] = []
    values.reserveCapacity(count)
    var nans = 0
    for i in 0..<count {
      let v = abs(x[i])
      if v.isNaN { nans += 1 } else { values.append(v) }
    }
    values.sort()
    values += repeatElement(.nan, count: nans)
    return fractions.map { interpolatedQuantile(sorted: values, fraction: $0) }
  }

  /// Q(p) of an ascending array (definition 7 above). `sorted` must not be empty.
  package static func interpolatedQuantile(sorted: [Float], fraction p: Double) -> Double {
    let h = p * Double(sorted.count - 1)
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let a = Double(sorted[lower]), b = Double(sorted[upper])
    let weight = h - Double(lower)
    return weight == 0 ? a : a + weight * (b - a)
  }
}
