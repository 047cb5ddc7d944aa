// The per-layer statistics of a logged step: the activation statistics accumulated by
// the forward sweep, the logits', and the gradient sums. Nothing here runs at steps that
// are not logged.
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

/// The statistics of a hidden layer, accumulated by the forward sweep (see
/// `activationForward(statistics:)`) a few rows at a time, each group read back right
/// after it is written, while it is in L1: a logged step costs arithmetic, not another
/// pass over the layer through memory.
///
/// Shifted sums: with c the mean of the first row, Var x = mean((x − c)²) − (mean(x − c))²,
/// exact in exact arithmetic and free of cancellation when c is near the mean (a
/// saturated sigmoid layer with mean 0.5 and std 10⁻³ keeps its std). Float lanes are
/// added into Doubles every ≥ 256 entries (whole rows at a time; see `addRows`).
struct ActivationStatisticsAccumulator: ForwardStatistics {
  static var isCollecting: Bool { true }
  /// |f′| below this counts as saturated.
  let threshold: Float
  /// `width` flags: 1 once a unit was not saturated on some example.
  let alive: UnsafeMutablePointer<Float>
  private var cz: Float = 0, ca: Float = 0
  private var zSum = 0.0, zSquares = 0.0, aSum = 0.0, aSquares = 0.0, dSum = 0.0, saturated = 0.0

  init(threshold: Float, aliveScratch: UnsafeMutablePointer<Float>, width: Int) {
    self.threshold = threshold
    alive = aliveScratch
    alive.update(repeating: 0, count: width)
  }

  mutating func begin(firstRowZ z: UnsafePointer<Float>, firstRowA a: UnsafePointer<Float>, width: Int) {
    var zTotal = 0.0, aTotal = 0.0
    for j in 0..<width {
      zTotal += Double(z[j])
      aTotal += Double(a[j])
    }
    cz = Float(zTotal / Double(max(width, 1)))
    ca = Float(aTotal / Double(max(width, 1)))
  }

  /// Adds `rows` consecutive rows of z, f(z) and f′(z) (`width` entries each, row after
  /// row). The sums run in Float lanes held in registers and go into the Doubles after
  /// every row that brings the count since the last transfer to 256 or more, and after
  /// the last row, so the grouping depends only on the shape.
  mutating func addRows(
    z: UnsafePointer<Float>, a: UnsafePointer<Float>, d: UnsafePointer<Float>, rows: Int, width: Int
  ) {
    var zs = Vector8(), zq = Vector8(), as_ = Vector8(), aq = Vector8(), ds = Vector8(), sat = Vector8()
    let cz = Vector8(repeating: self.cz), ca = Vector8(repeating: self.ca)
    let threshold = Vector8(repeating: self.threshold)
    let one = Vector8(repeating: 1), zero = Vector8()
    let fullEnd = width & ~7
    let tail = reachBackLanes(width)
    var pending = 0
    for row in 0..<rows {
      let (z, a, d) = (z + row &* width, a + row &* width, d + row &* width)
      var j = 0
      while j < fullEnd {
        let zv = load8(z + j) - cz, av = load8(a + j) - ca, dv = load8(d + j)
        zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
        let isSaturated = absolute(dv) .< threshold
        sat += zero.replacing(with: one, where: isSaturated)
        store8(load8(alive + j).replacing(with: one, where: .!isSaturated), alive + j)
        j &+= 8
      }
      if j < width && width >= 8 {
        // The row's last width mod 8 entries, from a vector reaching back (see
        // `reachBackLanes`); its first lanes were added by the loop.
        let start = width &- 8
        let zv = (load8(z + start) - cz).replacing(with: 0, where: .!tail)
        let av = (load8(a + start) - ca).replacing(with: 0, where: .!tail)
        let dv = load8(d + start).replacing(with: 0, where: .!tail)
        zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
        let isSaturated = (absolute(dv) .< threshold) .& tail
        sat += zero.replacing(with: one, where: isSaturated)
        store8(load8(alive + start).replacing(with: one, where: .!isSaturated .& tail), alive + start)
      } else if j < width {
        let n = width &- j
        let lanes = laneMask(n)
        let zv = (load8(z + j, count: n) - cz).replacing(with: 0, where: .!lanes)
        let av = (load8(a + j, count: n) - ca).replacing(with: 0, where: .!lanes)
        let dv = load8(d + j, count: n)
        zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
        let isSaturated = (absolute(dv) .< threshold) .& lanes
        sat += zero.replacing(with: one, where: isSaturated)
        store8(load8(alive + j, count: n).replacing(with: one, where: .!isSaturated .& lanes), alive + j, count: n)
      }
      pending &+= width
      if pending >= 256 || row == rows &- 1 {
        zSum += Double(laneSum(zs)); zSquares += Double(laneSum(zq))
        aSum += Double(laneSum(as_)); aSquares += Double(laneSum(aq))
        dSum += Double(laneSum(ds)); saturated += Double(laneSum(sat))
        zs = Vector8(); zq = Vector8(); as_ = Vector8(); aq = Vector8(); ds = Vector8(); sat = Vector8()
        pending = 0
      }
    }
  }

  /// The layer's statistics once every row has been added.
  func summary(rows: Int, width: Int) -> ActivationSummary {
    let count = Double(rows * width)
    guard count > 0 else { return ActivationSummary() }
    let zShift = zSum / count, aShift = aSum / count
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
      preactMean: Double(cz) + zShift, preactStd: max(zSquares / count - zShift * zShift, 0).squareRoot(),
      actMean: Double(ca) + aShift, actStd: max(aSquares / count - aShift * aShift, 0).squareRoot(),
      derivMean: dSum / count, saturatedFraction: saturated / count,
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
