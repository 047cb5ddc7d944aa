#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the mean-field theory says about a deep stack of identical layers: the fixed
/// points, χ₁ and the depth scales (Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017,
/// "Deep Information Propagation").
package struct FixedPointSummary: Sendable, Equatable {
  /// q*, the fixed point of the length map reached from q⁰ (0 or `.infinity` possible).
  package var qStar: Double
  /// c*, the stable fixed point of the correlation map (1 in the ordered phase); nil
  /// when q* is 0 or infinite and φ is not piecewise linear.
  package var cStar: Double?
  /// χ₁ = σ_w²·E[φ′(√q* z)²]: < 1 ordered (gradients vanish), > 1 chaotic (explode).
  package var chi1: Double?
  /// ξ_q = −1/ln(σ_w²·E[φ′² + φφ″]) at q*: the depth over which lengths approach q*
  /// (|q^l − q*| ~ e^(−l/ξ_q)); `.infinity` when the slope is ≥ 1.
  package var xiQ: Double?
  /// ξ_c = −1/ln(σ_w²·E[φ′(u₁)φ′(u₂)]) at (q*, c*): the depth over which correlations
  /// approach c*, which diverges at χ₁ = 1 (the edge of chaos); networks train when
  /// depth ≲ 6ξ_c (Schoenholz et al. 2017). In the ordered phase it is −1/ln χ₁.
  package var xiC: Double?
}

extension MeanField {
  /// The fixed points, χ₁ and depth scales of this layer repeated, from input length q⁰.
  ///
  /// For a piecewise-linear φ (relu, leaky_relu, prelu, identity), χ₁ and the
  /// correlation map do not depend on q, so they are given even when q* is 0 or ∞ (the
  /// correlation map then taken with σ_b²/q → 0). Otherwise they are nil there.
  ///
  /// Edge cases: a depth scale is `.infinity` when its slope is ≥ 1 (critical or
  /// unstable) and 0 when the slope is 0 (e.g. c* where φ′ vanishes).
  package func fixedPoint(from q0: Double = 1) -> FixedPointSummary {
    let qStar = lengthFixedPoint(from: q0)
    var summary = FixedPointSummary(qStar: qStar)
    var field = self
    var q = qStar
    if !(qStar.isFinite && qStar > 0) {
      guard activation.homogeneousSlope != nil else {
        if qStar == 0 {
          // Bounded or smooth φ collapsing to 0: the maps linearise at q = 0.
          summary.chi1 = chi(0)
          summary.xiQ = Self.depthScale(slope: lengthMapSlope(0))
          summary.cStar = 1
          summary.xiC = summary.chi1.map { Self.depthScale(slope: $0) }
        }
        return summary
      }
      field.biasVariance = 0
      q = 1
    }
    let chi1 = field.chi(q)
    let cStar = field.correlationFixedPoint(q: q)
    summary.chi1 = chi1
    summary.cStar = cStar
    summary.xiQ = Self.depthScale(slope: field.lengthMapSlope(q))
    summary.xiC = Self.depthScale(slope: cStar >= 1 ? chi1 : field.correlationChi(cStar, q: q))
    return summary
  }

  /// ξ = −1/ln(slope): ∞ for slope ≥ 1 − 1e-10 (critical: the approach is then a power
  /// law, e.g. q^l ~ 1/l for tanh at σ_w² = 1, σ_b² = 0, and a finite value would be
  /// quadrature rounding), 0 for slope ≤ 0.
  static func depthScale(slope: Double) -> Double {
    if slope >= 1 - 1e-10 { return .infinity }
    if slope <= 0 { return 0 }
    return -1 / log(slope)
  }

  /// The critical σ_w² for `activation` at bias variance σ_b²: the root of χ₁(σ_w²) = 1,
  /// the order–chaos boundary (Schoenholz et al. 2017; Poole et al. 2016).
  /// For piecewise-linear φ it is 2/(1 + a²) whatever σ_b² (He et al. 2015's variance);
  /// otherwise χ₁ − 1 is bracketed by doubling σ_w² from 1/16 and bisected to 1e-12
  /// relative, each χ₁ at the q* reached from q⁰ = 1.
  ///
  /// Edge cases: nil when χ₁ never crosses 1 for σ_w² ≤ 10⁴, or when q* escapes to ∞
  /// (unbounded φ) before χ₁ reaches 1 (an infinite q* counts as the chaotic side). With σ_b² = 0 and an odd φ with
  /// φ′(0) = 1 (tanh, softsign) the root is exactly σ_w² = 1, where q* → 0.
  package static func criticalWeightVariance(_ activation: TheoryActivation, biasVariance: Double) -> Double? {
    if let a = activation.homogeneousSlope { return 2 / (1 + a * a) }
    /// χ₁ − 1 at the q* reached from 1; nil when q* is infinite (lengths explode).
    func excess(_ weightVariance: Double) -> Double? {
      let field = MeanField(activation, weightVariance: weightVariance, biasVariance: biasVariance)
      let qStar = field.lengthFixedPoint(from: 1)
      return qStar.isFinite ? field.chi(qStar) - 1 : nil
    }
    var lo = 1.0 / 16, hi = lo
    guard let first = excess(lo), first < 0 else { return nil }
    repeat {
      lo = hi
      hi *= 2
      if hi > 1e4 { return nil }
    } while (excess(hi) ?? 1) < 0
    // An infinite q* counts as chaotic; the root must then still have χ₁ = 1.
    let probe = MeanField(activation, weightVariance: 1, biasVariance: biasVariance)
    let root = probe.bisect(lo: lo, hi: hi, relative: 1e-12) { (excess($0) ?? 1) < 0 }
    guard let residual = excess(root), abs(residual) < 1e-6 else { return nil }
    return root
  }
}
