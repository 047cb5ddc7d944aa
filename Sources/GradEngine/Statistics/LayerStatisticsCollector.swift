// The per-layer statistics of a logged step, computed from what the step's forward and
// backward passes left in their buffers (pre-activations with bias, activations, f′,
// gradients). Nothing here runs at steps that are not logged.
//
// Sums are formed per row in 8-lane Float vectors and added row by row into Doubles,
// in a fixed order. Standard deviations use two passes (mean first, then squared
// deviations), so a sigmoid layer with mean 0.5 and std 10⁻³ keeps its std.

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

/// Summarises a hidden layer: `z`, `a`, `d` are `rows × width` (z including the bias).
/// `aliveScratch` holds `width` floats of workspace.
func summarizeHiddenLayer(
  preactivations z: UnsafePointer<Float>, activations a: UnsafePointer<Float>,
  derivatives d: UnsafePointer<Float>, rows: Int, width: Int, threshold: Float,
  aliveScratch alive: UnsafeMutablePointer<Float>
) -> ActivationSummary {
  let count = Double(rows * width)
  guard count > 0 else { return ActivationSummary() }
  alive.update(repeating: 0, count: width)
  var zSum = 0.0, aSum = 0.0, dSum = 0.0, saturated = 0.0
  for row in 0..<rows {
    let offset = row * width
    var zRow = Vector8(), aRow = Vector8(), dRow = Vector8(), satRow = Vector8()
    forEachChunk(width) { j, n in
      let lanes = laneMask(n)
      zRow += load8(z + offset + j, count: n)
      aRow += load8(a + offset + j, count: n)
      let dv = load8(d + offset + j, count: n)
      dRow += dv
      let isSaturated = (absolute(dv) .< threshold) .& lanes
      satRow += Vector8(repeating: 0).replacing(with: 1, where: isSaturated)
      let live = load8(alive + j, count: n).replacing(with: 1, where: .!isSaturated .& lanes)
      store8(live, alive + j, count: n)
    }
    zSum += Double(laneSum(zRow)); aSum += Double(laneSum(aRow))
    dSum += Double(laneSum(dRow)); saturated += Double(laneSum(satRow))
  }
  let zMean = zSum / count, aMean = aSum / count
  var zSquares = 0.0, aSquares = 0.0
  let zCenter = Float(zMean), aCenter = Float(aMean)
  for row in 0..<rows {
    let offset = row * width
    var zRow = Vector8(), aRow = Vector8()
    forEachChunk(width) { j, n in
      let lanes = laneMask(n)
      let zd = (load8(z + offset + j, count: n) - zCenter).replacing(with: 0, where: .!lanes)
      let ad = (load8(a + offset + j, count: n) - aCenter).replacing(with: 0, where: .!lanes)
      zRow += zd * zd
      aRow += ad * ad
    }
    zSquares += Double(laneSum(zRow)); aSquares += Double(laneSum(aRow))
  }
  // Σ(x − c)² / n − (μ − c)² is exact for any centre c; c = Float(μ) differs from μ by
  // at most half an ulp, which the correction removes.
  let zShift = zMean - Double(zCenter), aShift = aMean - Double(aCenter)
  var deadUnits = 0
  for j in 0..<width where alive[j] == 0 { deadUnits += 1 }
  return ActivationSummary(
    preactMean: zMean, preactStd: max(zSquares / count - zShift * zShift, 0).squareRoot(),
    actMean: aMean, actStd: max(aSquares / count - aShift * aShift, 0).squareRoot(),
    derivMean: dSum / count, saturatedFraction: saturated / count,
    deadFraction: Double(deadUnits) / Double(width))
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

/// Σg² and Σ|g| of one gradient tensor, in Double (no overflow, nothing small lost).
func gradientSums(_ g: UnsafePointer<Float>, count: Int) -> (squares: Double, absolute: Double) {
  var low = SIMD4<Double>(), high = SIMD4<Double>()
  var absSum = 0.0
  let blockSize = 1024
  var start = 0
  while start < count {
    let end = min(start + blockSize, count)
    var blockAbs = Vector8()
    forEachChunk(end - start) { i, n in
      let v = load8(g + start + i, count: n)
      accumulateSquares(v, into: &low, &high)
      blockAbs += absolute(v)
    }
    absSum += Double(laneSum(blockAbs))
    start = end
  }
  return (laneSum(low) + laneSum(high), absSum)
}
