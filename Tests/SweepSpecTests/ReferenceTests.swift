import SweepResults
import Testing

@testable import SweepSpec

@Suite struct ReferenceTests {
  private let sweep = """
    sweep:
      grid:
        model.initializer: [xavier_normal, he_normal]
        model.depth: [22, 30]
    reference:
      source: "He et al. 2015, Delving Deep into Rectifiers"
      url: https://arxiv.org/abs/1502.01852
      setting: "MLPs on MNIST-1D instead of conv nets on ImageNet"
      claims:
        - claim: "Xavier stalls a 30-layer ReLU net"
          location: "Figure 3"
          runs: {model.initializer: glorot_normal, model.depth: 30}
          metric: final_val_accuracy
          published_text: "does not converge"
          at_most: 0.2
        - claim: "He keeps the gradient ratio near 1"
          runs: {model.initializer: he_normal}
          metric: grad_ratio_init
          statistic: median
          published: 1
          relative_tolerance: 0.5
    """

  @Test func claimsAreReadWithCanonicalFilters() throws {
    let plan = try plan(sweep)
    let reference = try #require(plan.reference)
    #expect(reference.source == "He et al. 2015, Delving Deep into Rectifiers")
    #expect(reference.setting == "MLPs on MNIST-1D instead of conv nets on ImageNet")
    #expect(reference.claims.count == 2)
    let stall = reference.claims[0]
    #expect(stall.runs == ["model.initializer": "xavier_normal", "model.depth": "30"])
    #expect(stall.location == "Figure 3" && stall.statistic == .mean && stall.atMost == 0.2)
    #expect(stall.criterion == "≤ 0.2")
    #expect(reference.claims[1].criterion == "1 ± 50%")
    // Filters match runs by their axis values.
    let matching = plan.runs.filter { run in
      stall.matches(Dictionary(uniqueKeysWithValues: zip(plan.axisPaths, run.axisValues)))
    }
    #expect(matching.map(\.axisValues) == [["xavier_normal", "30"]])
  }

  @Test func verdicts() {
    var claim = ReferenceClaim(claim: "c", metric: "final_loss")
    #expect(claim.verdict(measured: 3) == .unchecked)
    claim.published = 1
    claim.tolerance = 0.1
    #expect(claim.verdict(measured: 1.05) == .pass)
    #expect(claim.verdict(measured: 1.2) == .fail)
    #expect(claim.verdict(measured: .nan) == .fail)
    claim.tolerance = nil
    claim.atLeast = 0.5
    #expect(claim.verdict(measured: 0.7) == .pass)
    #expect(claim.verdict(measured: 0.4) == .fail)
    #expect(claim.criterion == "≥ 0.5")
    // +∞ (a crossing never reached) is at least any bound, and passes nothing else.
    #expect(claim.verdict(measured: .infinity) == .pass)
    #expect(claim.verdict(measured: -.infinity) == .fail && claim.verdict(measured: .nan) == .fail)
    claim.atMost = 1e9
    #expect(claim.verdict(measured: .infinity) == .fail)
    claim.atMost = nil
    claim.tolerance = 1e9
    #expect(claim.verdict(measured: .infinity) == .fail)
  }

  @Test func claimProblemsAreLocated() {
    let text = """
      sweep: {grid: {model.depth: [2, 4]}}
      reference:
        claims:
          - claim: "a"
            metric: final_val_acc
          - metric: final_loss
            tolerance: 0.1
          - claim: "b"
            metric: final_loss
            runs: {model.width: 8}
          - claim: "c"
            metric: final_loss
            tolernce: 1

      """
    #expect(errorLines(text) == [
      "5:15: unknown metric 'final_val_acc' (did you mean 'final_val_accuracy'?)",
      "6:7: reference.claims[1].claim is required (the published statement)",
      "7:18: reference.claims[1].tolerance needs reference.claims[1].published (the value it is a tolerance around)",
      "10:14: reference.claims[2].runs: model.width is not an axis of this sweep",
      "13:7: unknown key 'tolernce' in reference.claims[3] (did you mean 'tolerance'?)",
    ])
  }

  @Test func perLayerMetricsAreCheckedWhenTheFileLoads() {
    let text = """
      sweep: {grid: {model.depth: [2, 4]}}
      reference:
        claims:
          - {claim: "a", metric: "grad_b_norm[1]", at_most: 1}
          - {claim: "b", metric: "act_std[L]@last / act_std[1]", at_most: 1}
          - {claim: "c", metric: "grad_b_nrom[1]", at_most: 1}
          - {claim: "d", metric: "act_std[L]@middle", at_most: 1}

      """
    #expect(errorLines(text) == [
      "6:28: unknown metric 'grad_b_nrom[1]' (did you mean 'grad_b_norm[1]'?)",
      "7:28: unknown metric 'act_std[L]@middle'",
    ])
  }

  /// `predicted_within`: a band around the theory's prediction for the runs' own config.
  @Test func aTheoryBandPassesWithinItsFactorOnly() throws {
    var claim = ReferenceClaim(claim: "ordered phase", metric: "grad_ratio_init")
    claim.predictedWithin = 1.5
    #expect(claim.verdict(measured: 3.6e-6, predicted: 3.8e-6) == .pass)
    #expect(claim.verdict(measured: 3.8e-6 * 1.6, predicted: 3.8e-6) == .fail)
    #expect(claim.verdict(measured: 3.8e-6 / 1.6, predicted: 3.8e-6) == .fail)
    #expect(claim.verdict(measured: 3.6e-6, predicted: nil) == .fail, "no prediction is never a pass")
    #expect(claim.verdict(measured: 0, predicted: 3.8e-6) == .fail)
    #expect(claim.criterion == "within 1.5× of theory")
    let wrongMetric = errorLines(
      "reference:\n  claims:\n    - {claim: x, metric: final_loss, predicted_within: 1.5}\n")
    #expect(wrongMetric.count == 1 && wrongMetric[0].contains("predicted_within needs metric grad_ratio_init"), "\(wrongMetric)")
    let belowOne = errorLines(
      "reference:\n  claims:\n    - {claim: x, metric: grad_ratio_init, predicted_within: 0.5}\n")
    #expect(belowOne.count == 1 && belowOne[0].contains("a factor of at least 1"), "\(belowOne)")
  }
}
