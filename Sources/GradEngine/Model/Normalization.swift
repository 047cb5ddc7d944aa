/// The normalisation of one hidden layer: learnable scale γ and shift β per unit, and for
/// batch norm the running statistics that evaluation uses.
///
/// Batch norm (over the batch, per unit j), with ε = 10⁻⁵:
///
///     training:   x̂ = (x − μ_B)/√(σ²_B + ε),  μ_B, σ²_B the batch mean and (biased) variance
///     evaluation: x̂ = (x − μ̄)/√(σ̄² + ε)
///     y = γ ⊙ x̂ + β
///
/// After every applied update, μ̄ ← (1 − m)μ̄ + m·μ_B and σ̄² ← (1 − m)σ̄² + m·σ²_B·N/(N − 1)
/// with momentum m = 0.1 and N the batch's rows (PyTorch's `BatchNorm1d` defaults: the
/// running variance is the unbiased one; μ̄ = 0, σ̄² = 1 initially). A batch of one row
/// (the remainder of an epoch) carries no variance and leaves them unchanged; its x̂ is 0.
///
/// Layer norm (over the units, per example), the same in training and evaluation:
/// x̂ = (x − μ_row)/√(σ²_row + ε), y = γ ⊙ x̂ + β.
final class Normalization {
  static let epsilon: Float = 1e-5
  static let momentum: Float = 0.1

  let kind: NormalizationKind
  let position: NormPosition
  let width: Int
  /// γ, initially 1; no weight decay.
  let scale: Parameter
  /// β, initially 0; no weight decay.
  let shift: Parameter
  /// Batch norm's μ̄ and σ̄² (nil for layer norm).
  let runningMean: FloatBuffer?
  let runningVariance: FloatBuffer?

  init(kind: NormalizationKind, position: NormPosition, width: Int) {
    precondition(kind != .none, "no normalisation object for 'none'")
    self.kind = kind
    self.position = position
    self.width = width
    scale = Parameter(count: width, decays: false)
    scale.value.fill(1)
    shift = Parameter(count: width, decays: false)
    if kind == .batch {
      runningMean = FloatBuffer(count: width)
      let variance = FloatBuffer(count: width)
      variance.fill(1)
      runningVariance = variance
    } else {
      runningMean = nil
      runningVariance = nil
    }
  }

  /// Folds a training batch's statistics into the running ones (batch norm only).
  func updateRunningStatistics(mean: UnsafePointer<Float>, variance: UnsafePointer<Float>, rows: Int) {
    guard let runningMean, let runningVariance, rows >= 2 else { return }
    let m = Self.momentum
    let unbiased = Float(rows) / Float(rows - 1)
    for j in 0..<width {
      runningMean.pointer[j] = (1 - m) * runningMean.pointer[j] + m * mean[j]
      runningVariance.pointer[j] = (1 - m) * runningVariance.pointer[j] + m * (variance[j] * unbiased)
    }
  }
}
