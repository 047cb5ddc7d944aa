import Foundation
import Testing

@testable import SweepReport
import SweepResults

/// The aggregation of an initialisation ensemble's per-layer profiles (issue 16).
@Suite struct EnsembleProfileTests {
  @Test func squaredRelativeIsTheRatioOfMeanSquares() {
    // Three seeds, three layers: g = (1, 2, 2), (3, 2, 4), (2, nil, 2).
    let profiles: [[Double?]] = [[1, 2, 2], [3, 2, 4], [2, nil, 2]]
    let points = EnsembleProfile.squaredRelative(profiles)
    #expect(points.map(\.layer) == [1, 2, 3])
    // Layer 1: E[g₁²] = (1 + 9 + 4)/3, E[g_L²] = (4 + 16 + 4)/3.
    #expect(abs(points[0].centre - 14.0 / 24.0) < 1e-15)
    // Layer 2: only the seeds with a value: (4 + 4)/2 over (4 + 16)/2.
    #expect(abs(points[1].centre - 8.0 / 20.0) < 1e-15)
    #expect(points[1].count == 2)
    #expect(points[2].centre == 1 && points[2].low == 1 && points[2].high == 1)
    // The band: 10 % and 90 % of the per-seed ratios 1/4, 9/16, 1 (sorted), linear.
    let sorted = [0.25, 0.5625, 1.0]
    #expect(abs(points[0].low! - (sorted[0] + 0.2 * (sorted[1] - sorted[0]))) < 1e-15)
    #expect(abs(points[0].high! - (sorted[1] + 0.8 * (sorted[2] - sorted[1]))) < 1e-15)
    // A seed whose last layer is 0 or missing cannot be normalised and is left out.
    let damaged = EnsembleProfile.squaredRelative([[1, 0], [1, nil], [2, 1]])
    #expect(damaged.map(\.count) == [1, 1] && damaged[0].centre == 4 && damaged[0].low == nil)
  }

  @Test func meanAndBand() {
    let points = EnsembleProfile.mean([[1, 10], [3, .nan], [2, 30]])
    #expect(points.map(\.centre) == [2, 20])
    #expect(points.map(\.count) == [3, 2])
    #expect(abs(points[0].low! - 1.2) < 1e-15 && abs(points[0].high! - 2.8) < 1e-15)
    #expect(EnsembleProfile.mean([]).isEmpty)
  }

  /// Hanin & Rolnick's chart: per layer l ≥ 2 the sample variance over nets of M_l/M₁ at
  /// β_l = Σ_(j=2)^l 1/n_j, beside the prediction's act_sq_rel_var.
  @Test func lengthVarianceAgainstBeta() {
    let prediction = [(1, 10, 0.0), (2, 10, 0.5), (3, 20, 0.875)].map {
      PredictionFile.Layer(
        layer: $0.0, weightVariance: 2, biasVariance: 0, preactVar: nil, gradSqNormRel: nil, width: $0.1,
        lengthVarianceRel: $0.2)
    }
    // Three nets: M = (2, 2, 6), (1, 3, 1), (4, nil, 0); the last has no layer 2.
    let points = LengthVarianceFigure.points([[2, 2, 6], [1, 3, 1], [4, nil, 0]], prediction: prediction)
    #expect(points.map(\.layer) == [2, 3])
    #expect(points.map(\.beta) == [0.1, 0.1 + 0.05])
    // Layer 2: R = 1, 3 (two nets): mean 2, variance (1 + 1)/1 = 2.
    #expect(points[0].variance == 2 && points[0].count == 2 && points[0].predicted == 0.5)
    // Layer 3: R = 3, 1, 0: mean 4/3, variance ((5/3)² + (1/3)² + (4/3)²)/2 = 7/3.
    #expect(abs(points[1].variance - 7.0 / 3.0) < 1e-14 && points[1].count == 3)
    // A net whose M₁ is 0 cannot be normalised; a prediction without widths draws nothing.
    #expect(LengthVarianceFigure.points([[0, 1, 1], [1, 1, 1]], prediction: prediction).isEmpty)
    var old = prediction
    old[1].width = nil
    #expect(LengthVarianceFigure.points([[1, 1, 1], [1, 2, 3]], prediction: old).isEmpty)
  }
}
