#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expectations over Gaussian pre-activations, the integrals ∫Dz of the mean-field
/// equations (Poole et al. 2016; Schoenholz et al. 2017),
/// where Dz = e^(−z²/2)/√(2π) dz.
///
/// Two methods, chosen per call:
/// - **Gauss–Hermite** (probabilists' weight, `hermiteNodes` nodes) when the integrand
///   is smooth (`kinks == nil`) and its scale σ ≤ `hermiteScaleLimit`: error below
///   1e-12 for every smooth activation on that range (tested against the panelled rule).
/// - **Panelled Gauss–Legendre** (16 nodes per panel) otherwise: panel edges at every
///   kink (where f or f′ jumps, e.g. ReLU's 0, hard_tanh's ±1), at μ + kσ for
///   k = −12…12 (the Gaussian's scale) and at u = j/2 for |u| ≤ 8 (the activations'
///   scale), over μ ± 12σ (the tail beyond holds 4·10⁻³³ of the mass). Each panel's
///   integrand is analytic, so the rule converges geometrically: ~1e-14 relative for
///   every activation here at any σ from 1e-6 to 1e3.
///
/// Edge cases: σ = 0 gives f(μ) (a point mass). NaN from f propagates.
package enum GaussianExpectation {
  /// Nodes of the Gauss–Hermite rule used for smooth integrands.
  package static let hermiteNodes = 96
  /// Largest σ at which a smooth integrand uses Gauss–Hermite: beyond it the integrand
  /// f(σz) varies on a scale much finer than the node spacing (tanh(σz) has poles at
  /// z = ±iπ/(2σ)), and the panelled rule takes over.
  package static let hermiteScaleLimit = 0.5

  static let hermite = QuadratureRule.gaussHermite(hermiteNodes)
  static let legendre = QuadratureRule.gaussLegendre(16)

  /// E[f(u)], u ~ N(μ, σ²). `kinks`: the points where f or f′ is discontinuous, nil
  /// for a smooth f (which may then use Gauss–Hermite).
  package static func expectation(
    mean μ: Double = 0, sd σ: Double, kinks: [Double]?, _ f: (Double) -> Double
  ) -> Double {
    if σ == 0 { return f(μ) }
    if kinks == nil && σ <= hermiteScaleLimit { return gaussHermite(mean: μ, sd: σ, f) }
    return panelled(mean: μ, sd: σ, kinks: kinks ?? [], f)
  }

  /// E[f(u)] by the Gauss–Hermite rule alone (any f; exact for polynomials of degree
  /// ≤ 191 in u).
  package static func gaussHermite(mean μ: Double = 0, sd σ: Double, _ f: (Double) -> Double) -> Double {
    var sum = 0.0
    for (z, w) in zip(hermite.nodes, hermite.weights) { sum += w * f(μ + σ * z) }
    return sum
  }

  /// E[f(u)] by panelled Gauss–Legendre alone, with panel edges as described above.
  package static func panelled(
    mean μ: Double = 0, sd σ: Double, kinks: [Double], _ f: (Double) -> Double
  ) -> Double {
    if σ == 0 { return f(μ) }
    let lower = μ - 12 * σ, upper = μ + 12 * σ
    var edges = (-12...12).map { μ + Double($0) * σ }
    for j in -16...16 {
      let u = Double(j) / 2
      if u > lower && u < upper { edges.append(u) }
    }
    for k in kinks where k > lower && k < upper { edges.append(k) }
    edges.sort()
    let normaliser = 1 / (σ * (2 * Double.pi).squareRoot())
    var sum = 0.0
    var a = edges[0]
    for b in edges.dropFirst() where b - a > 1e-13 * σ {
      let centre = (a + b) / 2, halfWidth = (b - a) / 2
      var panel = 0.0
      for (x, w) in zip(legendre.nodes, legendre.weights) {
        let u = centre + halfWidth * x
        let t = (u - μ) / σ
        panel += w * f(u) * exp(-0.5 * t * t)
      }
      sum += panel * halfWidth
      a = b
    }
    return sum * normaliser
  }

  /// E[f(u₁)·g(u₂)] for a centred Gaussian pair with Var u₁ = q₁, Var u₂ = q₂ and
  /// correlation c: u₁ = √q₁ z₁, u₂ = √q₂ (c z₁ + √(1 − c²) z₂) (Poole et al. 2016).
  ///
  /// Smooth f and g at scales ≤ `hermiteScaleLimit`: the tensor Gauss–Hermite rule.
  /// Otherwise an outer integral over u₁ of f(u₁)·E[g(u₂) | u₁], whose panel edges
  /// include f's kinks and the u₁ where the conditional mean √(q₂/q₁)·c·u₁ meets one of
  /// g's kinks, graded geometrically around it down to the conditional spread (so
  /// c → 1 stays accurate); the inner expectation uses `expectation`.
  ///
  /// Edge cases: c is clamped to [−1, 1]; q₁ = 0 or q₂ = 0 reduce to one dimension.
  package static func pair(
    q1: Double, q2: Double, correlation c: Double, f: (Double) -> Double, fKinks: [Double]?,
    g: (Double) -> Double, gKinks: [Double]?
  ) -> Double {
    let c = min(1, max(-1, c))
    let s1 = q1.squareRoot(), s2 = q2.squareRoot()
    let orthogonal = max(0, 1 - c * c).squareRoot()
    if s1 == 0 { return f(0) * expectation(sd: s2, kinks: gKinks, g) }
    if s2 == 0 { return g(0) * expectation(sd: s1, kinks: fKinks, f) }
    if fKinks == nil && gKinks == nil && max(s1, s2) <= hermiteScaleLimit {
      var sum = 0.0
      for (z1, w1) in zip(hermite.nodes, hermite.weights) {
        let fu = f(s1 * z1)
        var inner = 0.0
        for (z2, w2) in zip(hermite.nodes, hermite.weights) { inner += w2 * g(s2 * (c * z1 + orthogonal * z2)) }
        sum += w1 * fu * inner
      }
      return sum
    }
    let slope = s2 * c / s1  // E[u₂ | u₁] = slope·u₁
    let spread = s2 * orthogonal  // sd of u₂ given u₁
    var outerKinks = fKinks ?? []
    if slope != 0 {
      // Where the conditional mean crosses a kink of g, E[g | u₁] turns over a width
      // spread/|slope| (tiny as c → 1): grade the panels geometrically down to it.
      let width = spread / abs(slope)
      for kink in gKinks ?? [] {
        let centre = kink / slope
        outerKinks.append(centre)
        var offset = width
        while offset < s1 && width > 0 {
          outerKinks += [centre - offset, centre + offset]
          offset *= 2
        }
      }
    }
    return panelled(sd: s1, kinks: outerKinks) { u1 in
      let fu = f(u1)
      if fu == 0 { return 0 }
      return fu * expectation(mean: slope * u1, sd: spread, kinks: gKinks, g)
    }
  }
}
