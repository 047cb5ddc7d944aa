#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finite-width fluctuations of a ReLU network with He initialisation, which the
/// infinite-width mean field misses (Hanin 2018, "Which neural net architectures give
/// rise to exploding and vanishing gradients?", NeurIPS; Hanin & Rolnick 2018, "How to
/// start training: the effect of initialization and architecture", NeurIPS, failure mode
/// FM2: the variance of the normalised activation length grows exponentially in
/// β = Σ_j 1/n_j, "avoided by keeping constant the sum of the reciprocals of layer
/// widths", so nets of equal β fluctuate alike whatever their depth).
///
/// For a fixed input x⁰ ≠ 0, hidden widths n₁ … n_d, x^j = ReLU(W^j x^(j−1)), W^j
/// i.i.d. **Gaussian** N(0, 2/n_(j−1)), no bias, let M_j = ‖x^j‖²/n_j (M₀ = ‖x⁰‖²/n₀).
/// Given x^(j−1) the n_j pre-activations are i.i.d. N(0, 2M_(j−1)), and for g ~ N(0, s²)
/// E[ReLU(g)²] = s²/2, E[ReLU(g)⁴] = 3s⁴/2, so
///
///     E[M_j | M_(j−1)] = M_(j−1),   E[M_j² | M_(j−1)] = (1 + 5/n_j)·M_(j−1)²
///
/// and, by the tower rule, exactly
///
///     E[M_d/M₀] = 1,   Var[M_d/M₀] = ∏_(j=1)^d (1 + 5/n_j) − 1 ≈ e^(5β) − 1,  β = Σ 1/n_j.
///
/// (The product form is derived here from these two conditional moments, for Gaussian
/// weights; Hanin & Rolnick prove the exponential growth in β for symmetric weight laws
/// in general, whose fourth moment changes the constant 5. Their theorem's exact
/// constants were not checked against the paper's text here. The approximation
/// e^(5β) needs n_j ≫ 5.)
package enum HaninLaw {
  /// Var[M_d/M₀] = ∏ (1 + 5/n_j) − 1 for Gaussian He weights and zero biases.
  ///
  /// Edge cases: no hidden layer gives 0; every width must be ≥ 1.
  package static func lengthVariance(widths: [Int]) -> Double {
    precondition(widths.allSatisfy { $0 >= 1 }, "widths are at least 1")
    return widths.reduce(1.0) { $0 * (1 + 5 / Double($1)) } - 1
  }

  /// β = Σ_j 1/n_j.
  package static func beta(widths: [Int]) -> Double { widths.reduce(0) { $0 + 1 / Double($1) } }

  /// The large-width form e^(5β) − 1 (an upper bound of the exact product).
  package static func approximateLengthVariance(beta: Double) -> Double { exp(5 * beta) - 1 }
}
