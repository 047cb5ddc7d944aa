// A hidden layer's activation passes over a batch-major block (`rows × width`, row stride
// `width`): the forward sweep (bias, f, f′ and the statistics in one pass) and the
// backward product with f′ run in the kernel families (GradKernels8/Elementwise*.swift,
// 16-lane blocks, the same bits on every family; the facade's `multiplyByDerivatives`
// serves the backward pass as it is). The other row-wise passes below stay 8-lane here.

import GradKernels

extension ActivationKind {
  /// The kernels' name for this activation (PReLU is leaky ReLU with its learned slope).
  var elementwise: ElementwiseActivation {
    switch self {
    case .sigmoid: .sigmoid
    case .tanh: .tanh
    case .relu: .relu
    case .leakyReLU, .prelu: .leakyReLU
    case .elu: .elu
    case .selu: .selu
    case .gelu: .gelu
    case .geluTanh: .geluTanh
    case .silu: .silu
    case .softplus: .softplus
    case .softsign: .softsign
    case .hardTanh: .hardTanh
    case .identity: .identity
    }
  }
}

/// Forward pass: z ← z + b, a = f(z), d = f′(z), on the active kernel family
/// (`GradKernels.activationSweep`).
///
/// - Parameters:
///   - keepPreactivations: store z + b back into `z` (needed for statistics and PReLU's
///     slope gradient; skipped otherwise to save a store).
///   - derivatives: nil when no backward pass follows (evaluation).
///   - statistics: when given, the layer's statistics are accumulated in the same sweep
///     (fused, so a logged step reads nothing twice); requires `keepPreactivations`
///     and `derivatives`.
/// - Returns: Σ|a| (‖a‖₁ in Float, 16 partial sums in the kernels' canonical order): +∞
///   or NaN whenever any a is, used to rule out overflow.
@inline(__always)
func activationForward(
  _ kind: ActivationKind, slope: Float,
  preactivations z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  activations a: UnsafeMutablePointer<Float>, derivatives d: UnsafeMutablePointer<Float>?,
  rows: Int, width: Int, keepPreactivations: Bool,
  statistics: UnsafeMutablePointer<ActivationStatisticsAccumulator>? = nil
) -> Float {
  if let statistics {
    precondition(keepPreactivations && d != nil, "statistics need z and f′ stored")
    return activationSweep(
      kind.elementwise, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: true,
      statistics: &statistics.pointee.sums)
  }
  return activationSweep(
    kind.elementwise, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width,
    keep: keepPreactivations)
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
///
/// Four independent 8-lane accumulators over blocks of 32, then one over the rest: the
/// sums only bound the gradients (`weightGradientsAreBounded`, overflow near 3.4e38), so
/// their rounding order is free; four chains instead of one keep the adds from waiting
/// on each other (the input batch's sum was ~6 % of W1's step with one chain).
func absoluteSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var s0 = Vector8(), s1 = Vector8(), s2 = Vector8(), s3 = Vector8()
  var i = 0
  while i + 32 <= count {
    s0 += absolute(load8(x + i))
    s1 += absolute(load8(x + i + 8))
    s2 += absolute(load8(x + i + 16))
    s3 += absolute(load8(x + i + 24))
    i += 32
  }
  while i < count {
    s0 += absolute(load8(x + i, count: min(8, count - i)))
    i += 8
  }
  return laneSum((s0 + s1) + (s2 + s3))
}
