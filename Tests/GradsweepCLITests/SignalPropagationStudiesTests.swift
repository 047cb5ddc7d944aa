import Foundation
import Testing
import TidyCSV

/// The two initialisation studies of issue 17 (configs/quick/poole-2016.yaml,
/// configs/quick/pennington-2017.yaml): each quick variant runs through the real executable
/// and passes every claim of its report (bands derived from theory and the measured seed
/// spread), and a plausible fault makes at least one claim fail. Networks are only
/// initialised (`training.steps: 0`), so each study takes a few seconds in debug.
@Suite("signal-propagation reproductions (Poole 2016, Pennington 2017)", .serialized)
struct SignalPropagationStudiesTests {
  // MARK: Poole et al. 2016

  @Test("Poole 2016: q^l settles at q*, c^l → 1 in the ordered phase and c* < 1 in the chaotic one, as the maps predict")
  func pooleMaps() throws {
    let study = try Study.runQuick("poole-2016")
    defer { study.remove() }
    let ordered = try study.meanOverSeeds("correlation", ["model.weight_variance": "1.0"])
    let critical = try study.meanOverSeeds("correlation", ["model.weight_variance": "1.76"])
    let chaotic = try study.meanOverSeeds("correlation", ["model.weight_variance": "4.0"])
    study.print("σ_w² = 1: c^20", ordered, published: "c* = 1 (map: 0.996)")
    study.print("σ_w² = 4: c^20", chaotic, published: "c* = 0.165 (map: 0.189)")
    // The order–chaos line: correlations merge in the ordered phase, stay apart in the
    // chaotic one, and sit between at the critical σ_w².
    #expect(ordered > 0.99 && chaotic < 0.5 && critical > chaotic && critical < ordered)
    // q* grows with σ_w²: √q* = 0.440, 0.755, 1.482.
    let stds = try ["1.0", "1.76", "4.0"].map { try study.meanOverSeeds("preact_std", ["model.weight_variance": $0]) }
    #expect(stds[0] < stds[1] && stds[1] < stds[2])
    // Six measured claims (q^20 and c^20 at three σ_w²) and the χ₁ pin.
    try study.expectReportClaims(passing: 7)
  }

  @Test(
    "Poole 2016 fails with a wrong bias variance",
    arguments: [
      ("bias_variance: 0.05}", "bias_variance: 0.1}"),  // σ_b² doubled
      ("bias_variance: 0.05}", "bias_variance: 0.02}"),  // σ_b² 0.4×
    ])
  func pooleMutants(_ fault: (String, String)) throws {
    let failed = try ReproductionMutationTests.failedClaims("configs/quick/poole-2016.yaml", replace: fault)
    #expect(!failed.isEmpty, "no claim failed with \(fault.1)")
  }

  // MARK: Pennington et al. 2017

  @Test("Pennington 2017: orthogonal linear nets are isometric, Gaussian ones spread ∝ L; ReLU never isometric; tanh + orthogonal near")
  func penningtonSpectrum() throws {
    let study = try Study.runQuick("pennington-2017")
    defer { study.remove() }
    func varRel(_ activation: String, _ initializer: String, _ depth: Int) throws -> Double {
      try study.meanOfSummary(
        "jacobian_eig_var_rel_init",
        ["model.activation": activation, "model.initializer": initializer, "model.depth": String(depth)])
    }
    let linearOrthogonal = try varRel("identity", "orthogonal", 8)
    let linearGaussian = try [2, 8].map { try varRel("identity", "scaled_normal", $0) }
    let reluOrthogonal = try varRel("relu", "orthogonal", 2), reluGaussian = try varRel("relu", "scaled_normal", 2)
    let tanhOrthogonal = try varRel("tanh", "orthogonal", 8), tanhGaussian = try varRel("tanh", "scaled_normal", 8)
    study.print("linear orthogonal, L = 8: var/mean²", linearOrthogonal, published: "0")
    study.print("linear Gaussian, L = 8: var/mean²", linearGaussian[1], published: "L = 8")
    study.print("ReLU Gaussian / orthogonal, L = 2", reluGaussian / reluOrthogonal, published: "2")
    study.print("tanh orthogonal, L = 8: var/mean²", tanhOrthogonal, published: "1.18")
    #expect(linearOrthogonal < 1e-6)
    #expect(linearGaussian[1] / linearGaussian[0] > 3 && linearGaussian[1] / linearGaussian[0] < 5)  // ∝ L: 8/2
    #expect(reluGaussian / reluOrthogonal > 1.6 && reluGaussian / reluOrthogonal < 2.5)
    #expect(tanhOrthogonal < tanhGaussian / 5)
    try study.expectReportClaims(passing: 9)
  }

