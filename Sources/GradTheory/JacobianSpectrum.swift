/// How a layer's weight matrix is drawn, for the spectrum of the input–output Jacobian:
/// i.i.d. Gaussian entries, or a scaled random orthogonal matrix (same variance σ_w²/N).
package enum WeightEnsemble: Sendable, Hashable {
  case gaussian, orthogonal

  /// The first cumulant s₁ of the S-transform of WWᵀ/σ_w² (Pennington et al. 2017,
  /// Section 2.4): −1 for Gaussian (Marchenko–Pastur), 0 for orthogonal (all singular
  /// values equal).
  package var s1: Double { self == .gaussian ? -1 : 0 }
}

/// The first two moments of the spectrum of JJᵀ at initialisation, J = ∂x^L/∂x⁰ =
/// D^L W^L ⋯ D¹ W¹ (D^l = diag φ′(h^l)) for a square dense net (input and every hidden
/// layer of width N), in the large-N limit (Pennington, Schoenholz & Ganguli 2017,
/// "Resurrecting the sigmoid in deep learning through dynamical isometry", NeurIPS):
///
///     mean λ = ∏_l σ_w,l²·μ₁,l = σ_w,1²·∏_(l<L) χ_l·μ₁,L          (Section 2.2)
///     σ²_JJᵀ = var λ / (mean λ)² = Σ_l (μ₂,l/μ₁,l² − 1) − L·s₁    (Section 2.4, Table 1)
///
/// with μ_k,l = E[φ′(√q^l z)^(2k)] at the layer's pre-activation variance q^l (the length
/// map from q⁰, as `SignalProfile`), and s₁ = −1 (Gaussian weights) or 0 (orthogonal).
/// The variance formula holds because the factors are asymptotically free, so the
/// normalised second cumulants of a product add. Consequences: a linear net has σ² = L
/// with Gaussian weights (the Fuss–Catalan law of a product of L Ginibre matrices) and 0
/// with orthogonal ones (dynamical isometry); ReLU has μ₂/μ₁² = 2, so σ² = L (orthogonal)
/// or 2L (Gaussian) — never isometric; for tanh μ₂/μ₁² → 1 as q → 0, so orthogonal nets
/// at small q approach isometry while Gaussian ones keep the + L.
///
/// `relativeVariance` is gradsweep's `jacobian_eig_var_rel_init` (summary.csv) and
/// `meanEigenvalue` its `jacobian_eig_mean_init` for a square net. A first layer that
/// widens the input (N₁ > n₀) multiplies the mean of the n₀ non-zero eigenvalues by N₁/n₀
/// (docs/theory.md, "Which Jacobian"); that case is left to the caller.
///
/// Edge cases: L = 0 layers is refused (precondition); μ₁,l = 0 (a dead layer) gives mean 0
/// and an infinite or NaN relative variance, as the arithmetic says. At finite N the
/// measured σ² exceeds the limit by O(L/N) (one Gaussian layer: exactly 1 + 1/N).
package struct JacobianSpectrum: Sendable, Equatable {
  /// mean λ of JJᵀ's eigenvalues.
  package let meanEigenvalue: Double
  /// var λ / (mean λ)², Pennington et al.'s σ²_JJᵀ.
  package let relativeVariance: Double

  package init(
    activation: TheoryActivation, layers: [LayerVariances], inputMeanSquare q0: Double, weights: WeightEnsemble
  ) {
    let profile = SignalProfile(activation: activation, layers: layers, inputMeanSquare: q0)
    var mean = 1.0
    var variance = 0.0
    for (q, layer) in zip(profile.preactivationVariance, layers) {
      let mu1 = Self.derivativeMoment(activation, q: q, power: 2)
      let mu2 = Self.derivativeMoment(activation, q: q, power: 4)
      mean *= layer.weight * mu1
      variance += mu2 / (mu1 * mu1) - 1 - weights.s1
    }
    meanEigenvalue = mean
    relativeVariance = variance
  }

  /// E[φ′(√q z)^power], z ~ N(0, 1).
  static func derivativeMoment(_ activation: TheoryActivation, q: Double, power: Int) -> Double {
    GaussianExpectation.expectation(sd: q.squareRoot(), kinks: activation.kinks) { u in
      let d = activation.derivative(u)
      var product = 1.0
      for _ in 0..<power { product *= d }
      return product
    }
  }
}
