#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saxe, McClelland & Ganguli 2014 ("Exact solutions to the nonlinear dynamics of learning
/// in deep linear neural networks", ICLR; arXiv:1312.6120, Section 2): a two-layer linear
/// net y = W³²W²¹x trained by gradient flow on whitened inputs (Σ¹¹ = I) against a linear
/// teacher whose input–output correlation Σ³¹ = Σ_α s_α u_α v_αᵀ. From a decoupled start
/// (each mode α carried by one hidden unit, layers balanced a = b), the strength
/// u = a·b of mode α obeys
///
///     τ du/dt = 2u(s − u)
///
/// with the exact sigmoidal solution
///
///     u(t) = s·e^(2st/τ) / (e^(2st/τ) − 1 + s/u₀)
///
/// and the time to grow from u₀ to u_f
///
///     t = (τ / 2s) · ln[ u_f (s − u₀) / (u₀ (s − u_f)) ]   ≈ (τ/2s)·ln(s/u₀) to half-learn,
///
/// so stronger modes are learned first, in a time ∝ 1/s (their eqs. for u_f(t) and t).
///
/// gradsweep's `mse` is the mean over examples **and** the K outputs of (ŷ − y)², with no
/// ½, so full-batch gradient descent at learning rate η moves each weight by
/// η·(2/K)·(the paper's gradient): one step is dt with τ = K/(2η) steps
/// (`timeConstant`). The loss with whitened inputs and noise-free targets is
/// (1/K)·Σ_α (s_α − u_α)² (`loss`).
///
/// Edge cases: u₀ must lie in (0, s) for the sigmoid (u₀ = 0 is a fixed point: a mode
/// with no initial strength is never learned); u₀ > s decays to s, which `strength`
/// also gives. Discrete steps follow the flow while η·s·(2/K) ≪ 1.
package enum SaxeLearning {
  /// u(t) = s·e^(2st/τ) / (e^(2st/τ) − 1 + s/u₀): the mode's strength after time t.
  ///
  /// Written as s / (1 + (s/u₀ − 1)·e^(−2st/τ)), which does not overflow at large t.
  package static func strength(time t: Double, singularValue s: Double, initial u0: Double, tau: Double) -> Double {
    precondition(s > 0 && u0 > 0 && tau > 0, "s, u₀ and τ are positive")
    return s / (1 + (s / u0 - 1) * exp(-2 * s * t / tau))
  }

  /// t = (τ/2s)·ln[u_f(s − u₀) / (u₀(s − u_f))]: the time for the strength to go from u₀
  /// to u_f. Both must lie strictly on the same side of s (0 < u₀, u_f < s to learn).
  package static func time(from u0: Double, to uf: Double, singularValue s: Double, tau: Double) -> Double {
    precondition(s > 0 && u0 > 0 && uf > 0 && tau > 0, "s, u₀, u_f and τ are positive")
    return tau / (2 * s) * log(uf * (s - u0) / (u0 * (s - uf)))
  }

  /// The time to reach the fraction f of s: u_f = f·s, t = (τ/2s)·ln[f(s − u₀) / (u₀(1 − f))].
  package static func time(toFraction f: Double, singularValue s: Double, initial u0: Double, tau: Double) -> Double {
    precondition(f > 0 && f < 1, "the fraction lies in (0, 1)")
    return time(from: u0, to: f * s, singularValue: s, tau: tau)
  }

  /// τ in steps for gradsweep's mean squared error (mean over K outputs, no ½) under
  /// full-batch gradient descent at learning rate η: τ = K/(2η).
  package static func timeConstant(learningRate eta: Double, outputs k: Int) -> Double {
    precondition(eta > 0 && k >= 1, "η > 0 and K ≥ 1")
    return Double(k) / (2 * eta)
  }

  /// The training loss at time t: (1/K)·Σ_α (s_α − u_α(t))², every mode starting at its
  /// own u₀ (whitened inputs, noise-free targets, decoupled modes).
  package static func loss(
    time t: Double, singularValues: [Double], initial u0: [Double], tau: Double, outputs k: Int
  ) -> Double {
    precondition(singularValues.count == u0.count, "one initial strength per mode")
    var sum = 0.0
    for (s, u) in zip(singularValues, u0) {
      let e = s - strength(time: t, singularValue: s, initial: u, tau: tau)
      sum += e * e
    }
    return sum / Double(k)
  }
}
