/// The parameter-update rules, applied tensor by tensor in Float32 with a fixed
/// operation order (bitwise reproducible). With g the gradient after clipping, η the
/// learning rate, λ the weight decay (weights only: g′ = g + λw; biases and PReLU
/// slopes: g′ = g), t the number of this update (1, 2, …):
///
/// - `sgd`:      w ← (1 − ηλ)·w − η·g  (= w − η·g′; evaluated as `(−η)·g + (1 − ηλ)·w`,
///                the same expression `sgemm` evaluates when the update is fused into the
///                gradient product, so fused and separate updates give the same bits)
/// - `momentum`: v ← μ·v + g′;  w ← w − η·v          (PyTorch's form)
/// - `nesterov`: v ← μ·v + g′;  w ← w − η·(g′ + μ·v)  (PyTorch's form)
/// - `adam`:     m ← β₁m + (1 − β₁)g′;  v ← β₂v + (1 − β₂)g′²;
///               w ← w − (η/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)   (L2 decay, not AdamW)
/// - `rmsprop`:  v ← ρv + (1 − ρ)g′²;  w ← w − η·g′/(√v + ε),  ρ = `beta2`
///
/// State (v, m) starts at zero. Clipping by global norm happens before, in the caller:
/// if ‖g‖ > c every gradient is multiplied by c/‖g‖ (the raw loss gradients; the decay
/// term is added after clipping, as with `torch.nn.utils.clip_grad_norm_`).
struct Optimizer {
  let spec: OptimizerSpec
  /// Updates begun so far (t of the current update).
  private(set) var updateCount = 0
  /// β₁ᵗ and β₂ᵗ, kept by repeated multiplication (no libm `pow`: the same bits everywhere).
  private var beta1Power = 1.0
  private var beta2Power = 1.0

  init(_ spec: OptimizerSpec) { self.spec = spec }

  /// Allocates the state a parameter needs under this rule.
  func prepare(_ parameter: Parameter) {
    switch spec.kind {
    case .sgd: break
    case .momentum, .nesterov:
      parameter.firstMoment = FloatBuffer(count: parameter.count)
    case .adam:
      parameter.firstMoment = FloatBuffer(count: parameter.count)
      parameter.secondMoment = FloatBuffer(count: parameter.count)
    case .rmsprop:
      parameter.secondMoment = FloatBuffer(count: parameter.count)
    }
  }

  /// Starts update t + 1 (Adam's bias corrections depend on it).
  mutating func beginUpdate() {
    updateCount += 1
    beta1Power *= spec.beta1
    beta2Power *= spec.beta2
  }

  /// The SGD update as `sgemm` coefficients: w ← α·g + β·w (used when fusing).
  func sgdCoefficients(decays: Bool) -> (alpha: Float, beta: Float) {
    let beta = decays ? Float(1 - spec.learningRate * spec.weightDecay) : 1
    return (-Float(spec.learningRate), beta)
  }

  /// ‖w‖² before and ‖Δw‖² of one update, for the update-to-weight ratio.
  struct Measure {
    var valueSquaredNorm = 0.0
    var changeSquaredNorm = 0.0
  }

