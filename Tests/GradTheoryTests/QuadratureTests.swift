import Foundation
import Testing
@testable import GradEngine
@testable import GradTheory

private let smooth = TheoryActivationKind.allCases.map { TheoryActivation($0) }.filter { $0.kinks == nil }
private let kinked = TheoryActivationKind.allCases.map { TheoryActivation($0) }.filter { $0.kinks != nil }

@Suite("Quadrature and activation formulas")
struct QuadratureTests {
  @Test("Gauss–Hermite (probabilists') reproduces the normal moments E[z^2k] = (2k − 1)!!")
  func hermiteMoments() {
    let rule = QuadratureRule.gaussHermite(GaussianExpectation.hermiteNodes)
    #expect(abs(rule.weights.reduce(0, +) - 1) < 1e-13)
    var doubleFactorial = 1.0
    for k in 1...40 {
      doubleFactorial *= Double(2 * k - 1)
      let moment = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(2 * k)) }
      #expect(close(moment, doubleFactorial, relative: 1e-11), "E[z^\(2 * k)] = \(moment), want \(doubleFactorial)")
      let odd = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(2 * k - 1)) }
      #expect(abs(odd) < 1e-12 * doubleFactorial)
    }
  }

  @Test("Gauss–Legendre integrates x^k on [−1, 1] exactly up to degree 31")
  func legendreMoments() {
    let rule = QuadratureRule.gaussLegendre(16)
    for k in 0...31 {
      let integral = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(k)) }
      let exact = k % 2 == 1 ? 0 : 2 / Double(k + 1)
      #expect(abs(integral - exact) < 1e-14, "∫x^\(k) = \(integral)")
    }
  }

  @Test("smooth φ: Gauss–Hermite and the panelled rule agree to 1e-12 wherever Hermite is used", arguments: smooth)
  func hermiteAgreesWithPanels(phi: TheoryActivation) {
    for sd in [0.05, 0.2, 0.35, 0.5] {
      for f in [{ phi.value($0) * phi.value($0) }, { phi.derivative($0) * phi.derivative($0) }] {
        let hermite = GaussianExpectation.gaussHermite(sd: sd, f)
        let panels = GaussianExpectation.panelled(sd: sd, kinks: [], f)
        #expect(abs(hermite - panels) <= 1e-12 * max(1, abs(panels)), "\(phi.kind) σ = \(sd): \(hermite) vs \(panels)")
      }
    }
  }

  @Test("closed forms (ReLU, leaky, PReLU, identity: arc-cosine kernel) equal quadrature")
  func closedFormsMatchQuadrature() {
    for phi in [TheoryActivation(.relu), TheoryActivation(.leakyReLU, slope: 0.2), TheoryActivation(.prelu), TheoryActivation(.identity)] {
      let field = MeanField(phi, weightVariance: 1, biasVariance: 0)
      for q in [0.01, 0.7, 3.0, 400.0] {
        let s = q.squareRoot()
        let m2 = GaussianExpectation.panelled(sd: s, kinks: [0]) { phi.value($0) * phi.value($0) }
        let d2 = GaussianExpectation.panelled(sd: s, kinks: [0]) { phi.derivative($0) * phi.derivative($0) }
        #expect(close(field.secondMoment(q), m2, relative: 1e-12))
        #expect(close(field.derivativeSecondMoment(q), d2, relative: 1e-12))
        for c in [-0.9, -0.3, 0, 0.5, 0.99, 0.999999] {
          let cross = GaussianExpectation.pair(
            q1: q, q2: 2 * q, correlation: c, f: phi.value, fKinks: [0], g: phi.value, gKinks: [0])
          #expect(
            abs(field.crossMoment(q1: q, q2: 2 * q, correlation: c) - cross) <= 1e-10 * q,
            "\(phi.kind) q \(q) c \(c)")
          let dcross = GaussianExpectation.pair(
            q1: q, q2: q, correlation: c, f: phi.derivative, fKinks: [0], g: phi.derivative, gKinks: [0])
          #expect(abs(field.derivativeCrossMoment(q1: q, q2: q, correlation: c) - dcross) <= 1e-10)
        }
      }
    }
  }

  @Test("kinked φ: the 2-D rule meets its limits c = 1 (one Gaussian) and c = 0 (independent)", arguments: kinked)
  func pairLimits(phi: TheoryActivation) {
    for q in [0.2, 1.0, 4.0] {
      let s = q.squareRoot()
      let square = GaussianExpectation.expectation(sd: s, kinks: phi.kinks) { phi.value($0) * phi.value($0) }
      let mean = GaussianExpectation.expectation(sd: s, kinks: phi.kinks, phi.value)
      let atOne = GaussianExpectation.pair(
        q1: q, q2: q, correlation: 1, f: phi.value, fKinks: phi.kinks, g: phi.value, gKinks: phi.kinks)
      let nearOne = GaussianExpectation.pair(
        q1: q, q2: q, correlation: 1 - 1e-9, f: phi.value, fKinks: phi.kinks, g: phi.value, gKinks: phi.kinks)
      let atZero = GaussianExpectation.pair(
        q1: q, q2: q, correlation: 0, f: phi.value, fKinks: phi.kinks, g: phi.value, gKinks: phi.kinks)
      #expect(close(atOne, square, relative: 1e-11), "\(phi.kind) q \(q): \(atOne) vs \(square)")
      #expect(close(nearOne, square, relative: 1e-6), "\(phi.kind) q \(q): \(nearOne) vs \(square)")
      #expect(abs(atZero - mean * mean) <= 1e-11 * max(1, square), "\(phi.kind) q \(q): \(atZero) vs \(mean * mean)")
    }
  }

  @Test("φ and φ′ are the engine's activations, in Double (same names, same values)")
  func formulasMatchEngine() {
    #expect(TheoryActivationKind.allCases.map(\.rawValue) == ActivationKind.allCases.map(\.rawValue))
    let grid: [Float] = (-600...600).map { Float($0) / 50 }
    for kind in ActivationKind.allCases {
      let slope: Float = kind == .prelu ? 0.25 : 0.01
      let phi = TheoryActivation(name: kind.rawValue)!
      let (values, derivatives) = Reference.engine(kind, grid, slope: slope)
      for (i, z) in grid.enumerated() {
        let scale = max(1, abs(Double(z)))
        #expect(abs(phi.value(Double(z)) - Double(values[i])) <= 2e-6 * scale, "\(kind) φ(\(z))")
        #expect(abs(phi.derivative(Double(z)) - Double(derivatives[i])) <= 1e-5, "\(kind) φ′(\(z))")
      }
    }
  }

  @Test("φ′ is the derivative of φ (central differences away from kinks)")
  func derivativeIsDerivative() {
    for kind in TheoryActivationKind.allCases {
      let phi = TheoryActivation(kind)
      for z in stride(from: -6.05, through: 6.05, by: 0.1) {
        let h = 1e-6
        let numeric = (phi.value(z + h) - phi.value(z - h)) / (2 * h)
        #expect(abs(numeric - phi.derivative(z)) < 1e-7, "\(kind) at \(z)")
      }
    }
  }
}

/// The engine's activation kernels on a Float grid (as GradEngineTests' `Reference.engine`).
enum Reference {
  static func engine(_ kind: ActivationKind, _ zs: [Float], slope: Float) -> (values: [Float], derivatives: [Float]) {
    var z = zs
    var a = [Float](repeating: 0, count: zs.count)
    var d = [Float](repeating: 0, count: zs.count)
    z.withUnsafeMutableBufferPointer { zb in
      a.withUnsafeMutableBufferPointer { ab in
        d.withUnsafeMutableBufferPointer { db in
          _ = activationForward(
            kind, slope: slope, preactivations: zb.baseAddress!, bias: nil, activations: ab.baseAddress!,
            derivatives: db.baseAddress!, rows: 1, width: zs.count, keepPreactivations: false)
        }
      }
    }
    return (a, d)
  }
}
