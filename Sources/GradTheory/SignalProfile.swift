/// The variances of one dense layer's initial parameters: W ~ (σ_w²/fan_in) and
/// b ~ (σ_b²), any symmetric laws with these variances (mean field needs only them).
package struct LayerVariances: Sendable, Hashable {
  /// σ_w² = fan_in · Var W.
  package var weight: Double
  /// σ_b² = Var b (0 without biases).
  package var bias: Double

  package init(weight: Double, bias: Double) {
    self.weight = weight
    self.bias = bias
  }
}

/// The predicted per-layer profile at initialisation of a dense network
/// x⁰ → h¹ = W¹x⁰ + b¹ → h^l = W^l φ(h^(l−1)) + b^l (l = 2…L) → output, with the hidden
/// layers' own σ_w², σ_b² (they may differ per layer, e.g. Xavier on unequal widths).
///
/// **Forward** (Poole et al. 2016), the pre-activation variance of hidden layer l:
///
///     q¹ = σ_w,1²·q⁰ + σ_b,1²,   q⁰ = mean over inputs of ‖x⁰‖²/n₀  (the input is not passed through φ)
///     q^l = σ_w,l²·E[φ(√q^(l−1) z)²] + σ_b,l²,   l = 2…L
///
/// **Backward** (Schoenholz et al. 2017, gradient independence: the W of the backward
/// pass treated as independent of the forward one). With δ^l = ∂L/∂h^l (per example),
/// δ^l = φ′(h^l) ⊙ (W^(l+1))ᵀ δ^(l+1), so
///
///     E‖δ^l‖² = χ_l · E‖δ^(l+1)‖²,   χ_l = σ_w,l+1²·E[φ′(√q^l z)²]
///
/// the layer-by-layer χ(q^l) of this layer's forward variance and the **next** layer's
/// σ_w² (χ_l = χ₁ once q^l = q*). `gradientSquaredNorm[l − 1]` = E‖δ^l‖²/E‖δ^L‖² =
/// ∏_(k=l)^(L−1) χ_k, so the last hidden layer is 1 and only the hidden layers 2…L's
/// weights enter (the output layer's do not).
///
/// **The ratio gradsweep measures**: `grad_ratio_init` in summary.csv is grad_b_norm of
/// hidden layer 1 over grad_b_norm of hidden layer L at step 0 (SummaryBuilder), and
/// ∂L/∂b^l is δ^l summed over the batch. The prediction is the per-example norm ratio
///
///     predicted_grad_ratio_init = √(E‖δ¹‖²/E‖δ^L‖²) = √(∏_(l=1)^(L−1) χ_l)  ≈ χ₁^((L−1)/2) at q*.
///
/// It equals the batch-sum ratio when the examples' δ are uncorrelated (the cross terms
/// δ_n·δ_m scale by σ_w²·E[φ′(u₁)φ′(u₂)] ≤ χ instead) or perfectly correlated; in
/// between it is the per-example law, an approximation for the batch sum.
///
/// Edge cases: L = 1 gives an empty χ list and ratio 1; q^l may reach ∞ (unbounded φ
/// in the chaotic phase), after which the values are ∞ or NaN as the arithmetic says.
package struct SignalProfile: Sendable, Equatable {
  /// q¹ … q^L, the predicted pre-activation variance of each hidden layer.
  package let preactivationVariance: [Double]
  /// χ_1 … χ_(L−1): the factor of the squared gradient norm from layer l + 1 to l.
  package let chi: [Double]
  /// E‖δ^l‖²/E‖δ^L‖² for l = 1…L (the last is 1).
  package let gradientSquaredNorm: [Double]

  package init(activation: TheoryActivation, layers: [LayerVariances], inputMeanSquare q0: Double) {
    precondition(!layers.isEmpty, "a profile needs at least one hidden layer")
    var q: [Double] = [layers[0].weight * q0 + layers[0].bias]
    for layer in layers.dropFirst() {
      let field = MeanField(activation, weightVariance: layer.weight, biasVariance: layer.bias)
      q.append(field.lengthMap(q[q.count - 1]))
    }
    var chi: [Double] = []
    for l in 0..<(layers.count - 1) {
      let field = MeanField(activation, weightVariance: layers[l + 1].weight, biasVariance: layers[l + 1].bias)
      chi.append(field.chi(q[l]))
    }
    var squared = [Double](repeating: 1, count: layers.count)
    for l in stride(from: layers.count - 2, through: 0, by: -1) { squared[l] = squared[l + 1] * chi[l] }
    preactivationVariance = q
    self.chi = chi
    gradientSquaredNorm = squared
  }

  /// √(E‖δ¹‖²/E‖δ^L‖²): the predicted `grad_ratio_init` (see the type's comment).
  package var predictedGradientRatio: Double { gradientSquaredNorm[0].squareRoot() }

  /// c¹ … c^L for two inputs with the same mean square q⁰ and cosine c⁰ (Poole et al.
  /// 2016): c¹ = (σ_w,1²c⁰q⁰ + σ_b,1²)/q¹, then c^l = (σ_w,l²·E[φ(u₁)φ(u₂)] + σ_b,l²)/q^l
  /// at lengths q^(l−1) and correlation c^(l−1).
  ///
  /// Edge cases: a zero q^l gives correlation 1 (both inputs map to the same point).
  package static func correlations(
    activation: TheoryActivation, layers: [LayerVariances], inputMeanSquare q0: Double, inputCorrelation c0: Double
  ) -> [Double] {
    precondition(!layers.isEmpty, "a profile needs at least one hidden layer")
    var q = layers[0].weight * q0 + layers[0].bias
    var c = q > 0 ? (layers[0].weight * c0 * q0 + layers[0].bias) / q : 1
    var result = [c]
    for layer in layers.dropFirst() {
      let field = MeanField(activation, weightVariance: layer.weight, biasVariance: layer.bias)
      let next = field.lengthMap(q)
      c = next > 0 ? field.covarianceMap(q1: q, q2: q, correlation: c) / next : 1
      q = next
      result.append(c)
    }
    return result
  }
}
