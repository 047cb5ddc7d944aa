#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The moments of ln(M_d/M₀) for a ReLU net with Gaussian He weights and no biases —
/// the log scale on which an initialisation ensemble's spread can be judged (Hanin &
/// Rolnick 2018, failure mode FM2; see `HaninLaw`). The plain variance ∏(1 + 5/n_j) − 1
/// of M_d/M₀ is a heavy-tailed product: its sample estimate over N nets has a relative
/// standard error of 60–220 % at β = Σ 1/n_j = 0.5 and N = 1,000, so a band around it
/// cannot fail; ln(M_d/M₀) is a sum of independent terms and its sample moments converge.
///
/// Given x^(j−1), layer j's pre-activations are i.i.d. N(0, 2M_(j−1)); K_j ~ Bin(n_j, ½)
/// of them are positive, and M_j/M_(j−1) = (2/n_j)·χ²_(K_j), independently across layers.
/// For K ≥ 1, ln χ²_K = ln 2 + ln Γ(K/2, 1), whose cumulants are κ₁ = ψ(K/2) + ln 2,
/// κ_m = ψ^(m−1)(K/2) (polygamma). So, conditioned on no layer being dead (K_j ≥ 1, the
/// runs a log-scale statistic keeps),
///
///     Y_j = ln(M_j/M_(j−1)):  E[Y_j | K] = ln(4/n_j) + ψ(K/2),  Var[Y_j | K] = ψ′(K/2),
///
/// mixed over K (law of total cumulance), and the layers' cumulants add:
/// E ln(M_d/M₀) = Σ_j E Y_j, Var ln(M_d/M₀) = Σ_j Var Y_j (≈ 5β for n_j ≫ 5: 4.33 for
/// 5 layers of 10, 2.76 for 20 of 40, 0.519 for 10 of 100).
///
/// Edge cases: no hidden layer gives zeros; every width must be ≥ 1. A dead layer
/// (probability 2^(−n_j)) makes M_d = 0, whose logarithm is −∞: it is excluded here as in
/// the report's `mean_of_log` / `variance_of_log`.
package struct LogLengthMoments: Sendable, Equatable {
  /// E ln(M_d/M₀).
  package var mean = 0.0
  /// Var ln(M_d/M₀).
  package var variance = 0.0
  /// The fourth cumulant κ₄ of ln(M_d/M₀) (for the sampling error of a variance).
  package var fourthCumulant = 0.0

  /// The standard error of the sample variance (divisor N − 1) of N independent draws:
  /// √((μ₄ − σ⁴(N − 3)/(N − 1))/N), μ₄ = κ₄ + 3σ⁴.
  package func varianceStandardError(samples: Int) -> Double {
    let n = Double(samples), s4 = variance * variance
    return ((fourthCumulant + 3 * s4 - s4 * (n - 3) / (n - 1)) / n).squareRoot()
  }

  /// The standard error of the sample mean of N draws: σ/√N.
  package func meanStandardError(samples: Int) -> Double { (variance / Double(samples)).squareRoot() }
}

extension HaninLaw {
  /// The moments of ln(M_d/M₀) over Gaussian He nets with hidden widths `widths`, given
  /// that no layer is dead. See `LogLengthMoments`.
  package static func logLength(widths: [Int]) -> LogLengthMoments {
    precondition(widths.allSatisfy { $0 >= 1 }, "widths are at least 1")
    var total = LogLengthMoments()
    for n in widths {
      let layer = logLayer(width: n)
      total.mean += layer.mean
      total.variance += layer.variance
      total.fourthCumulant += layer.fourthCumulant
    }
    return total
  }

  /// One layer: the Bin(n, ½) mixture (K ≥ 1) of ln((2/n)·χ²_K).
  static func logLayer(width n: Int) -> LogLengthMoments {
    // P(K) ∝ C(n, K) for K = 1 … n, in logs (no overflow at large n):
    // ln C(n, k) = ln C(n, k − 1) + ln((n − k + 1)/k).
    var weights: [Double] = []
    var logChoose = 0.0
    for k in 1...n {
      logChoose += log(Double(n - k + 1) / Double(k))
      weights.append(logChoose)
    }
    let largest = weights.max()!
    weights = weights.map { exp($0 - largest) }
    let norm = weights.reduce(0, +)
    let psi = HalfIntegerPolygamma(upTo: n)
    let shift = log(4 / Double(n))
    var mean = 0.0
    for k in 1...n { mean += weights[k - 1] / norm * (shift + psi.value(order: 0, twiceArgument: k)) }
    var c2 = 0.0, c4 = 0.0
    for k in 1...n {
      let p = weights[k - 1] / norm
      let d = shift + psi.value(order: 0, twiceArgument: k) - mean
      let k2 = psi.value(order: 1, twiceArgument: k)
      let k3 = psi.value(order: 2, twiceArgument: k)
      let k4 = psi.value(order: 3, twiceArgument: k)
      c2 += p * (k2 + d * d)
      let fourth: Double = k4 + 3 * k2 * k2 + 6 * k2 * d * d + 4 * k3 * d + d * d * d * d
      c4 += p * fourth
    }
    return LogLengthMoments(mean: mean, variance: c2, fourthCumulant: c4 - 3 * c2 * c2)
  }
}

/// ψ^(m)(K/2) for K = 1 … maxK and m = 0 … 3, from the values at ½ and 1
/// (ψ(1) = −γ, ψ(½) = −γ − 2 ln 2; ψ^(m)(1) = (−1)^(m+1) m! ζ(m+1),
/// ψ^(m)(½) = (2^(m+1) − 1)·ψ^(m)(1)) and the recurrence
/// ψ^(m)(x + 1) = ψ^(m)(x) + (−1)^m m!/x^(m+1) (Abramowitz & Stegun 6.3, 6.4).
struct HalfIntegerPolygamma {
  private var table: [[Double]]  // [order][K − 1]

  init(upTo maxK: Int) {
    let gamma = 0.57721566490153286061, zeta3 = 1.2020569031595942854
    let atOne = [-gamma, Double.pi * Double.pi / 6, -2 * zeta3, pow(Double.pi, 4) / 15]
    let atHalf = [-gamma - 2 * log(2.0), Double.pi * Double.pi / 2, -14 * zeta3, pow(Double.pi, 4)]
    let factorial = [1.0, 1, 2, 6]
    table = (0...3).map { m in
      var values = [Double](repeating: 0, count: maxK)
      for k in 1...maxK {
        if k <= 2 {
          values[k - 1] = k == 1 ? atHalf[m] : atOne[m]
        } else {
          let x = Double(k - 2) / 2  // ψ(k/2) = ψ(x + 1) with x = k/2 − 1
          let sign = m % 2 == 0 ? 1.0 : -1.0
          values[k - 1] = values[k - 3] + sign * factorial[m] / pow(x, Double(m + 1))
        }
      }
      return values
    }
  }

  /// ψ^(order)(K/2), K = `twiceArgument`.
  func value(order: Int, twiceArgument k: Int) -> Double { table[order][k - 1] }
}