  @Test(
    "Pennington 2017 fails with σ_w off by 10 % or a wrong bias variance",
    arguments: [
      (
        "model.init_gain: [1.0, 1.0, 1.4142136, 1.4142136, 1.0, 1.0]",
        "model.init_gain: [1.1, 1.1, 1.5556349, 1.5556349, 1.1, 1.1]"
      ),
      ("model: {width: 128, bias: false}", "model: {width: 128, bias_variance: 0.05}"),
    ])
  func penningtonMutants(_ fault: (String, String)) throws {
    let failed = try ReproductionMutationTests.failedClaims("configs/quick/pennington-2017.yaml", replace: fault)
    #expect(!failed.isEmpty, "no claim failed with \(fault.1)")
  }

  // MARK: Pennington et al. 2017, the learning setting

  /// The nets of configs/pennington-2017-learning.yaml at initialisation (its full variant
  /// times the learning; minutes): the setting's pins and the spectrum the speed-up rests on.
  @Test("Pennington 2017 learning setting: orthogonal deep tanh nets at χ₁ = 1, q* = 0.05 are near-isometric, Gaussian ones are not")
  func penningtonLearningSetting() throws {
    let study = try Study.runQuick("pennington-2017-learning")
    defer { study.remove() }
    let orthogonal = try study.meanOfSummary("jacobian_eig_var_rel_init", ["model.initializer": "orthogonal"])
    let gaussian = try study.meanOfSummary("jacobian_eig_var_rel_init", ["model.initializer": "scaled_normal"])
    study.print("depth 64, orthogonal: var/mean²", orthogonal, published: "0.519 (32 nets)")
    study.print("depth 64, Gaussian: var/mean²", gaussian, published: "17.9 (32 nets)")
    #expect(orthogonal < gaussian / 10)
    try study.expectReportClaims(passing: 4)
  }

  @Test(
    "Pennington 2017 learning setting fails with Gaussian weights named orthogonal or σ_w off by 10 %",
    arguments: [
      // model.weight_variance draws N(0, σ_w²/fan_in) whatever the initializer says: the
      // "orthogonal" nets are Gaussian (σ²_JJᵀ ≈ 18, not 0.52).
      ("init_gain: 1.0457664,", "init_gain: 1.0457664, weight_variance: 1.0936,"),
      ("init_gain: 1.0457664", "init_gain: 1.1503430"),  // σ_w² ×1.21: off the order–chaos line
    ])
  func penningtonLearningMutants(_ fault: (String, String)) throws {
    let failed = try ReproductionMutationTests.failedClaims("configs/quick/pennington-2017-learning.yaml", replace: fault)
    #expect(!failed.isEmpty, "no claim failed with \(fault.1)")
  }
}

extension Study {
  /// The mean over the matching runs (seeds) of a numeric summary.csv column.
  func meanOfSummary(_ column: String, _ filter: [String: String]) throws -> Double {
    let rows = summary.filter { row in filter.allSatisfy { row[$0.key] == $0.value } }
    try #require(!rows.isEmpty, "\(name): no run matches \(filter)")
    let values = try rows.map { try #require(CSVTable.number($0[column] ?? ""), "\(column) of \($0["run_id"] ?? "")") }
    return values.reduce(0, +) / Double(values.count)
  }

  /// The mean over the matching runs (seeds) of a layers.csv column at the last hidden
  /// layer, step 0.
  func meanOverSeeds(_ column: String, _ filter: [String: String]) throws -> Double {
    let rows = summary.filter { row in filter.allSatisfy { row[$0.key] == $0.value } }
    try #require(!rows.isEmpty, "\(name): no run matches \(filter)")
    let values = try rows.map { row -> Double in
      let id = try #require(row["run_id"])
      let layers = try LayerTable(CSVTable(contentsOf: root.appendingPathComponent("runs/\(id)/layers.csv")))
      return try layers.value(column, layer: layers.hiddenLayers, step: 0)
    }
    return values.reduce(0, +) / Double(values.count)
  }
}
