/// Mean, sample standard deviation and range of the finite values of a sample.
///
/// mean = Σx/k and s = √(Σ(x − mean)²/(k − 1)) over the k finite values (NaN, ±Inf and
/// missing values are skipped and counted in `skipped`); s is nil for k < 2.
/// Two-pass, so s ≥ 0 and exact for constant samples.
package struct SampleStatistics: Sendable, Equatable {
  /// Finite values used.
  package var count: Int
  /// Values given but not finite or missing.
  package var skipped: Int
  package var mean: Double?
  package var standardDeviation: Double?
  package var minimum: Double?
  package var maximum: Double?

  package init<S: Sequence>(_ values: S) where S.Element == Double? {
    var finite: [Double] = []
    var skipped = 0
    for v in values {
      if let v, v.isFinite { finite.append(v) } else { skipped += 1 }
    }
    self.init(finite: finite, skipped: skipped)
  }

  package init<S: Sequence>(_ values: S) where S.Element == Double {
    self.init(values.map { Optional($0) })
  }

  private init(finite: [Double], skipped: Int) {
    count = finite.count
    self.skipped = skipped
    guard !finite.isEmpty else { return }
    let m = finite.reduce(0, +) / Double(finite.count)
    mean = m
    minimum = finite.min()
    maximum = finite.max()
    if finite.count >= 2 {
      let ss = finite.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      standardDeviation = (ss / Double(finite.count - 1)).squareRoot()
    }
  }
}
