#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hidden activations gradsweep supports, by the same raw names as the engine's
/// `ActivationKind` (YAML, CSV and report spellings). Kept separate so that this module
/// depends on nothing; a test checks the two lists agree.
package enum TheoryActivationKind: String, CaseIterable, Sendable {
  case sigmoid, tanh, relu
  case leakyReLU = "leaky_relu"
  case elu, selu, gelu
  case geluTanh = "gelu_tanh"
  case silu, softplus, softsign
  case hardTanh = "hard_tanh"
  case identity, prelu
}

/// A hidden activation φ as a scalar Double function with its derivative φ′, the same
/// formulas as the engine's (Sources/GradEngine/Model/ActivationFunctions.swift), in
/// Double:
///
/// | name       | φ(z)                                   | φ′(z)                            |
/// |------------|----------------------------------------|----------------------------------|
/// | sigmoid    | 1/(1 + e⁻ᶻ)                            | σ(1 − σ)                         |
/// | tanh       | tanh z                                 | sech² z                          |
/// | relu       | max(z, 0)                              | 1 (z > 0), 0                     |
/// | leaky_relu | z (z > 0), a·z (a = slope, 0.01)       | 1, a                             |
/// | prelu      | as leaky_relu at its initial a = 0.25  | 1, a                             |
/// | elu        | z (z > 0), eᶻ − 1  (α = 1)             | 1, eᶻ                            |
/// | selu       | λz (z > 0), λα(eᶻ − 1)                 | λ, λαeᶻ                          |
/// | gelu       | z·Φ(z)                                 | Φ(z) + z·ϕ(z)                    |
/// | gelu_tanh  | z·σ(2u), u = √(2/π)(z + 0.044715z³)     | σ(2u) + z·σ′(2u)·2u′             |
/// | silu       | z·σ(z)                                 | σ(z)(1 + z(1 − σ(z)))            |
/// | softplus   | max(z, 0) + ln(1 + e^−\|z\|)            | σ(z)                             |
/// | softsign   | z/(1 + \|z\|)                           | 1/(1 + \|z\|)²                    |
/// | hard_tanh  | clamp(z, −1, 1)                        | 1 (\|z\| < 1), 0                  |
/// | identity   | z                                      | 1                                |
///
/// SELU's constants are Klambauer et al. 2017's (λ = 1.0507009873554805,
/// α = 1.6732632423543772). Derivatives at a kink take the engine's one-sided value
/// (z ≤ 0 uses the negative side). PReLU is its initial leaky ReLU: the theory
/// describes the network at initialisation, before the slope is learned.
package struct TheoryActivation: Sendable, Hashable {
  package let kind: TheoryActivationKind
  /// Negative-side slope a of leaky_relu and prelu (0 for the others).
  package let slope: Double

  /// `slope` nil means the engine's default: 0.01 for leaky_relu, 0.25 for prelu.
  package init(_ kind: TheoryActivationKind, slope: Double? = nil) {
    self.kind = kind
    switch kind {
    case .leakyReLU: self.slope = slope ?? 0.01
    case .prelu: self.slope = slope ?? 0.25
    default: self.slope = 0
    }
  }

  /// Parses an engine activation name; nil for an unknown one.
  package init?(name: String, slope: Double? = nil) {
    guard let kind = TheoryActivationKind(rawValue: name) else { return nil }
    self.init(kind, slope: slope)
  }

  package static let seluLambda = 1.050_700_987_355_480_493_419_334_985_294_6
  package static let seluAlpha = 1.673_263_242_354_377_284_817_042_991_671_7

  /// φ(z).
  package func value(_ z: Double) -> Double {
    switch kind {
    case .sigmoid: return Self.logistic(z)
    case .tanh: return tanh(z)
    case .relu: return z > 0 ? z : 0
    case .leakyReLU, .prelu: return z > 0 ? z : slope * z
    case .elu: return z > 0 ? z : expm1(z)
    case .selu: return z > 0 ? Self.seluLambda * z : Self.seluLambda * Self.seluAlpha * expm1(z)
    case .gelu: return z * Self.normalCDF(z)
    case .geluTanh: return z * Self.logistic(2 * Self.geluTanhArgument(z))
    case .silu: return z * Self.logistic(z)
    case .softplus: return max(z, 0) + log1p(exp(-abs(z)))
    case .softsign: return z / (1 + abs(z))
    case .hardTanh: return min(1, max(-1, z))
    case .identity: return z
    }
  }

  /// φ′(z).
  package func derivative(_ z: Double) -> Double {
    switch kind {
    case .sigmoid: return Self.logisticDerivative(z)
    case .tanh:
      let e = exp(-2 * abs(z))
      return 4 * e / ((1 + e) * (1 + e))
    case .relu: return z > 0 ? 1 : 0
    case .leakyReLU, .prelu: return z > 0 ? 1 : slope
    case .elu: return z > 0 ? 1 : exp(z)
    case .selu: return z > 0 ? Self.seluLambda : Self.seluLambda * Self.seluAlpha * exp(z)
    case .gelu: return Self.normalCDF(z) + z * exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
    case .geluTanh:
      let c = (2 / Double.pi).squareRoot()
      let u = Self.geluTanhArgument(z)
      return Self.logistic(2 * u) + z * Self.logisticDerivative(2 * u) * 2 * c * (1 + 0.134_145 * z * z)
    case .silu:
      let s = Self.logistic(z)
      return s * (1 + z * (1 - s))
    case .softplus: return Self.logistic(z)
    case .softsign: return 1 / ((1 + abs(z)) * (1 + abs(z)))
    case .hardTanh: return abs(z) < 1 ? 1 : 0
    case .identity: return 1
    }
  }

  /// The points where φ or φ′ jumps (where quadrature panels must break); nil when φ is
  /// analytic. ELU (α = 1) is C¹ at 0 but its φ″ jumps; softsign's |z| likewise.
  package var kinks: [Double]? {
    switch kind {
    case .relu, .leakyReLU, .prelu, .elu, .selu, .softsign: [0]
    case .hardTanh: [-1, 1]
    case .sigmoid, .tanh, .gelu, .geluTanh, .silu, .softplus, .identity: nil
    }
  }

  /// For a piecewise-linear φ through 0 (relu, leaky_relu, prelu, identity), its
  /// negative-side slope a, so φ(z) = z (z > 0), a·z (z ≤ 0); nil otherwise. These φ
  /// are positively homogeneous, φ(tz) = tφ(z) for t ≥ 0, and have closed forms.
  package var homogeneousSlope: Double? {
    switch kind {
    case .relu: 0
    case .leakyReLU, .prelu: slope
    case .identity: 1
    default: nil
    }
  }

  /// Whether φ is bounded (so the length map is bounded and q* finite).
  package var isBounded: Bool {
    switch kind {
    case .sigmoid, .tanh, .softsign, .hardTanh: true
    default: false
    }
  }

  static func logistic(_ z: Double) -> Double {
    if z >= 0 { return 1 / (1 + exp(-z)) }
    let e = exp(z)
    return e / (1 + e)
  }

  static func logisticDerivative(_ z: Double) -> Double {
    let e = exp(-abs(z))
    return e / ((1 + e) * (1 + e))
  }

  /// Φ(z) = ½ erfc(−z/√2).
  static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

  static func geluTanhArgument(_ z: Double) -> Double {
    (2 / Double.pi).squareRoot() * (z + 0.044_715 * z * z * z)
  }
}
