import GradEngine

/// Random hold-out splits (test, then validation), stratified by class on request.
enum Splitting {
  /// Splits the rows of `data` into `(heldOut, kept)` with round(n·fraction) rows held
  /// out. Stratified (classification only): each class gives its share nᶜ·fraction,
  /// rounded by largest remainder so the shares add up to the total, so every split
  /// keeps the class proportions to within one example per class. Both index lists are
  /// ascending, so the rows keep their order.
  static func holdOut(
    fraction: Double, of data: Dataset, stratify: Bool, using rng: inout Xoshiro256
  ) -> (heldOut: [Int], kept: [Int]) {
    let n = data.count
    let total = Int((Double(n) * fraction).rounded())
    guard total > 0 else { return ([], Array(0..<n)) }
    var held: [Int] = []
    if stratify, case .classes(let labels, let classCount) = data.targets {
      var groups = [[Int]](repeating: [], count: classCount)
      for (row, label) in labels.enumerated() { groups[Int(label)].append(row) }
      let quotas = groups.map { Double($0.count) * fraction }
      var shares = quotas.map { Int($0.rounded(.down)) }
      let missing = total - shares.reduce(0, +)
      // Largest remainders first; ties to the lower class index, for determinism.
      let order = quotas.indices.sorted {
        (quotas[$0] - Double(shares[$0]), -$0) > (quotas[$1] - Double(shares[$1]), -$1)
      }
      for c in order.prefix(max(0, missing)) { shares[c] += 1 }
      for (c, var group) in groups.enumerated() where shares[c] > 0 {
        rng.shuffle(&group)
        held.append(contentsOf: group.prefix(min(shares[c], group.count)))
      }
    } else {
      var order = Array(0..<n)
      rng.shuffle(&order)
      held = Array(order.prefix(total))
    }
    held.sort()
    var isHeld = [Bool](repeating: false, count: n)
    for i in held { isHeld[i] = true }
    return (held, (0..<n).filter { !isHeld[$0] })
  }
}

/// Per-column feature scaling, fitted on the training split and applied unchanged to
/// the validation and test splits (so no information leaks from them into training).
struct FeatureScaler: Sendable, Equatable {
  /// x′ = (x − offset[j]) / divisor[j] per column j.
  var offset: [Double]
  var divisor: [Double]

  /// - standardize: offset = mean, divisor = population std (train mean 0, std 1);
  /// - minmax: offset = min, divisor = max − min (train range [0, 1]);
  /// - none: the identity.
  /// A constant column (std or range ≤ 1e-12·(1 + |offset|)) gets divisor 1: it is
  /// only shifted, to 0, rather than blown up.
  init(fitting data: Dataset, method: FeatureScaling) {
    let d = data.featureCount, n = data.count
    offset = [Double](repeating: 0, count: d)
    divisor = [Double](repeating: 1, count: d)
    guard n > 0, method != .none else { return }
    // Row by row (the memory order), accumulating per column: one pass per statistic.
    data.features.withUnsafeBufferPointer { x in
      switch method {
      case .standardize:
        var sum = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { sum[j] += Double(x[r * d + j]) } }
        let mean = sum.map { $0 / Double(n) }
        var squares = [Double](repeating: 0, count: d)
        for r in 0..<n {
          for j in 0..<d {
            let e = Double(x[r * d + j]) - mean[j]
            squares[j] += e * e
          }
        }
        offset = mean
        divisor = squares.map { ($0 / Double(n)).squareRoot() }
      case .minmax:
        var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
        for r in 0..<n {
          for j in 0..<d {
            let v = Double(x[r * d + j])
            lo[j] = Swift.min(lo[j], v)
            hi[j] = Swift.max(hi[j], v)
          }
        }
        offset = lo
        divisor = zip(hi, lo).map { $0 - $1 }
      case .none: break
      }
    }
    for j in 0..<d where !(divisor[j] > 1e-12 * (1 + abs(offset[j]))) { divisor[j] = 1 }
  }

  var isIdentity: Bool { offset.allSatisfy { $0 == 0 } && divisor.allSatisfy { $0 == 1 } }

  func apply(_ data: Dataset) -> Dataset {
    guard !isIdentity else { return data }
    let d = data.featureCount
    var features = data.features
    features.withUnsafeMutableBufferPointer { x in
      for r in 0..<data.count {
        for j in 0..<d { x[r * d + j] = Float((Double(x[r * d + j]) - offset[j]) / divisor[j]) }
      }
    }
    return Dataset(features: features, featureCount: d, targets: data.targets)
  }
}