  /// Applies one update to `parameter` along its gradient multiplied by `gradientScale`
  /// (the clipping factor, 1 when not clipping).
  ///
  /// - Parameter measuring: also return ‖w‖² and ‖Δw‖² (costs one more pass of arithmetic
  ///   on the same data, only at logged steps).
  @discardableResult
  func update(_ parameter: Parameter, along gradientScale: Float, measuring: Bool) -> Measure {
    let w = parameter.value.pointer
    let g = parameter.gradient.pointer
    let count = parameter.count
    let eta = Float(spec.learningRate)
    let decay: Float = parameter.decays ? Float(spec.weightDecay) : 0
    var measure = MeasureAccumulator()
    switch spec.kind {
    case .sgd:
      let (alpha, beta) = sgdCoefficients(decays: parameter.decays)
      forEachChunk(count) { i, n in
        let old = load8(w + i, count: n)
        let new = alpha * (load8(g + i, count: n) * gradientScale) + beta * old
        store8(new, w + i, count: n)
        if measuring { measure.add(old: old, new: new, lanes: n) }
      }
    case .momentum, .nesterov:
      let v = parameter.firstMoment!.pointer
      let mu = Float(spec.momentum)
      let nesterov = spec.kind == .nesterov
      forEachChunk(count) { i, n in
        let old = load8(w + i, count: n)
        let gradient = load8(g + i, count: n) * gradientScale + decay * old
        let velocity = mu * load8(v + i, count: n) + gradient
        store8(velocity, v + i, count: n)
        let direction = nesterov ? gradient + mu * velocity : velocity
        let new = old - eta * direction
        store8(new, w + i, count: n)
        if measuring { measure.add(old: old, new: new, lanes: n) }
      }
    case .adam:
      let m = parameter.firstMoment!.pointer
      let v = parameter.secondMoment!.pointer
      let beta1 = Float(spec.beta1), beta2 = Float(spec.beta2)
      precondition(updateCount > 0, "beginUpdate() must precede an Adam update")
      let stepSize = Float(spec.learningRate / (1 - beta1Power))
      let inverseRootCorrection = Float(1 / (1 - beta2Power).squareRoot())
      let epsilon = Float(spec.epsilon)
      forEachChunk(count) { i, n in
        let old = load8(w + i, count: n)
        let gradient = load8(g + i, count: n) * gradientScale + decay * old
        let first = beta1 * load8(m + i, count: n) + (1 - beta1) * gradient
        let second = beta2 * load8(v + i, count: n) + (1 - beta2) * (gradient * gradient)
        store8(first, m + i, count: n)
        store8(second, v + i, count: n)
        let new = old - stepSize * first / (second.squareRoot() * inverseRootCorrection + epsilon)
        store8(new, w + i, count: n)
        if measuring { measure.add(old: old, new: new, lanes: n) }
      }
    case .rmsprop:
      let v = parameter.secondMoment!.pointer
      let rho = Float(spec.beta2)
      let epsilon = Float(spec.epsilon)
      forEachChunk(count) { i, n in
        let old = load8(w + i, count: n)
        let gradient = load8(g + i, count: n) * gradientScale + decay * old
        let second = rho * load8(v + i, count: n) + (1 - rho) * (gradient * gradient)
        store8(second, v + i, count: n)
        let new = old - eta * gradient / (second.squareRoot() + epsilon)
        store8(new, w + i, count: n)
        if measuring { measure.add(old: old, new: new, lanes: n) }
      }
    }
    return measure.result
  }
}

/// Runs `body(offset, lanes)` over `count` elements in chunks of 8 (the last may be shorter).
@inline(__always)
func forEachChunk(_ count: Int, _ body: (Int, Int) -> Void) {
  var i = 0
  while i < count {
    body(i, min(8, count - i))
    i += 8
  }
}

private struct MeasureAccumulator {
  var oldLow = SIMD4<Double>(), oldHigh = SIMD4<Double>()
  var changeLow = SIMD4<Double>(), changeHigh = SIMD4<Double>()

  @inline(__always)
  mutating func add(old: Vector8, new: Vector8, lanes: Int) {
    // Lanes past the end of the tensor hold no element.
    let keep = laneMask(lanes)
    let o = old.replacing(with: 0, where: .!keep)
    let c = (new - old).replacing(with: 0, where: .!keep)
    accumulateSquares(o, into: &oldLow, &oldHigh)
    accumulateSquares(c, into: &changeLow, &changeHigh)
  }

  var result: Optimizer.Measure {
    Optimizer.Measure(
      valueSquaredNorm: laneSum(oldLow) + laneSum(oldHigh),
      changeSquaredNorm: laneSum(changeLow) + laneSum(changeHigh))
  }
}
