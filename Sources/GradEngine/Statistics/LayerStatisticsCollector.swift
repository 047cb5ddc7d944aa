// The per-layer statistics of a logged step, computed from what the step's forward and
// backward passes left in their buffers (pre-activations with bias, activations, f′,
// gradients). Nothing here runs at steps that are not logged.
//
// Sums are formed per row (or block) in 8-lane Float vectors and added into Doubles in
// a fixed order, so the statistics are reproducible and cost about one read of the data.

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
///
/// One pass with shifted sums: with c the mean of the first row,
/// Var x = mean((x − c)²) − (mean(x − c))², exact in exact arithmetic and free of
/// cancellation when c is near the mean (a saturated sigmoid layer with mean 0.5 and
/// std 10⁻³ keeps its std).
func summarizeHiddenLayer(
  preactivations z: UnsafePointer<Float>, activations a: UnsafePointer<Float>,
  derivatives d: UnsafePointer<Float>, rows: Int, width: Int, threshold: Float,
  aliveScratch alive: UnsafeMutablePointer<Float>
) -> ActivationSummary {
  let count = Double(rows * width)
  guard count > 0 else { return ActivationSummary() }
  alive.update(repeating: 0, count: width)
  var firstRowZ = 0.0, firstRowA = 0.0
  for j in 0..<width {
    firstRowZ += Double(z[j])
    firstRowA += Double(a[j])
  }
  let cz = Float(firstRowZ / Double(width)), ca = Float(firstRowA / Double(width))
  var zSum = 0.0, zSquares = 0.0, aSum = 0.0, aSquares = 0.0, dSum = 0.0, saturated = 0.0
  let fullChunks = width / 8 * 8
  let tail = width - fullChunks
  let tailLanes = laneMask(tail)
  // Float lanes are added into the Doubles every ≥ 256 entries (whole rows at a time).
  var zs = Vector8(), zq = Vector8(), as_ = Vector8(), aq = Vector8(), ds = Vector8(), sat = Vector8()
  var pending = 0
  for row in 0..<rows {
    let offset = row * width
    var j = 0
    while j < fullChunks {
      let zv = load8(z + offset + j) - cz
      let av = load8(a + offset + j) - ca
      let dv = load8(d + offset + j)
      zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
      let isSaturated = absolute(dv) .< threshold
      sat += Vector8(repeating: 0).replacing(with: 1, where: isSaturated)
      store8(load8(alive + j).replacing(with: 1, where: .!isSaturated), alive + j)
      j += 8
    }
    if tail > 0 {
      let zv = (load8(z + offset + j, count: tail) - cz).replacing(with: 0, where: .!tailLanes)
      let av = (load8(a + offset + j, count: tail) - ca).replacing(with: 0, where: .!tailLanes)
      let dv = load8(d + offset + j, count: tail)
      zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
      let isSaturated = (absolute(dv) .< threshold) .& tailLanes
      sat += Vector8(repeating: 0).replacing(with: 1, where: isSaturated)
      let live = load8(alive + j, count: tail).replacing(with: 1, where: .!isSaturated .& tailLanes)
      store8(live, alive + j, count: tail)
    }
    pending += width
    if pending >= 256 || row == rows - 1 {
      zSum += Double(laneSum(zs)); zSquares += Double(laneSum(zq))
      aSum += Double(laneSum(as_)); aSquares += Double(laneSum(aq))
      dSum += Double(laneSum(ds)); saturated += Double(laneSum(sat))
      zs = Vector8(); zq = Vector8(); as_ = Vector8(); aq = Vector8(); ds = Vector8(); sat = Vector8()
      pending = 0
    }
  }
  let zShift = zSum / count, aShift = aSum / count
  var deadUnits = 0
  for j in 0..<width where alive[j] == 0 { deadUnits += 1 }
  return ActivationSummary(
    preactMean: Double(cz) + zShift, preactStd: max(zSquares / count - zShift * zShift, 0).squareRoot(),
    actMean: Double(ca) + aShift, actStd: max(aSquares / count - aShift * aShift, 0).squareRoot(),
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
