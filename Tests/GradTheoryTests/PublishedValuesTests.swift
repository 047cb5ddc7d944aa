import Foundation
import Testing
@testable import GradTheory

/// Values from Poole et al. 2016, Schoenholz et al. 2017 and Klambauer et al. 2017 as
/// recorded in /work/shared/references.md (3 significant digits: tolerances are half a
/// unit in the last digit plus rounding).
@Suite("Published mean-field values")
struct PublishedValuesTests {
  private let tanh = TheoryActivation(.tanh)

  @Test(
    "tanh: critical σ_w² at σ_b² = 0.01, 0.05, 0.1, 0.2 is 1.424, 1.761, 1.986, 2.285",
    arguments: [(0.01, 1.424), (0.05, 1.761), (0.1, 1.986), (0.2, 2.285)])
  func tanhCritical(biasVariance: Double, published: Double) throws {
    let critical = try #require(MeanField.criticalWeightVariance(tanh, biasVariance: biasVariance))
    #expect(abs(critical - published) <= 6e-4, "σ_b² = \(biasVariance): \(critical)")
    let chi1 = MeanField(tanh, weightVariance: critical, biasVariance: biasVariance).fixedPoint().chi1
    #expect(abs((chi1 ?? 0) - 1) < 1e-9)
  }

  @Test("tanh at σ_b² = 0: the boundary is σ_w² = 1 exactly (q* → 0); the table's 1.003 is within 0.005")
  func tanhCriticalWithoutBias() throws {
    let critical = try #require(MeanField.criticalWeightVariance(tanh, biasVariance: 0))
    #expect(abs(critical - 1) < 1e-6, "\(critical)")
    #expect(abs(critical - 1.003) <= 0.005)
  }

  @Test("tanh, σ_b² = 0.05: q* = 0.570 at the critical 1.761")
  func qStarAtCriticality() {
    let summary = MeanField(tanh, weightVariance: 1.761, biasVariance: 0.05).fixedPoint()
    #expect(abs(summary.qStar - 0.570) <= 6e-4, "\(summary.qStar)")
  }

  @Test("tanh, σ_b² = 0.05, σ_w² = 2.5: q* = 1.064, c* = 0.447, χ₁ = 1.134 (chaotic)")
  func chaoticPoint() throws {
    let summary = MeanField(tanh, weightVariance: 2.5, biasVariance: 0.05).fixedPoint()
    #expect(abs(summary.qStar - 1.064) <= 6e-4, "q* \(summary.qStar)")
    #expect(abs(try #require(summary.cStar) - 0.447) <= 6e-4, "c* \(String(describing: summary.cStar))")
    #expect(abs(try #require(summary.chi1) - 1.134) <= 6e-4, "χ₁ \(String(describing: summary.chi1))")
  }

  @Test("tanh, σ_b² = 0.05, σ_w² = 1.5: q* = 0.418, χ₁ = 0.939, c* = 1, ξ_c = 15.8 (ordered)")
  func orderedPoint() throws {
    let summary = MeanField(tanh, weightVariance: 1.5, biasVariance: 0.05).fixedPoint()
    #expect(abs(summary.qStar - 0.418) <= 6e-4, "q* \(summary.qStar)")
    #expect(abs(try #require(summary.chi1) - 0.939) <= 6e-4)
    #expect(summary.cStar == 1)
    #expect(abs(try #require(summary.xiC) - 15.8) <= 0.06)
  }

  @Test(
    "tanh, σ_b² = 0.05: ξ_c = 3.6, 15.8, 25.2, 9.1, 7.0 at σ_w² = 1, 1.5, 2, 3, 4 (and ∞ at 1.761)",
    arguments: [(1.0, 3.6), (1.5, 15.8), (2.0, 25.2), (3.0, 9.1), (4.0, 7.0)])
  func correlationDepthScale(weightVariance: Double, published: Double) throws {
    let xi = try #require(MeanField(tanh, weightVariance: weightVariance, biasVariance: 0.05).fixedPoint().xiC)
    #expect(abs(xi - published) <= 0.06, "σ_w² = \(weightVariance): ξ_c = \(xi)")
  }

  @Test("ξ_c diverges at the edge of chaos and ξ_q stays finite there")
  func divergenceAtCriticality() throws {
    let critical = try #require(MeanField.criticalWeightVariance(tanh, biasVariance: 0.05))
    let near = MeanField(tanh, weightVariance: critical * (1 - 1e-6), biasVariance: 0.05).fixedPoint()
    #expect(try #require(near.xiC) > 1e4)
    let xiQ = try #require(near.xiQ)
    #expect(xiQ.isFinite && xiQ > 0.5 && xiQ < 10, "ξ_q \(xiQ)")
  }

  @Test("SELU with σ_w² = 1, σ_b² = 0 (LeCun normal): fixed point (mean 0, variance 1), χ₁ = 1.0716")
  func seluFixedPoint() throws {
    let selu = TheoryActivation(.selu)
    let summary = MeanField(selu, weightVariance: 1, biasVariance: 0).fixedPoint(from: 3)
    #expect(abs(summary.qStar - 1) < 1e-9, "q* \(summary.qStar)")
    let mean = GaussianExpectation.expectation(sd: 1, kinks: selu.kinks, selu.value)
    #expect(abs(mean) < 1e-9, "E[selu(z)] = \(mean)")
    // χ₁ = λ²/2 + λ²α²e²Φ(−2) in closed form.
    let lambda = TheoryActivation.seluLambda, alpha = TheoryActivation.seluAlpha
    let exact = lambda * lambda * (0.5 + alpha * alpha * exp(2) * 0.5 * erfc(2 / 2.0.squareRoot()))
    let chi1 = try #require(summary.chi1)
    #expect(abs(chi1 - exact) < 1e-12)
    #expect(abs(chi1 - 1.0716) < 5e-5, "χ₁ \(chi1)")
  }

  @Test("ReLU with He (σ_w² = 2): χ₁ = 1, lengths preserved; critical σ_w² = 2 at σ_b² = 0, 2/(1 + a²) for leaky")
  func reluHe() throws {
    let relu = TheoryActivation(.relu)
    let summary = MeanField(relu, weightVariance: 2, biasVariance: 0).fixedPoint(from: 0.7)
    #expect(summary.chi1 == 1)
    #expect(summary.qStar == 0.7)
    #expect(MeanField.criticalWeightVariance(relu, biasVariance: 0) == 2)
    let leaky = TheoryActivation(.leakyReLU, slope: 0.2)
    #expect(abs(try #require(MeanField.criticalWeightVariance(leaky, biasVariance: 0.1)) - 2 / 1.04) < 1e-15)
    // The generic root finder on kinked, non-linear φ: χ₁ = 1 at the root.
    for phi in [TheoryActivation(.elu), TheoryActivation(.hardTanh)] {
      let critical = try #require(MeanField.criticalWeightVariance(phi, biasVariance: 0.05))
      let chi1 = try #require(MeanField(phi, weightVariance: critical, biasVariance: 0.05).fixedPoint().chi1)
      #expect(abs(chi1 - 1) < 1e-9, "\(phi.kind): σ_w² \(critical), χ₁ \(chi1)")
    }
  }
}
