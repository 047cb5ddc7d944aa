import Foundation
import Testing
@testable import GradTheory

/// Saxe et al.'s exact mode curves against a numerical integration of the two-layer
/// linear net's full matrix gradient flow.
@Suite struct LinearLearningCurveTests {
  typealias Matrix = [[Double]]

  static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    a.indices.map { i in b[0].indices.map { j in b.indices.reduce(0.0) { $0 + a[i][$1] * b[$1][j] } } }
  }
  static func transpose(_ a: Matrix) -> Matrix { a[0].indices.map { j in a.indices.map { a[$0][j] } } }
  static func add(_ a: Matrix, _ b: Matrix, _ scale: Double = 1) -> Matrix {
    a.indices.map { i in a[i].indices.map { a[i][$0] + scale * b[i][$0] } }
  }

  /// Rotations by θ in the (0, 1) and (1, 2) planes: a non-trivial orthogonal 3 × 3 basis.
  static func rotation(_ theta: Double) -> Matrix {
    let c = cos(theta), s = sin(theta)
    let r1: Matrix = [[c, -s, 0], [s, c, 0], [0, 0, 1]]
    let r2: Matrix = [[1, 0, 0], [0, c, -s], [0, s, c]]
    return product(r1, r2)
  }

  /// RK4 on τ dW²¹/dt = W³²ᵀ(Σ³¹ − W³²W²¹), τ dW³²/dt = (Σ³¹ − W³²W²¹)W²¹ᵀ (the paper's
  /// eq. 2 with Σ¹¹ = I), from the decoupled start W²¹ = diag(a₀)Vᵀ, W³² = U diag(a₀);
  /// returns each mode's strength u_α = u_αᵀ W³²W²¹ v_α at `time`.
  static func integrate(_ s: [Double], a0: Double, tau: Double, time: Double, steps: Int) -> [Double] {
    let u = rotation(0.7), v = rotation(-1.3)
    let sigma31 = product(product(u, s.indices.map { i in s.indices.map { i == $0 ? s[i] : 0 } }), transpose(v))
    let start = s.indices.map { i in s.indices.map { i == $0 ? a0 : 0 } }
    var w21 = product(start, transpose(v)), w32 = product(u, start)
    func derivative(_ w21: Matrix, _ w32: Matrix) -> (Matrix, Matrix) {
      let error = add(sigma31, product(w32, w21), -1)
      return (product(transpose(w32), error), product(error, transpose(w21)))
    }
    let h = time / Double(steps) / tau
    for _ in 0..<steps {
      let (k1a, k1b) = derivative(w21, w32)
      let (k2a, k2b) = derivative(add(w21, k1a, h / 2), add(w32, k1b, h / 2))
      let (k3a, k3b) = derivative(add(w21, k2a, h / 2), add(w32, k2b, h / 2))
      let (k4a, k4b) = derivative(add(w21, k3a, h), add(w32, k3b, h))
      w21 = add(w21, add(add(k1a, k4a), add(k2a, k3a), 2), h / 6)
      w32 = add(w32, add(add(k1b, k4b), add(k2b, k3b), 2), h / 6)
    }
    let map = product(transpose(u), product(product(w32, w21), v))
    return s.indices.map { map[$0][$0] }
  }

  @Test(arguments: [0.0, 1.5, 3.0, 6.0, 12.0])
  func strengthMatchesTheIntegratedFlow(time: Double) {
    let s = [3.0, 1.0, 0.5], a0 = 0.05, tau = 2.0
    let numeric = Self.integrate(s, a0: a0, tau: tau, time: time, steps: 4000)
    for (index, value) in s.enumerated() {
      let exact = SaxeLearning.strength(time: time, singularValue: value, initial: a0 * a0, tau: tau)
      #expect(abs(numeric[index] - exact) < 1e-6 * value, "s = \(value), t = \(time): \(numeric[index]) vs \(exact)")
    }
  }

  @Test func halfLearnedTimeInvertsTheCurveAndScalesAsOneOverS() {
    let tau = 4.0, u0 = 1e-3
    for s in [3.0, 2.0, 1.0, 0.5] {
      let t = SaxeLearning.time(toFraction: 0.5, singularValue: s, initial: u0, tau: tau)
      #expect(abs(SaxeLearning.strength(time: t, singularValue: s, initial: u0, tau: tau) - s / 2) < 1e-12)
      // (τ/2s)·ln((s − u₀)/u₀): s·t depends on s only through the logarithm.
      #expect(abs(t - tau / (2 * s) * log((s - u0) / u0)) < 1e-9)
    }
    // The numerically integrated flow crosses s/2 at the predicted time (mode s = 1; the
    // integration takes three modes, the 3 × 3 rotations' size).
    let t = SaxeLearning.time(toFraction: 0.5, singularValue: 1, initial: 0.0025, tau: 2)
    let before = Self.integrate([1, 0.5, 0.25], a0: 0.05, tau: 2, time: t * 0.98, steps: 2000)[0]
    let after = Self.integrate([1, 0.5, 0.25], a0: 0.05, tau: 2, time: t * 1.02, steps: 2000)[0]
    #expect(before < 0.5 && after > 0.5, "\(before) \(after)")
  }

  @Test func edgeCasesAndTheLoss() {
    // u₀ > s decays to s; a long time reaches s without overflow.
    #expect(abs(SaxeLearning.strength(time: 50, singularValue: 2, initial: 5, tau: 1) - 2) < 1e-12)
    #expect(SaxeLearning.strength(time: 1e6, singularValue: 2, initial: 1e-9, tau: 1) == 2)
    #expect(SaxeLearning.timeConstant(learningRate: 0.05, outputs: 8) == 80)
    // At t = 0 the loss is (1/K)Σ(s − u₀)²; at large t it vanishes.
    let l0 = SaxeLearning.loss(time: 0, singularValues: [3, 1], initial: [0.1, 0.1], tau: 1, outputs: 2)
    #expect(abs(l0 - (2.9 * 2.9 + 0.9 * 0.9) / 2) < 1e-12)
    #expect(SaxeLearning.loss(time: 1e4, singularValues: [3, 1], initial: [0.1, 0.1], tau: 1, outputs: 2) < 1e-20)
  }
}
