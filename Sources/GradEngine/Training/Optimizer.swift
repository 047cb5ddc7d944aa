/// The parameter-update rules, applied tensor by tensor in Float32 with a fixed
/// operation order (bitwise reproducible). With g the gradient after clipping, η the
/// learning rate of this update (the schedule's η_t), λ the weight decay (weights only: g′ = g + λw; biases and PReLU
/// slopes, normalisation scales and shifts: g′ = g), t the number of this update (1, 2, …):
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
  /// η of the next update: `spec.learningRate` unless a schedule sets it (before
  /// `beginUpdate()`; see `LearningRateSchedule`).
  var learningRate: Double
  /// Updates begun so far (t of the current update).
  private(set) var updateCount = 0
  /// β₁ᵗ and β₂ᵗ, kept by repeated multiplication (no libm `pow`: the same bits everywhere).
  private var beta1Power = 1.0
  private var beta2Power = 1.0

  init(_ spec: OptimizerSpec) {
    self.spec = spec
    learningRate = spec.learningRate
  }

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
    let beta = decays ? Float(1 - learningRate * spec.weightDecay) : 1
    return (-Float(learningRate), beta)
  }

  /// What a measured update saw: ‖w‖² before and ‖Δw‖² (the update-to-weight ratio),
  /// and Σg², Σ|g| of the gradient before clipping (the gradient statistics, read in the
  /// same pass). A block of 256 entries whose Float sum overflows (entries beyond
  /// ~10¹⁸) makes its total +∞.
  struct Measure {
    var valueSquaredNorm = 0.0
    var changeSquaredNorm = 0.0
    var gradientSquares = 0.0
    var gradientAbsoluteSum = 0.0
  }

  /// Applies one update to `parameter` along its gradient multiplied by `gradientScale`
  /// (the clipping factor, 1 when not clipping).
  ///
  /// - Parameter measuring: also return the `Measure` (a little more arithmetic on the
  ///   data the update reads anyway; only at logged steps).
  @discardableResult
  func update(_ parameter: Parameter, along gradientScale: Float, measuring: Bool) -> Measure {
    update(parameter, along: gradientScale, measuring: measuring, region: UpdateRegion(parameter))
  }

  /// The entries one update call covers: `offset ..< offset + count` of the parameter,
  /// with their gradient read from `gradient` (entry `offset` first). The whole
  /// parameter reads its own gradient buffer.
  struct UpdateRegion {
    var offset: Int
    var count: Int
    var gradient: UnsafePointer<Float>

    init(offset: Int, count: Int, gradient: UnsafePointer<Float>) {
      self.offset = offset
      self.count = count
      self.gradient = gradient
    }

    init(_ parameter: Parameter) {
      self.init(offset: 0, count: parameter.count, gradient: UnsafePointer(parameter.gradient.pointer))
    }
  }

  /// `update(_:along:measuring:)` on a region of the parameter. Every entry gets the same
  /// arithmetic as in a whole-parameter update, so the same bits; a caller that updates a
  /// parameter region by region adds up the measures (grouped by region).
  @discardableResult
  func update(_ parameter: Parameter, along gradientScale: Float, measuring: Bool, region: UpdateRegion) -> Measure {
    let w = parameter.value.pointer
    let (base, g, count) = (region.offset, region.gradient, region.count)
    let eta = Float(learningRate)
    let decay: Float = parameter.decays ? Float(spec.weightDecay) : 0
    switch spec.kind {
    case .sgd:
      let (alpha, beta) = sgdCoefficients(decays: parameter.decays)
      return sweep(SGDRule(alpha: alpha, beta: beta, scale: gradientScale), w, base: base, g, count, measuring)
    case .momentum, .nesterov:
      let rule = MomentumRule(
        velocity: parameter.firstMoment!.pointer, mu: Float(spec.momentum), eta: eta, decay: decay,
        scale: gradientScale, nesterov: spec.kind == .nesterov)
      return sweep(rule, w, base: base, g, count, measuring)
    case .adam:
      precondition(updateCount > 0, "beginUpdate() must precede an Adam update")
      let rule = AdamRule(
        m: parameter.firstMoment!.pointer, v: parameter.secondMoment!.pointer,
        beta1: Float(spec.beta1), beta2: Float(spec.beta2),
        stepSize: Float(learningRate / (1 - beta1Power)),
        inverseRootCorrection: Float(1 / (1 - beta2Power).squareRoot()),
        epsilon: Float(spec.epsilon), decay: decay, scale: gradientScale)
      return sweep(rule, w, base: base, g, count, measuring)
    case .rmsprop:
      let rule = RMSPropRule(
        v: parameter.secondMoment!.pointer, rho: Float(spec.beta2), eta: eta,
        epsilon: Float(spec.epsilon), decay: decay, scale: gradientScale)
      return sweep(rule, w, base: base, g, count, measuring)
    }
  }
}

/// One rule's arithmetic on 8 entries at offset i: returns the new weights, updating its
/// own state (v, m) in place.
private protocol UpdateRule {
  func apply(_ i: Int, _ lanes: Int, old: Vector8, gradient: Vector8) -> Vector8
}

