// The row-wise passes of a hidden layer's activation over a batch-major block
// (`rows × width`, row stride `width`): the forward pass (bias, f, f′ in one sweep) and
// the backward product with f′. Dispatch on the kind happens once per call; the loops
// are specialised per activation.

/// Forward pass: z ← z + b, a = f(z), d = f′(z).
///
/// - Parameters:
///   - keepPreactivations: store z + b back into `z` (needed for statistics and PReLU's
///     slope gradient; skipped otherwise to save a store).
///   - derivatives: nil when no backward pass follows (evaluation).
///   - statistics: when given, the layer's statistics are accumulated in the same sweep
///     (fused, so a logged step reads nothing twice); requires `keepPreactivations`
///     and `derivatives`.
/// - Returns: Σ|a| (‖a‖₁ in Float): +∞ or NaN whenever any a is, used to rule out
///   overflow.
func activationForward(
  _ kind: ActivationKind, slope: Float,
  preactivations z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  activations a: UnsafeMutablePointer<Float>, derivatives d: UnsafeMutablePointer<Float>?,
  rows: Int, width: Int, keepPreactivations: Bool,
  statistics: UnsafeMutablePointer<ActivationStatisticsAccumulator>? = nil
) -> Float {
  func run<F: VectorActivation>(_ f: F.Type) -> Float {
    if let statistics {
      precondition(keepPreactivations && d != nil, "statistics need z and f′ stored")
      return activationForward(
        f, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: true,
        statistics: &statistics.pointee)
    }
    var none = NoForwardStatistics()
    return activationForward(
      f, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: keepPreactivations,
      statistics: &none)
  }
  switch kind {
  case .sigmoid: return run(SigmoidActivation.self)
  case .tanh: return run(TanhActivation.self)
  case .relu: return run(ReLUActivation.self)
  case .leakyReLU, .prelu: return run(LeakyReLUActivation.self)
  case .elu: return run(ELUActivation.self)
  case .selu: return run(SELUActivation.self)
  case .gelu: return run(GELUActivation.self)
  case .geluTanh: return run(GELUTanhActivation.self)
  case .silu: return run(SiLUActivation.self)
  case .softplus: return run(SoftplusActivation.self)
  case .softsign: return run(SoftsignActivation.self)
  case .hardTanh: return run(HardTanhActivation.self)
  case .identity: return run(IdentityActivation.self)
  }
}

/// Statistics gathered by the forward sweep, a group of finished rows at a time.
protocol ForwardStatistics {
  /// False for the no-op collector: its calls compile away.
  static var isCollecting: Bool { get }
  /// Once the first row is computed and stored (it sets the shift of the sums).
  mutating func begin(firstRowZ: UnsafePointer<Float>, firstRowA: UnsafePointer<Float>, width: Int)
  /// `rows` finished consecutive rows of z, f(z) and f′(z), `width` entries each.
  mutating func addRows(z: UnsafePointer<Float>, a: UnsafePointer<Float>, d: UnsafePointer<Float>, rows: Int, width: Int)
}

/// Collects nothing (unlogged steps and evaluation).
struct NoForwardStatistics: ForwardStatistics {
  static var isCollecting: Bool { false }
  @inline(__always) mutating func begin(firstRowZ: UnsafePointer<Float>, firstRowA: UnsafePointer<Float>, width: Int) {}
  @inline(__always)
  mutating func addRows(z: UnsafePointer<Float>, a: UnsafePointer<Float>, d: UnsafePointer<Float>, rows: Int, width: Int) {}
}

