import Foundation
import Testing
@testable import GradEngine

/// Pre-activations from −20 to 20 in steps of 0.01, plus points near 0.
private let grid: [Float] = (-2000...2000).map { Float($0) / 100 } + [1e-6, -1e-6, 1e-3, -1e-3, 0.1234, -0.1234]

@Suite("Activations")
struct ActivationTests {
  @Test("the engine's f(z) matches the definition", arguments: ActivationKind.allCases)
  func valuesMatchDefinition(kind: ActivationKind) {
    let (values, _) = Reference.engine(kind, grid)
    var worst = 0.0
    for (z, value) in zip(grid, values) {
      let reference = Reference.activation(kind, Double(z))
      // Relative error, measured against |f| but never against less than 10⁻⁶ · max(1, |z|)
      // (GELU's and SiLU's tiny negative tails carry absolute, not relative, accuracy).
      let scale = max(abs(reference), 1e-6 * max(1, Double(abs(z))))
      worst = max(worst, abs(Double(value) - reference) / scale)
    }
    #expect(worst < 2e-6, "max relative error \(worst)")
  }

  @Test("the engine's f′(z) matches the closed form", arguments: ActivationKind.allCases)
  func derivativesMatchClosedForm(kind: ActivationKind) {
    let (_, derivatives) = Reference.engine(kind, grid)
    var worst = 0.0
    for (z, derivative) in zip(grid, derivatives) {
      let reference = Reference.derivative(kind, Double(z))
      // Near a zero of f′ (GELU at z ≈ −0.75, SiLU at z ≈ −1.28) f′ is a difference of
      // terms of size ~0.3, so its Float accuracy there is absolute: measure against 10⁻².
      let scale = max(abs(reference), 1e-2)
      worst = max(worst, abs(Double(derivative) - reference) / scale)
    }
    // GELU's f′ = Φ + zφ cancels for z < 0 and inherits erfc's tail accuracy (~10⁻⁶).
    #expect(worst < (kind == .gelu ? 1e-5 : 4e-6), "max relative error \(worst)")
  }

  @Test("the closed-form f′ is the derivative of f (central differences)", arguments: ActivationKind.allCases)
  func closedFormIsDerivative(kind: ActivationKind) {
    let h = 1e-6
    for step in -800...800 {
      let z = Double(step) / 100 + 0.003  // off the kinks at 0 and ±1
      let difference = (Reference.activation(kind, z + h) - Reference.activation(kind, z - h)) / (2 * h)
      let closed = Reference.derivative(kind, z)
      #expect(abs(difference - closed) < 1e-7 * max(1, abs(closed)), "z = \(z)")
    }
  }

  @Test("max |f′| is the documented value, attained or approached", arguments: ActivationKind.allCases)
  func maximumDerivative(kind: ActivationKind) {
    let slope: Float = 0.01
    let claimed = kind.maxAbsDerivative(slope: slope)
    var largest = 0.0
    for step in -200_000...200_000 {
      largest = max(largest, abs(Reference.derivative(kind, Double(step) * 1e-4 + 1e-9)))
    }
    #expect(largest <= claimed * (1 + 1e-9), "found |f′| = \(largest) > \(claimed)")
    #expect(largest >= claimed * (1 - 1e-4), "sup |f′| = \(largest) below the claimed \(claimed)")
  }

  @Test("sigmoid′ is at most 1/4, attained at 0; tanh′(0) = 1")
  func seedClaim() {
    let (_, d) = Reference.engine(.sigmoid, [0, 1, -1, 5])
    #expect(d[0] == 0.25)
    #expect(d.allSatisfy { $0 <= 0.25 })
    #expect(Reference.engine(.tanh, [0]).derivatives[0] == 1)
  }

  @Test("leaky and PReLU slopes set max |f′| and the saturation threshold")
  func slopeDependence() {
    #expect(ActivationKind.leakyReLU.maxAbsDerivative(slope: 0.01) == 1)
    #expect(ActivationKind.prelu.maxAbsDerivative(slope: 2) == 2)
    // The conventional 0.01 slope passes 1 % of the gradient: not saturated (strict <).
    let threshold = ActivationKind.leakyReLU.saturationThreshold(slope: 0.01)
    let (_, d) = Reference.engine(.leakyReLU, [-3], slope: 0.01)
    #expect(!(abs(d[0]) < threshold))
    let (_, relu) = Reference.engine(.relu, [-3, 0])
    #expect(relu.allSatisfy { abs($0) < ActivationKind.relu.saturationThreshold(slope: 0) })
  }

  @Test("NaN propagates through every activation; huge inputs stay finite", arguments: ActivationKind.allCases)
  func specialValues(kind: ActivationKind) {
    let (values, _) = Reference.engine(kind, [.nan, 1e4, -1e4, 1e30, -1e30])
    #expect(values[0].isNaN)
    for (value, z) in zip(values.dropFirst(), [1e4, -1e4, 1e30, -1e30] as [Float]) {
      #expect(value.isFinite, "f(\(z)) = \(value)")
    }
  }
}

@Suite("Vector math")
struct VectorMathTests {
  @Test("expLanes is within 2 ulp of libm on [−86, 88.7], +∞ above, 0 below")
  func exponential() {
    var worstUlps: Float = 0
    var x: Float = -86
    while x < 88.7 {
      let lanes = Vector8(x, x + 0.001, x + 0.002, x + 0.003, x + 0.004, x + 0.005, x + 0.006, x + 0.007)
      let e = expLanes(lanes)
      for i in 0..<8 {
        let reference = Foundation.exp(Double(lanes[i]))
        let ulps = Float(abs(Double(e[i]) - reference) / Double(Float(reference).ulp))
        worstUlps = max(worstUlps, ulps)
      }
      x += 0.0137
    }
    #expect(worstUlps <= 2, "worst \(worstUlps) ulp")
    let edges = expLanes(Vector8(89, .infinity, -87, -.infinity, .nan, 0, 1, -1))
    #expect(edges[0] == .infinity && edges[1] == .infinity)
    #expect(edges[2] == 0 && edges[3] == 0)
    #expect(edges[4].isNaN)
    #expect(edges[5] == 1)
  }

  @Test("expm1, log1p and erfc against libm")
  func otherFunctions() {
    var worstExpm1 = 0.0, worstLog1p = 0.0, worstErfc = 0.0
    for step in 0..<4000 {
      let x = Float(step - 2000) / 200  // [−10, 10)
      let (_, m) = expAndExpm1(Vector8(repeating: x))
      worstExpm1 = max(worstExpm1, abs(Double(m[0]) - Foundation.expm1(Double(x))) / abs(Foundation.expm1(Double(x)) + 1e-30))
      let y = Float(step) / 4000  // [0, 1)
      let l = log1pUnitLanes(Vector8(repeating: y))
      if y > 0 { worstLog1p = max(worstLog1p, abs(Double(l[0]) - Foundation.log1p(Double(y))) / Foundation.log1p(Double(y))) }
      let e = erfcLanes(Vector8(repeating: x / 2.5))
      let reference = Foundation.erfc(Double(x / 2.5))
      worstErfc = max(worstErfc, abs(Double(e[0]) - reference) / reference)
    }
    #expect(worstExpm1 < 4e-7, "expm1 \(worstExpm1)")
    #expect(worstLog1p < 3e-7, "log1p \(worstLog1p)")
    // The fit is good to 1.2·10⁻⁷; rounding x² in Float adds ≈ x²·6·10⁻⁸ (x ≤ 4 here).
    #expect(worstErfc < 2e-6, "erfc \(worstErfc)")
  }
}