private struct SGDRule: UpdateRule {
  let alpha: Float, beta: Float, scale: Float
  @inline(__always)
  func apply(_ i: Int, _ lanes: Int, old: Vector8, gradient: Vector8) -> Vector8 {
    alpha * (gradient * scale) + beta * old
  }
}

private struct MomentumRule: UpdateRule {
  let velocity: UnsafeMutablePointer<Float>
  let mu: Float, eta: Float, decay: Float, scale: Float, nesterov: Bool
  @inline(__always)
  func apply(_ i: Int, _ lanes: Int, old: Vector8, gradient raw: Vector8) -> Vector8 {
    let gradient = raw * scale + decay * old
    let v = mu * load8(velocity + i, count: lanes) + gradient
    store8(v, velocity + i, count: lanes)
    return old - eta * (nesterov ? gradient + mu * v : v)
  }
}

private struct AdamRule: UpdateRule {
  let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
  let beta1: Float, beta2: Float, stepSize: Float, inverseRootCorrection: Float
  let epsilon: Float, decay: Float, scale: Float
  @inline(__always)
  func apply(_ i: Int, _ lanes: Int, old: Vector8, gradient raw: Vector8) -> Vector8 {
    let gradient = raw * scale + decay * old
    let first = beta1 * load8(m + i, count: lanes) + (1 - beta1) * gradient
    let second = beta2 * load8(v + i, count: lanes) + (1 - beta2) * (gradient * gradient)
    store8(first, m + i, count: lanes)
    store8(second, v + i, count: lanes)
    return old - stepSize * first / (second.squareRoot() * inverseRootCorrection + epsilon)
  }
}

private struct RMSPropRule: UpdateRule {
  let v: UnsafeMutablePointer<Float>
  let rho: Float, eta: Float, epsilon: Float, decay: Float, scale: Float
  @inline(__always)
  func apply(_ i: Int, _ lanes: Int, old: Vector8, gradient raw: Vector8) -> Vector8 {
    let gradient = raw * scale + decay * old
    let second = rho * load8(v + i, count: lanes) + (1 - rho) * (gradient * gradient)
    store8(second, v + i, count: lanes)
    return old - eta * gradient / (second.squareRoot() + epsilon)
  }
}

/// Applies `rule` to entries `base ..< base + count` of `w` with their gradient in `g`,
/// 8 at a time (the tail through the same vector code), accumulating the `Measure` when
/// asked: Float lanes over blocks of 256 entries, each block's sums added into Doubles
/// (so long tensors lose nothing).
@inline(__always)
private func sweep<Rule: UpdateRule>(
  _ rule: Rule, _ weights: UnsafeMutablePointer<Float>, base: Int, _ g: UnsafePointer<Float>, _ count: Int,
  _ measuring: Bool
) -> Optimizer.Measure {
  // `i` counts within the region; the rule's own state (v, m) is indexed like the weights.
  let w = weights + base
  var i = 0
  guard measuring else {
    while i < count {
      let lanes = min(8, count - i)
      let new = rule.apply(base + i, lanes, old: load8(w + i, count: lanes), gradient: load8(g + i, count: lanes))
      store8(new, w + i, count: lanes)
      i += 8
    }
    return Optimizer.Measure()
  }
  var measure = Optimizer.Measure()
  let fullChunks = count / 8 * 8
  while i < fullChunks {
    let blockEnd = min(i + 256, fullChunks)
    var old = Vector8(), change = Vector8(), squares = Vector8(), magnitudes = Vector8()
    while i < blockEnd {
      let w0 = load8(w + i)
      let gradient = load8(g + i)
      let new = rule.apply(base + i, 8, old: w0, gradient: gradient)
      store8(new, w + i)
      let c = new - w0
      old = old.addingProduct(w0, w0)
      change = change.addingProduct(c, c)
      squares = squares.addingProduct(gradient, gradient)
      magnitudes += absolute(gradient)
      i += 8
    }
    measure.add(old, change, squares, magnitudes)
  }
  if i < count {
    let lanes = count - i
    let keep = laneMask(lanes)
    let w0 = load8(w + i, count: lanes)
    let gradient = load8(g + i, count: lanes)
    let new = rule.apply(base + i, lanes, old: w0, gradient: gradient)
    store8(new, w + i, count: lanes)
    let c = (new - w0).replacing(with: 0, where: .!keep)
    measure.add(w0 * w0, c * c, gradient * gradient, absolute(gradient))
  }
  return measure
}

extension Optimizer.Measure {
  static func += (total: inout Self, part: Self) {
    total.valueSquaredNorm += part.valueSquaredNorm
    total.changeSquaredNorm += part.changeSquaredNorm
    total.gradientSquares += part.gradientSquares
    total.gradientAbsoluteSum += part.gradientAbsoluteSum
  }

  /// Adds one block's Float lane sums.
  @inline(__always)
  fileprivate mutating func add(_ old: Vector8, _ change: Vector8, _ squares: Vector8, _ magnitudes: Vector8) {
    valueSquaredNorm += Double(laneSum(old))
    changeSquaredNorm += Double(laneSum(change))
    gradientSquares += Double(laneSum(squares))
    gradientAbsoluteSum += Double(laneSum(magnitudes))
  }
}
