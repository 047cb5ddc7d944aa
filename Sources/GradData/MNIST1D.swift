import Foundation
import GradEngine

/// MNIST-1D (Greydanus 2020, "Scaling Down Deep Learning"): 40-point 1-D signals in 10
/// classes, made from ten hand-drawn 12-point templates by the reference procedure of
/// greydanus/mnist1d (`data.py`, `transform.py`) with its defaults, step for step and
/// drawing the same NumPy random numbers (`NumPyRandomState`):
///
/// 1. templates: each digit's 12 points whitened (mean 0, std 1), shifted to start at
///    0, divided by 6; 1e-8 added so the signal is never exactly 0;
/// 2. pad with p ~ U{36…60} zeros on the right;
/// 3. resample linearly to 72 points (12 + 60);
/// 4. scale by 1 + 0.4·(u − ½), i.e. 1 ± 0.2;
/// 5. shift cyclically right by k ~ U{0…47};
/// 6. where the signal is exactly 0 (the padding), put correlated noise: 0.25·z
///    smoothed by a Gaussian filter (σ = 2, radius 8, reflecting edges);
/// 7. add iid noise 0.02·z everywhere;
/// 8. shear: subtract c·linspace(−½, ½, 72), c = 0.75·(u − ½), i.e. ±0.375;
/// 9. resample linearly to 40 points.
///
/// Examples are made class by class (⌊samples/10⌋ each), shuffled by one permutation,
/// standardised with the global mean and std of the whole set, and split at
/// ⌊n·(1 − test_fraction)⌋: the first 4,000 train and the last 1,000 test by default.
/// With seed 42 the values equal the reference's `make_dataset()` to ~1e-12 before
/// rounding to Float32 (tested against numbers from the reference procedure).
enum MNIST1D {
  /// Signal length of the final data.
  static let length = 40
  static let classCount = 10