@inline(__always)
private func activationForward<F: VectorActivation, S: ForwardStatistics>(
  _: F.Type, slope: Float, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>?, rows: Int, width: Int, keep: Bool,
  statistics: inout S
) -> Float {
  // The statistics read back groups of about 2048 entries (24 KiB of z, a and d) while
  // they are in L1, in a loop of their own: folded into the loop below, their six sums
  // did not fit the registers beside f's constants and spilled, which cost more than the
  // second read; a call per row cost more than the sums on narrow layers.
  let rowsPerGroup = max(1, 2048 / max(width, 1))
  var groupStart = 0
  let fullEnd = width & ~7
  let tail = reachBackLanes(width)
  var absSum = Vector8()
  for row in 0..<rows {
    let zRow = z + row * width
    let aRow = a + row * width
    let dRow = d.map { $0 + row * width }
    var j = 0
    while j < fullEnd {
      var zv = load8(zRow + j)
      if let bias { zv += load8(bias + j) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { store8(zv, zRow + j) }
      store8(av, aRow + j)
      if let dRow { store8(dv, dRow + j) }
      absSum += absolute(av)
      j += 8
    }
    if j < width && width >= 8 {
      // The last width mod 8 entries: one vector reaching back to end at the row's end.
      // Its first lanes were done by the loop (and z there may already hold z + b): they
      // are evaluated for nothing and keep their stored values.
      let start = width - 8
      let raw = load8(zRow + start)
      var zv = raw
      if let bias { zv += load8(bias + start) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { store8(raw.replacing(with: zv, where: tail), zRow + start) }
      store8(load8(aRow + start).replacing(with: av, where: tail), aRow + start)
      if let dRow { store8(load8(dRow + start).replacing(with: dv, where: tail), dRow + start) }
      absSum += absolute(av).replacing(with: 0, where: .!tail)
    } else if j < width {
      // A layer narrower than one vector.
      let n = width - j
      var zv = load8(zRow + j, count: n)
      if let bias { zv += load8(bias + j, count: n) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { store8(zv, zRow + j, count: n) }
      store8(av, aRow + j, count: n)
      if let dRow { store8(dv, dRow + j, count: n) }
      absSum += absolute(av).replacing(with: 0, where: .!laneMask(n))
    }
    if S.isCollecting, let d {
      if row == 0 { statistics.begin(firstRowZ: zRow, firstRowA: aRow, width: width) }
      if row + 1 - groupStart == rowsPerGroup || row == rows - 1 {
        let offset = groupStart * width
        statistics.addRows(z: z + offset, a: a + offset, d: d + offset, rows: row + 1 - groupStart, width: width)
        groupStart = row + 1
      }
    }
  }
  return laneSum(absSum)
}

/// Backward product: δ ← δ ⊙ f′(z) in place (δ holds ∂L/∂a on entry, ∂L/∂z on exit).
/// Returns Σ|δ| (+∞/NaN when any element is), for the overflow check.
func multiplyByDerivatives(
  _ delta: UnsafeMutablePointer<Float>, derivatives d: UnsafePointer<Float>, count: Int
) -> Float {
  var absSum = Vector8()
  var i = 0
  while i < count {
    let n = min(8, count - i)
    let v = load8(delta + i, count: n) * load8(d + i, count: n)
    store8(v, delta + i, count: n)
    absSum += absolute(v)
    i += 8
  }
  return laneSum(absSum)
}

/// PReLU's slope gradient before the product: ∂L/∂a_slope = Σ δ ⊙ min(z, 0) over the
/// batch (z including the bias), summed row by row in a fixed order.
func preluSlopeGradient(
  _ delta: UnsafePointer<Float>, preactivations z: UnsafePointer<Float>, count: Int
) -> Float {
  var sum = Vector8()
  var i = 0
  while i < count {
    let n = min(8, count - i)
    let zv = load8(z + i, count: n)
    sum += load8(delta + i, count: n) * zv.replacing(with: 0, where: zv .> 0)
    i += 8
  }
  return laneSum(sum)
}

/// z ← z + b on every row (the output layer's logits).
func addBias(_ z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, width: Int) {
  for row in 0..<rows {
    let zRow = z + row * width
    var j = 0
    while j < width {
      let n = min(8, width - j)
      store8(load8(zRow + j, count: n) + load8(bias + j, count: n), zRow + j, count: n)
      j += 8
    }
  }
}

/// g[j] = Σ_rows δ[row, j] (the bias gradient), rows added in order.
func columnSums(_ delta: UnsafePointer<Float>, rows: Int, width: Int, into g: UnsafeMutablePointer<Float>) {
  var j = 0
  while j < width {
    let n = min(8, width - j)
    var sum = Vector8()
    for row in 0..<rows { sum += load8(delta + row * width + j, count: n) }
    store8(sum, g + j, count: n)
    j += 8
  }
}

/// Σ|x| over `count` floats (+∞/NaN when any element is).
func absoluteSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var sum = Vector8()
  var i = 0
  while i < count {
    let n = min(8, count - i)
    sum += absolute(load8(x + i, count: n))
    i += 8
  }
  return laneSum(sum)
}
