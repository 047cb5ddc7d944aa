#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Gaussian quadrature rules: Gauss–Hermite for the standard normal weight, and
// Gauss–Legendre on panels for integrands with kinks or a scale far from 1.

/// An n-point rule: ∫ f(x) w(x) dx ≈ Σᵢ weights[i]·f(nodes[i]).
package struct QuadratureRule: Sendable {
  package let nodes: [Double]
  package let weights: [Double]

  /// Gauss–Hermite for the **probabilists'** weight, the standard normal density
  /// w(z) = e^(−z²/2)/√(2π): Σᵢ wᵢ f(zᵢ) = E[f(z)], z ~ N(0, 1), exact for
  /// polynomials of degree ≤ 2n − 1.
  ///
  /// Computed from the physicists' rule (weight e^(−x²)) by Newton's method on the
  /// orthonormal Hermite recurrence (Press et al., Numerical Recipes, §4.6, `gauher`),
  /// then zᵢ = √2·xᵢ, wᵢ = w̃ᵢ/√π.
  ///
  /// Edge cases: n ≥ 1; the nodes are symmetric about 0 and sorted ascending; the
  /// weights sum to 1 to rounding. Stable up to a few hundred nodes.
  package static func gaussHermite(_ n: Int) -> QuadratureRule {
    precondition(n >= 1, "a rule needs at least one node")
    var x = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: n)
    let piToMinusQuarter = 0.751_125_544_464_942_5
    let half = (n + 1) / 2
    var z = 0.0
    for i in 0..<half {
      switch i {
      case 0: z = (Double(2 * n + 1)).squareRoot() - 1.855_75 * pow(Double(2 * n + 1), -1.0 / 6)
      case 1: z -= 1.14 * pow(Double(n), 0.426) / z
      case 2: z = 1.86 * z - 0.86 * x[0]
      case 3: z = 1.91 * z - 0.91 * x[1]
      default: z = 2 * z - x[i - 2]
      }
      var derivative = 0.0
      for _ in 0..<100 {
        var p1 = piToMinusQuarter, p2 = 0.0
        for j in 1...n {
          let p3 = p2
          p2 = p1
          p1 = z * (2.0 / Double(j)).squareRoot() * p2 - (Double(j - 1) / Double(j)).squareRoot() * p3
        }
        derivative = (2.0 * Double(n)).squareRoot() * p2
        let step = p1 / derivative
        z -= step
        if abs(step) <= 1e-15 * max(1, abs(z)) { break }
      }
      x[i] = z
      x[n - 1 - i] = -z
      w[i] = 2 / (derivative * derivative)
      w[n - 1 - i] = w[i]
    }
    let sqrtPi = Double.pi.squareRoot()
    let nodes = x.reversed().map { $0 * 2.0.squareRoot() }
    let weights = w.reversed().map { $0 / sqrtPi }
    return QuadratureRule(nodes: nodes, weights: weights)
  }

  /// Gauss–Legendre on [−1, 1] (weight 1), exact for polynomials of degree ≤ 2n − 1.
  /// Newton's method on the Legendre recurrence from the Chebyshev-like guesses
  /// cos(π(i + ¾)/(n + ½)) (Numerical Recipes §4.6, `gauleg`).
  package static func gaussLegendre(_ n: Int) -> QuadratureRule {
    precondition(n >= 1, "a rule needs at least one node")
    var x = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: n)
    for i in 0..<(n + 1) / 2 {
      var z = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        var p1 = 1.0, p2 = 0.0
        for j in 1...n {
          let p3 = p2
          p2 = p1
          p1 = ((2 * Double(j) - 1) * z * p2 - (Double(j) - 1) * p3) / Double(j)
        }
        derivative = Double(n) * (z * p1 - p2) / (z * z - 1)
        let step = p1 / derivative
        z -= step
        if abs(step) <= 1e-16 { break }
      }
      x[i] = -z
      x[n - 1 - i] = z
      w[i] = 2 / ((1 - z * z) * derivative * derivative)
      w[n - 1 - i] = w[i]
    }
    return QuadratureRule(nodes: x, weights: w)
  }
}
