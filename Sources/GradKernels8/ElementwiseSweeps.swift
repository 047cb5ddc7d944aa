// The row sweeps of a hidden layer's activation over a batch-major block (`rows × width`,
// row stride `width`), a block of 16 lanes at a time: the forward sweep (bias, f, f′
// and, on logged steps, the statistics) and the backward product with f′. Compiled in
// both kernel families (GradKernels16 links this file); the facade (GradKernels) picks
// one per call. Dispatch on the activation happens once per call; the loops are
// specialised per activation.

import GradKernelsCore

/// Forward sweep: z ← z + b, a = f(z), d = f′(z), every row.
///
/// - Parameters:
///   - keep: store z + b back into `z` (needed for statistics and PReLU's slope
///     gradient; skipped otherwise to save a store).
///   - d: nil when no backward pass follows (evaluation).
///   - statistics: when given, the layer's sums are accumulated in the same sweep (see
///     `ActivationSums` for their canonical order); requires `keep` and `d`.
/// - Returns: Σ|a| in Float over 16 lanes in the canonical order (`ActivationSums`,
///   without the moves into Double): +∞ or NaN whenever any a is, the overflow bound.
package func activationSweep(
  _ kind: ElementwiseActivation, slope: Float, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>?, rows: Int, width: Int, keep: Bool,
  statistics: UnsafeMutablePointer<ActivationSums>?
) -> Float {
  func run<F: LaneActivation>(_ f: F.Type) -> Float {
    if let statistics {
      precondition(keep && d != nil, "statistics need z and f′ stored")
      return sweep(f, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: true, statistics: statistics)
    }
    return sweep(f, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: keep, statistics: nil)
  }
  switch kind {
  case .sigmoid: return run(SigmoidActivation.self)
  case .tanh: return run(TanhActivation.self)
  case .relu: return run(ReLUActivation.self)
  case .leakyReLU: return run(LeakyReLUActivation.self)
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

@inline(__always)
private func sweep<F: LaneActivation>(
  _: F.Type, slope: Float, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>?, rows: Int, width: Int, keep: Bool,
  statistics: UnsafeMutablePointer<ActivationSums>?
) -> Float {
  // The statistics read back groups of about 2048 entries (24 KiB of z, a and d) while
  // they are in L1, in a loop of their own: folded into the loop below, their six sums
  // did not fit the registers beside f's constants and spilled, which cost more than the
  // second read; a call per row cost more than the sums on narrow layers.
  let rowsPerGroup = max(1, 2048 / max(width, 1))
  var groupStart = 0
  let fullEnd = width & ~(blockWidth - 1)
  let tail = reachBackMask(width)
  var absSum = Block()
  for row in 0..<rows {
    let zRow = z + row * width
    let aRow = a + row * width
    let dRow = d.map { $0 + row * width }
    var j = 0
    while j < fullEnd {
      var zv = loadBlock(zRow + j)
      if let bias { zv += loadBlock(bias + j) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { storeBlock(zv, zRow + j) }
      storeBlock(av, aRow + j)
      if let dRow { storeBlock(dv, dRow + j) }
      absSum += absolute(av)
      j += blockWidth
    }
    if j < width && width >= blockWidth {
      // The last width mod 16 entries: one block reaching back to end at the row's end.
      // Its first lanes were done by the loop (and z there may already hold z + b): they
      // are evaluated for nothing and keep their stored values.
      let start = width - blockWidth
      let raw = loadBlock(zRow + start)
      var zv = raw
      if let bias { zv += loadBlock(bias + start) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { storeBlock(raw.replacing(with: zv, where: tail), zRow + start) }
      storeBlock(loadBlock(aRow + start).replacing(with: av, where: tail), aRow + start)
      if let dRow { storeBlock(loadBlock(dRow + start).replacing(with: dv, where: tail), dRow + start) }
      absSum += absolute(av).replacing(with: 0, where: .!tail)
    } else if j < width {
      // A layer narrower than one block.
      let n = width - j
      var zv = loadBlock(zRow + j, count: n)
      if let bias { zv += loadBlock(bias + j, count: n) }
      let (av, dv) = F.evaluate(zv, slope: slope)
      if keep { storeBlock(zv, zRow + j, count: n) }
      storeBlock(av, aRow + j, count: n)
      if let dRow { storeBlock(dv, dRow + j, count: n) }
      absSum += absolute(av).replacing(with: 0, where: .!leadingLanes(n))
    }
    if let statistics, let d {
      if row == 0 { setShifts(&statistics.pointee, firstRowZ: zRow, firstRowA: aRow, width: width) }
      if row + 1 - groupStart == rowsPerGroup || row == rows - 1 {
        let offset = groupStart * width
        addRows(
          &statistics.pointee, z: z + offset, a: a + offset, d: d + offset, rows: row + 1 - groupStart, width: width)
        groupStart = row + 1
      }
    }
  }
  return blockSum(absSum)
}

/// Backward product: δ ← δ ⊙ f′(z) in place (δ holds ∂L/∂a on entry, ∂L/∂z on exit).
/// Returns Σ|δ| in Float over 16 lanes (entry i in lane i mod 16, lanes reduced as in
/// `blockSum`): +∞/NaN when any element is, the overflow bound.
package func multiplyByDerivatives(
  _ delta: UnsafeMutablePointer<Float>, derivatives d: UnsafePointer<Float>, count: Int
) -> Float {
  var absSum = Block()
  var i = 0
  while i + blockWidth <= count {
    let v = loadBlock(delta + i) * loadBlock(d + i)
    storeBlock(v, delta + i)
    absSum += absolute(v)
    i += blockWidth
  }
  if i < count {
    let n = count - i
    let v = loadBlock(delta + i, count: n) * loadBlock(d + i, count: n)
    storeBlock(v, delta + i, count: n)
    absSum += absolute(v)
  }
  return blockSum(absSum)
}
