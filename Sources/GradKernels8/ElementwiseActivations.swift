// The hidden-layer activations, a block of 16 lanes at a time: each returns f(z) and
// f′(z) from one evaluation (they share their exponential), so the forward pass stores f′
// and the backward pass is a plain product. Formulas, derivatives and max |f′| are in
// the doc comments; `ActivationKind.maxAbsDerivative` (GradEngine) holds the maxima.
// Compiled in both kernel families (GradKernels16 links this file): each lane is the
// same chain of IEEE operations in either, so the families give the same bits.

/// An activation evaluated on a vector of pre-activations. `slope` is the negative-side
/// slope of leaky ReLU and PReLU and is ignored by the others.
protocol LaneActivation {
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block)
}

/// σ(z) = 1/(1 + e⁻ᶻ), σ′ = σ(1 − σ) (computed as e^−|z|/(1 + e^−|z|)², accurate in the
/// tails). max σ′ = σ′(0) = 1/4: each sigmoid layer shrinks a back-propagated gradient
/// by at least 4×, the vanishing gradient of the seed claim.
enum SigmoidActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    logisticLanes(z)
  }
}

/// tanh z, tanh′ = 1 − tanh² = sech². Computed from m = e^−2|z| − 1 (expm1, no
/// cancellation) as tanh|z| = −m/(2 + m), sech² z = 4e^−2|z|/(2 + m)², so both are
/// accurate to a few ulp including the tails. max tanh′ = tanh′(0) = 1.
enum TanhActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let (e, m) = expAndExpm1(-2 * absolute(z))
    let r = 1 / (2 + m)
    let magnitude = -m * r
    let value = magnitude.replacing(with: -magnitude, where: z .< 0)
    return (value, 4 * e * (r * r))
  }
}

/// max(z, 0); ReLU′ = 1 for z > 0, 0 for z ≤ 0 (the subgradient 0 at z = 0, as in
/// PyTorch). max |f′| = 1; a unit is saturated exactly when z ≤ 0.
enum ReLUActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let positive = z .> 0
    let value = z.replacing(with: 0, where: z .<= 0)  // NaN stays NaN
    return (value, Block(repeating: 0).replacing(with: 1, where: positive))
  }
}

/// z for z > 0, a·z otherwise (a = `slope`, default 0.01; PReLU learns a per layer).
/// f′ = 1 for z > 0, a for z ≤ 0. max |f′| = max(1, |a|).
enum LeakyReLUActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let negative = z .<= 0
    let value = z.replacing(with: slope * z, where: negative)
    return (value, Block(repeating: 1).replacing(with: slope, where: negative))
  }
}

/// ELU with α = 1: z for z > 0, eᶻ − 1 otherwise; f′ = 1 for z > 0, eᶻ = f(z) + 1
/// otherwise. max |f′| = 1 (the supremum, approached at z → 0⁻ and attained for z > 0).
enum ELUActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let negative = z .<= 0
    let (e, m) = expAndExpm1(z.replacing(with: 0, where: z .> 0))
    return (z.replacing(with: m, where: negative), Block(repeating: 1).replacing(with: e, where: negative))
  }
}

/// SELU (Klambauer et al. 2017): λz for z > 0, λα(eᶻ − 1) otherwise, with
/// λ = 1.0507009873554805, α = 1.6732632423543772. f′ = λ for z > 0, λαeᶻ otherwise.
/// max |f′| = λα ≈ 1.7581 (the supremum, at z → 0⁻).
enum SELUActivation: LaneActivation {
  static let lambda: Float = 1.050_700_987_355_480_5
  static let alpha: Float = 1.673_263_242_354_377_2
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let negative = z .<= 0
    let (e, m) = expAndExpm1(z.replacing(with: 0, where: z .> 0))
    let lambdaAlpha = lambda * alpha
    let value = (lambda * z).replacing(with: lambdaAlpha * m, where: negative)
    let derivative = Block(repeating: lambda).replacing(with: lambdaAlpha * e, where: negative)
    return (value, derivative)
  }
}

/// GELU, exact: z·Φ(z), Φ(z) = ½ erfc(−z/√2) (erfc to 1.2·10⁻⁷ relative);
/// f′ = Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π). f″ = φ(z)(2 − z²), so
/// max |f′| = f′(√2) = Φ(√2) + √2·φ(√2) ≈ 1.1289 (min f′ = f′(−√2) ≈ −0.1289;
/// f′ = 0 near z ≈ −0.75, where units count as saturated too).
enum GELUActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let cdf = 0.5 * erfcLanes(z * -Float(0.707_106_781_186_547_5))
    let pdf = expLanes(-0.5 * (z * z)) * Float(0.398_942_280_401_432_7)
    return (z * cdf, cdf + z * pdf)
  }
}

/// GELU, tanh approximation: ½z(1 + tanh u) = z·σ(2u), u = √(2/π)(z + 0.044715z³);
/// f′ = σ(2u) + z·σ′(2u)·2√(2/π)(1 + 0.134145z²). max |f′| ≈ 1.1290 at z ≈ 1.4185.
enum GELUTanhActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let c: Float = 0.797_884_560_802_865_4  // √(2/π)
    let z2 = z * z
    let u = c * (z + 0.044_715 * z2 * z)
    let (g, gPrime) = logisticLanes(2 * u)
    let du = 2 * c * (1 + 0.134_145 * z2)
    return (z * g, g + z * gPrime * du)
  }
}

/// SiLU / swish: z·σ(z); f′ = σ(z) + z·σ′(z) = σ(z)(1 + z(1 − σ(z))).
/// max |f′| ≈ 1.0998 at z ≈ 2.3994 (min f′ ≈ −0.0998 at z ≈ −2.3994).
enum SiLUActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let (s, sPrime) = logisticLanes(z)
    return (z * s, s + z * sPrime)
  }
}

/// softplus z = ln(1 + eᶻ), computed as max(z, 0) + ln(1 + e^−|z|) (no overflow);
/// f′ = σ(z). max |f′| = 1 (the supremum, as z → ∞).
enum SoftplusActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let e = expLanes(-absolute(z))
    let r = 1 / (1 + e)
    let positivePart = z.replacing(with: 0, where: z .< 0)
    return (positivePart + log1pUnitLanes(e), r.replacing(with: e * r, where: z .< 0))
  }
}

/// softsign z = z/(1 + |z|); f′ = 1/(1 + |z|)². max |f′| = f′(0) = 1. Its tails decay
/// polynomially, not exponentially: the point of Glorot & Bengio's comparison.
enum SoftsignActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    let r = 1 / (1 + absolute(z))
    return (z * r, r * r)
  }
}

/// hard_tanh z = clamp(z, −1, 1); f′ = 1 for |z| < 1, 0 otherwise (0 at ±1, as PyTorch).
/// max |f′| = 1.
enum HardTanhActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    var value = z.replacing(with: 1, where: z .> 1)
    value = value.replacing(with: -1, where: value .< -1)
    let inside = absolute(z) .< 1
    return (value, Block(repeating: 0).replacing(with: 1, where: inside))
  }
}

/// identity z; f′ = 1. max |f′| = 1, never saturated (a deep linear network).
enum IdentityActivation: LaneActivation {
  @inline(__always)
  static func evaluate(_ z: Block, slope: Float) -> (value: Block, derivative: Block) {
    (z, Block(repeating: 1))
  }
}
