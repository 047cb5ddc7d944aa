#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mean-field maps of one layer of a wide dense network h = W·φ(h_prev) + b with
/// W_ij ~ N(0, σ_w²/fan_in) (any symmetric law with that variance) and b_i ~ N(0, σ_b²),
/// in the limit of infinite width (Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli 2016,
/// "Exponential expressivity in deep neural networks through transient chaos";
/// Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, "Deep Information Propagation").
/// q is the variance of one pre-activation unit (the mean of h_i² over units), c the
/// correlation between the pre-activations of two inputs; z, z₁, z₂ are independent
/// N(0, 1) and u₁ = √q₁ z₁, u₂ = √q₂ (c z₁ + √(1 − c²) z₂).
///
/// Closed forms replace quadrature for the piecewise-linear φ (`homogeneousSlope` a:
/// relu a = 0, leaky_relu/prelu, identity a = 1), from φ(u) = ((1 + a)/2)u + ((1 − a)/2)|u|
/// and the arc-cosine kernel (Cho & Saul 2009): with θ = arccos c,
///
///     E[φ(u)²]       = q(1 + a²)/2
///     E[φ(u₁)φ(u₂)]  = √(q₁q₂)·[((1 + a)/2)²·c + ((1 − a)/2)²·(2/π)(√(1 − c²) + c·arcsin c)]
///     E[φ′(u)²]      = (1 + a²)/2
///     E[φ′(u₁)φ′(u₂)] = (1 + a²)(π − θ)/(2π) + a·θ/π
///
/// Everything else uses `GaussianExpectation` (Gauss–Hermite, or panelled Gauss–Legendre
/// at kinks).
package struct MeanField: Sendable, Hashable {
  package var activation: TheoryActivation
  /// σ_w²: fan_in × Var W.
  package var weightVariance: Double
  /// σ_b²: Var b.
  package var biasVariance: Double

  package init(_ activation: TheoryActivation, weightVariance: Double, biasVariance: Double) {
    self.activation = activation
    self.weightVariance = weightVariance
    self.biasVariance = biasVariance
  }

  // MARK: Gaussian moments of φ

  /// E[φ(√q z)²].
  package func secondMoment(_ q: Double) -> Double {
    if let a = activation.homogeneousSlope { return q * (1 + a * a) / 2 }
    let phi = activation
    return GaussianExpectation.expectation(sd: q.squareRoot(), kinks: phi.kinks) { u in
      let v = phi.value(u)
      return v * v
    }
  }

  /// E[φ′(√q z)²].
  package func derivativeSecondMoment(_ q: Double) -> Double {
    if let a = activation.homogeneousSlope { return (1 + a * a) / 2 }
    let phi = activation
    return GaussianExpectation.expectation(sd: q.squareRoot(), kinks: phi.kinks) { u in
      let d = phi.derivative(u)
      return d * d
    }
  }

  /// E[φ(u₁)φ(u₂)].
  package func crossMoment(q1: Double, q2: Double, correlation c: Double) -> Double {
    let c = min(1, max(-1, c))
    if let a = activation.homogeneousSlope {
      let even = (1 + a) / 2, odd = (1 - a) / 2
      let kernel = (2 / Double.pi) * ((1 - c * c).squareRoot() + c * asin(c))
      return (q1 * q2).squareRoot() * (even * even * c + odd * odd * kernel)
    }
    let phi = activation
    return GaussianExpectation.pair(
      q1: q1, q2: q2, correlation: c, f: phi.value, fKinks: phi.kinks, g: phi.value, gKinks: phi.kinks)
  }

  /// E[φ′(u₁)φ′(u₂)].
  package func derivativeCrossMoment(q1: Double, q2: Double, correlation c: Double) -> Double {
    let c = min(1, max(-1, c))
    if let a = activation.homogeneousSlope {
      let theta = acos(c)
      return (1 + a * a) * (Double.pi - theta) / (2 * Double.pi) + a * theta / Double.pi
    }
    let phi = activation
    return GaussianExpectation.pair(
      q1: q1, q2: q2, correlation: c, f: phi.derivative, fKinks: phi.kinks, g: phi.derivative, gKinks: phi.kinks)
  }

  // MARK: The maps

  /// The length map (Poole et al. 2016): q^l = σ_w²·E[φ(√q^(l−1) z)²] + σ_b².
  ///
  /// Edge cases: q = 0 gives σ_w²φ(0)² + σ_b²; q = ∞ gives ∞ for unbounded φ.
  package func lengthMap(_ q: Double) -> Double {
    weightVariance * secondMoment(q) + biasVariance
  }

  /// dq^l/dq^(l−1) = σ_w²·E[φ′(u)² + φ(u)φ″(u)] at u = √q z (Schoenholz et al. 2017:
  /// the slope whose log gives ξ_q), computed by Stein's lemma as
  /// σ_w²·E[z·φ(√q z)φ′(√q z)]/√q, which needs no φ″ and so holds across SELU's jump
  /// of φ′ at 0.
  ///
  /// Edge cases: for q < 1e-12 the limit q → 0, σ_w²(φ′(0)² + φ(0)φ″(0)), is taken from
  /// q = 1e-12.
  package func lengthMapSlope(_ q: Double) -> Double {
    if let a = activation.homogeneousSlope { return weightVariance * (1 + a * a) / 2 }
    let q = max(q, 1e-12), s = q.squareRoot()
    let phi = activation
    let moment = GaussianExpectation.expectation(sd: s, kinks: phi.kinks) { u in
      (u / s) * phi.value(u) * phi.derivative(u)
    }
    return weightVariance * moment / s
  }

  /// χ(q) = σ_w²·E[φ′(√q z)²]: the factor by which one layer multiplies the expected
  /// **squared** norm of a back-propagated gradient whose forward pre-activations have
  /// variance q (Schoenholz et al. 2017, under the gradient-independence
  /// assumption). At q = q* it is χ₁ (their definition).
  package func chi(_ q: Double) -> Double { weightVariance * derivativeSecondMoment(q) }

  /// The covariance map: q₁₂^l = σ_w²·E[φ(u₁)φ(u₂)] + σ_b² for two inputs whose layer
  /// l − 1 pre-activations have variances q₁, q₂ and correlation c (Poole et al. 2016).
  package func covarianceMap(q1: Double, q2: Double, correlation c: Double) -> Double {
    weightVariance * crossMoment(q1: q1, q2: q2, correlation: c) + biasVariance
  }

  /// The correlation map for two inputs of equal length q (Poole et al. 2016):
  /// c^l = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q^l with q^l = `lengthMap(q)`; at q = q* this is
  /// Schoenholz et al.'s c-map, whose fixed points are c = 1 and, in the chaotic phase,
  /// c* < 1.
  ///
  /// Edge cases: c = 1 maps to 1; q^l = 0 (σ_b = 0, φ(0) = 0, q = 0) returns 1.
  package func correlationMap(_ c: Double, q: Double) -> Double {
    let next = lengthMap(q)
    guard next > 0 else { return 1 }
    return covarianceMap(q1: q, q2: q, correlation: c) / next
  }

  /// χ_c(c, q) = σ_w²·E[φ′(u₁)φ′(u₂)] at equal lengths q: the slope of the c-map at c
  /// (Schoenholz et al. 2017); at c = 1 it equals χ(q).
  package func correlationChi(_ c: Double, q: Double) -> Double {
    weightVariance * derivativeCrossMoment(q1: q, q2: q, correlation: c)
  }
}
