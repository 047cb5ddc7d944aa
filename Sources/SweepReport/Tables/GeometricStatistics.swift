import Foundation

/// Geometric mean and geometric standard deviation of a sample of non-negative
/// numbers that span decades (gradient ratios, gradient norms), where an arithmetic
/// mean is the largest value's alone ("0.0846 ± 0.13" over seven decades).
///
/// Over the k finite values x ≥ 0 (NaN, ±Inf, negatives and missing values are
/// skipped and counted in `skipped`): mean_g = exp(Σ ln xᵢ / k) and the geometric
/// standard deviation s_g = exp(√(Σ (ln xᵢ − ln mean_g)² / (k − 1))), a factor ≥ 1
/// (Kirkwood 1979): about two thirds of a log-normal sample lie in mean_g ×/÷ s_g.
///
/// Edge cases: a value of exactly 0 (a gradient that underflowed) makes mean_g = 0,
/// as the product does, and s_g undefined (nil); `zeros` counts them so the report
/// can say so. s_g is nil for k < 2. Properties: mean_g ≤ arithmetic mean (AM–GM),
/// equal for a constant sample, whose s_g is exactly 1; scale-equivariant.
struct GeometricStatistics: Sendable, Equatable {
  var count: Int
  var skipped: Int
  /// Values exactly 0.
  var zeros: Int
  var mean: Double?
  var deviationFactor: Double?
  var minimum: Double?
  var maximum: Double?

  init<S: Sequence>(_ values: S) where S.Element == Double? {
    var usable: [Double] = []
    var skipped = 0
    for v in values {
      if let v, v.isFinite, v >= 0 { usable.append(v) } else { skipped += 1 }
    }
    count = usable.count
    self.skipped = skipped
    zeros = usable.filter { $0 == 0 }.count
    minimum = usable.min()
    maximum = usable.max()
    guard !usable.isEmpty else { return }
    guard zeros == 0 else {
      mean = 0
      return
    }
    let logs = usable.map { Foundation.log($0) }
    let m = logs.reduce(0, +) / Double(logs.count)
    mean = exp(m)
    if logs.count >= 2 {
      let ss = logs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      deviationFactor = exp((ss / Double(logs.count - 1)).squareRoot())
    }
  }

  init<S: Sequence>(_ values: S) where S.Element == Double { self.init(values.map { Optional($0) }) }

  /// "3.21e-05 ×/÷ 4.1", "0.5" (one value), "0 (underflow)" (all zero),
  /// "0 (1 of 2 underflowed to 0)", "—" (no value).
  var text: String {
    guard let mean else { return "—" }
    if zeros > 0 {
      return zeros == count ? "0 (underflow)" : "0 (\(zeros) of \(count) underflowed to 0)"
    }
    guard let s = deviationFactor else { return NumberFormatting.significant(mean) }
    return "\(NumberFormatting.significant(mean)) ×/÷ \(NumberFormatting.significant(s, digits: 2))"
  }
}
