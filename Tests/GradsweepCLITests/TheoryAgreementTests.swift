import Foundation
import SweepResults
import TidyCSV
import Testing

/// Predict, then measure (issue 16): every run writes what mean-field theory predicts
/// (prediction.json), and over an ensemble of initialisations the engine's measured
/// per-layer squared gradient norms agree with it. batch_size 1 makes `grad_b_norm` the
/// per-example ‖∂L/∂h_l‖ the theory predicts; 32 seeds average it.
@Suite("Theory against measurement")
struct TheoryAgreementTests {
  static let sweep = """
    name: agree
    seed: 1
    replicates: 32
    data: {name: gaussian, features: 64, classes: 4, samples: 256, validation: 0}
    model: {width: 256, depth: 10, activation: tanh, bias_variance: 0.05}
    training: {steps: 0, batch_size: 1}
    sweep:
      grid:
        model.weight_variance: [1.0, 1.76, 2.5]
    """

  /// Within 1.25× at every layer (measured here: 0.92–1.02; the issue asks 1.5×). A
  /// σ_w² off by 10 % moves the layer-1 prediction by 1.1⁹ ≈ 2.4×, so this fails for it.
  @Test func measuredSquaredGradientNormsMatchThePredictionAtEveryLayer() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: dir)
    let result = try CommandHarness.run(["run", file.path, "-o", "out", "-q"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let runs = dir.appendingPathComponent("out/agree/runs")
    var sums: [String: [Double]] = [:]
    var predictions: [String: PredictionFile] = [:]
    for id in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !id.hasPrefix(".") {
      let folder = runs.appendingPathComponent(id)
      let prediction = try PredictionFile.read(from: folder.appendingPathComponent(PredictionFile.fileName))
      #expect(prediction.applies && prediction.layers.count == 10)
      let config = String(id.prefix { $0 != "-" })
      let layers = try CSVTable(contentsOf: folder.appendingPathComponent("layers.csv"))
      let norms = try layers.column("grad_b_norm").prefix(10).map { try #require(Double($0)) }
      sums[config, default: Array(repeating: 0, count: 10)] = zip(sums[config] ?? Array(repeating: 0, count: 10), norms)
        .map { $0 + $1 * $1 }
      predictions[config] = prediction
    }
    #expect(sums.count == 3)
    for (config, sum) in sums {
      let prediction = try #require(predictions[config])
      for layer in 0..<10 {
        let measured = sum[layer] / sum[9]
        let predicted = try #require(prediction.layers[layer].gradSqNormRel)
        let ratio = measured / predicted
        #expect(ratio > 0.8 && ratio < 1.25, "\(config) layer \(layer + 1): measured \(measured), predicted \(predicted)")
      }
    }
    // χ₁ < 1 vanishes towards the input, χ₁ > 1 grows: the prediction itself says so.
    #expect((predictions["sw2_1"]?.chi1 ?? 1) < 0.8 && (predictions["sw2_2.5"]?.chi1 ?? 0) > 1.1)
  }
}