  /// The ten templates as drawn in the reference (`get_templates`).
  static let rawTemplates: [[Double]] = [
    [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
    [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
    [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
    [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
    [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
    [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
    [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
    [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
  ]

  /// Step 1: whitened, starting at 0, divided by 6.
  static let templates: [[Double]] = rawTemplates.map { raw in
    let mean = numpySum(raw) / Double(raw.count)
    let centred = raw.map { $0 - mean }
    let mean2 = numpySum(centred) / Double(raw.count)
    let std = (numpySum(centred.map { ($0 - mean2) * ($0 - mean2) }) / Double(raw.count)).squareRoot()
    let whitened = centred.map { $0 / std }
    return whitened.map { ($0 - whitened[0]) / 6 }
  }

  /// The whole set: `count × 40` standardised values (Double) and labels, in the
  /// reference's shuffled order.
  static func generate(samples: Int, seed: UInt64) -> (features: [Double], labels: [Int32]) {
    var rng = NumPyRandomState(seed: seed)
    let perClass = samples / classCount
    var signals: [[Double]] = []
    var labels: [Int32] = []
    signals.reserveCapacity(perClass * classCount)
    for label in 0..<classCount {
      for _ in 0..<perClass {
        signals.append(transform(templates[label], using: &rng))
        labels.append(Int32(label))
      }
    }
    let order = rng.permutation(signals.count)
    var features = [Double]()
    features.reserveCapacity(order.count * length)
    for i in order { features.append(contentsOf: signals[i]) }
    // Global standardisation (one mean and one std for all values), as the reference does.
    let mean = numpySum(features) / Double(features.count)
    let deviations = features.map { ($0 - mean) * ($0 - mean) }
    let std = (numpySum(deviations) / Double(features.count)).squareRoot()
    if std > 0 { for i in features.indices { features[i] = (features[i] - mean) / std } }
    return (features, order.map { labels[$0] })
  }

  /// Steps 2–9 for one example; draws u (pad), u (scale), k (shift), 72 normals
  /// (correlated noise), 72 normals (iid noise), u (shear), in the reference's order.
  static func transform(_ template: [Double], using rng: inout NumPyRandomState) -> [Double] {
    let padding = 36 + Int(rng.uniform() * 25)
    var x = template.map { $0 + 1e-8 } + [Double](repeating: 0, count: padding)
    x = interpolate(x, to: 72)
    let scale = 1 + 0.4 * (rng.uniform() - 0.5)
    for i in x.indices { x[i] *= scale }
    let shift = rng.integer(below: 48)
    x = (0..<72).map { x[($0 - shift + 72) % 72] }
    let rawNoise = (0..<72).map { _ in 0.25 * rng.normal() }
    let correlated = gaussianFilter(rawNoise)
    for i in x.indices where x[i] == 0 { x[i] = correlated[i] }
    for i in x.indices { x[i] += 0.02 * rng.normal() }
    let shear = 0.75 * (rng.uniform() - 0.5)
    let ramp = linspace(-0.5, 0.5, 72)
    for i in x.indices { x[i] -= shear * ramp[i] }
    return interpolate(x, to: length)
  }

  /// NumPy's `linspace(start, stop, n)`: start + i·(stop − start)/(n − 1), the last exactly `stop`.
  static func linspace(_ start: Double, _ stop: Double, _ n: Int) -> [Double] {
    let step = (stop - start) / Double(n - 1)
    var values = (0..<n).map { Double($0) * step + start }
    values[n - 1] = stop
    return values
  }

  /// SciPy's `interp1d(linspace(0,1,len), y, kind='linear')(linspace(0,1,n))`:
  /// for each new point, the first old point at or after it (clipped to 1…len−1) and
  /// the one before, y = slope·(t − t_lo) + y_lo.
  static func interpolate(_ y: [Double], to n: Int) -> [Double] {
    let old = linspace(0, 1, y.count), new = linspace(0, 1, n)
    return new.map { t in
      var lo = 0, hi = old.count  // searchsorted(old, t, side: left)
      while lo < hi {
        let mid = (lo + hi) / 2
        if old[mid] < t { lo = mid + 1 } else { hi = mid }
      }
      let h = min(max(lo, 1), old.count - 1)
      let slope = (y[h] - y[h - 1]) / (old[h] - old[h - 1])
      return slope * (t - old[h - 1]) + y[h - 1]
    }
  }

  /// SciPy's `gaussian_filter(x, 2)` on a 1-D signal: weights exp(−j²/(2σ²)) for
  /// |j| ≤ 8 (truncate 4σ), normalised to sum 1; edges reflected (d c b a | a b c d),
  /// summed as SciPy's symmetric correlation does: x[i]·w₀ + Σⱼ₌₈…₁ (x[i−j] + x[i+j])·wⱼ.
  static func gaussianFilter(_ x: [Double], sigma: Double = 2) -> [Double] {
    let radius = Int(4 * sigma + 0.5)
    let raw = (-radius...radius).map { exp(-0.5 / (sigma * sigma) * Double($0 * $0)) }
    let total = numpySum(raw)
    let w = raw.map { $0 / total }  // w[radius + j]
    let n = x.count
    func at(_ i: Int) -> Double {
      var k = i
      while k < 0 || k >= n { k = k < 0 ? -k - 1 : 2 * n - k - 1 }
      return x[k]
    }
    return (0..<n).map { i in
      var sum = x[i] * w[radius]
      for j in stride(from: radius, through: 1, by: -1) { sum += (at(i - j) + at(i + j)) * w[radius + j] }
      return sum
    }
  }

  /// NumPy's pairwise summation (eight accumulators per block of ≤ 128, halves above),
  /// so sums round as the reference's do.
  static func numpySum(_ a: [Double]) -> Double {
    a.withUnsafeBufferPointer { pairwise($0[...]) }
  }

  private static func pairwise(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
    let n = a.count, s = a.startIndex
    if n < 8 {
      var res = 0.0
      for i in 0..<n { res += a[s + i] }
      return res
    } else if n <= 128 {
      var r = (0..<8).map { a[s + $0] }
      var i = 8
      while i < n - n % 8 {
        for j in 0..<8 { r[j] += a[s + i + j] }
        i += 8
      }
      var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      while i < n {
        res += a[s + i]
        i += 1
      }
      return res
    } else {
      var half = n / 2
      half -= half % 8
      return pairwise(a[s..<(s + half)]) + pairwise(a[(s + half)...])
    }
  }
}
