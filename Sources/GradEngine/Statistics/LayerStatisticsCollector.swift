// The per-layer statistics of a logged step: the activation statistics accumulated by
// the forward sweep, the logits', and the gradient sums. Nothing here runs at steps that
// are not logged.
//
// Sums are formed per row (or block) in Float vectors and added into Doubles in a fixed
// order, so the statistics are reproducible and cost about one read of the data.

import GradKernels

/// Mean, std, f′ and saturation of one hidden layer's units over a batch.
struct ActivationSummary {
  var preactMean = 0.0, preactStd = 0.0
  var actMean = 0.0, actStd = 0.0
  var derivMean = 0.0
  /// Fraction of (example, unit) pairs with |f′(z)| < threshold.
  var saturatedFraction = 0.0
  /// Fraction of units saturated on every example.
  var deadFraction = 0.0
}

/// The statistics of a hidden layer, accumulated by the forward sweep (see
/// `activationForward(statistics:)`) a few rows at a time, each group read back right
/// after it is written, while it is in L1: a logged step costs arithmetic, not another
/// pass over the layer through memory. The sums are the kernels' (`ActivationSums`, in
/// a canonical 16-lane order, the same bits on every kernel family).
///
/// Shifted sums: with c the mean of the first row, Var x = mean((x − c)²) − (mean(x − c))²,
/// exact in exact arithmetic and free of cancellation when c is near the mean (a
/// saturated sigmoid layer with mean 0.5 and std 10⁻³ keeps its std). Float lanes are
/// added into Doubles every ≥ 256 entries (whole rows at a time).
struct ActivationStatisticsAccumulator {
  var sums: ActivationSums
  private var alive: UnsafeMutablePointer<Float> { sums.alive }

  init(threshold: Float, aliveScratch: UnsafeMutablePointer<Float>, width: Int) {
    sums = ActivationSums(threshold: threshold, aliveScratch: aliveScratch, width: width)
  }

  /// The layer's statistics once every row has been added.
  func summary(rows: Int, width: Int) -> ActivationSummary {
    let count = Double(rows * width)
    guard count > 0 else { return ActivationSummary() }
    let zShift = sums.zSum / count, aShift = sums.aSum / count
    let cz = sums.zShift, ca = sums.aShift
    // Counted 8 flags at a time: a branch per unit mispredicted on half-dead layers.
    var deadLanes = SIMD8<Int32>()
    var j = 0
    while j + 8 <= width {
      deadLanes &-= unsafeBitCast(load8(alive + j) .== 0, to: SIMD8<Int32>.self)  // true = −1
      j += 8
    }
    var deadUnits = Int(deadLanes.wrappedSum())
    while j < width {
      if alive[j] == 0 { deadUnits += 1 }
      j += 1
    }
    return ActivationSummary(
      preactMean: Double(cz) + zShift, preactStd: max(sums.zSquares / count - zShift * zShift, 0).squareRoot(),
      actMean: Double(ca) + aShift, actStd: max(sums.aSquares / count - aShift * aShift, 0).squareRoot(),
      derivMean: sums.dSum / count, saturatedFraction: sums.saturated / count,
      deadFraction: Double(deadUnits) / Double(width))
  }
}

/// The output layer: pre-activation = activation = the logits (before the head),
/// f′ ≡ 1, never saturated or dead.
func summarizeLogits(_ z: UnsafePointer<Float>, rows: Int, width: Int) -> ActivationSummary {
  let count = Double(rows * width)
  guard count > 0 else { return ActivationSummary() }
  var sum = 0.0
  for i in 0..<(rows * width) { sum += Double(z[i]) }
  let mean = sum / count
  var squares = 0.0
  for i in 0..<(rows * width) {
    let deviation = Double(z[i]) - mean
    squares += deviation * deviation
  }
  let std = (squares / count).squareRoot()
  return ActivationSummary(
    preactMean: mean, preactStd: std, actMean: mean, actStd: std, derivMean: 1,
    saturatedFraction: 0, deadFraction: 0)
}

/// Σg² and Σ|g| of one tensor. Each block of 256 entries is summed in Float lanes and
/// added into Doubles; a block whose Float sum of squares overflows (entries beyond
/// ~10¹⁸) is summed again in Double, so the result is finite whenever the entries are.
func gradientSums(_ g: UnsafePointer<Float>, count: Int) -> (squares: Double, absolute: Double) {
  var squares = 0.0, absSum = 0.0
  var start = 0
  while start < count {
    let end = min(start + 256, count)
    var blockSquares = Vector8(), blockAbs = Vector8()
    var i = start
    while i + 8 <= end {
      let v = load8(g + i)
      blockSquares += v * v
      blockAbs += absolute(v)
      i += 8
    }
    if i < end {
      let v = load8(g + i, count: end - i)
      blockSquares += v * v
      blockAbs += absolute(v)
    }
    let blockSum = laneSum(blockSquares)
    if blockSum.isFinite || !laneSum(blockAbs).isFinite {
      squares += Double(blockSum)
    } else {
      for k in start..<end { squares += Double(g[k]) * Double(g[k]) }
    }
    absSum += Double(laneSum(blockAbs))
    start = end
  }
  return (squares, absSum)
}
