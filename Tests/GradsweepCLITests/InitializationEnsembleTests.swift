import Foundation
import TidyCSV
import Testing

/// Initialisation ensembles (issue 16): `training.steps: 0` measures a network at
/// initialisation only, and `model.weight_variance` / `model.bias_variance` draw
/// W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²) whatever the initializer, so σ_w² is a plain axis.
@Suite("Initialisation ensembles")
struct InitializationEnsembleTests {
  static let sweep = """
    name: ensemble
    seed: 3
    replicates: 8
    data: {name: gaussian, features: 64, classes: 4, samples: 256, validation: 0.25}
    model: {width: 128, depth: 6, activation: tanh, initializer: he_uniform, bias_variance: 0.05}
    training: {steps: 0, batch_size: 64}
    sweep:
      grid:
        model.weight_variance: [1.0, 2.5]
    """

  @Test func stepsZeroMeasuresTheNetworkAtInitialisationOnly() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let folder = dir.appendingPathComponent("out/ensemble")
    let summary = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv"))
    #expect(summary.rows.count == 16)
    #expect(Set(try summary.column("status")) == ["completed"])
    let runs = folder.appendingPathComponent("runs")
    for id in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !id.hasPrefix(".") {
      let run = runs.appendingPathComponent(id)
      let metrics = try CSVTable(contentsOf: run.appendingPathComponent("metrics.csv"))
      #expect(try metrics.column("step") == ["0"], "\(id): one record, at step 0")
      let layers = try CSVTable(contentsOf: run.appendingPathComponent("layers.csv"))
      #expect(Set(try layers.column("step")) == ["0"])
      #expect(layers.rows.count >= 6)
      let status = try String(contentsOf: run.appendingPathComponent("status.json"), encoding: .utf8)
      #expect(status.contains("\"steps\" : 0"), "\(status)")
    }
  }

  /// The drawn weights have the std σ_w/√fan_in, read back from provenance.json (the
  /// initializer he_uniform would give √(2/fan_in) instead): 128×128 draws per layer
  /// put the sample std within 2 % of its expectation.
  @Test func weightVarianceDrawsNormalWeightsWithVarianceOverFanIn() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep.replacingOccurrences(of: "replicates: 8", with: "replicates: 1"), in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let runs = dir.appendingPathComponent("out/ensemble/runs")
    var checked = 0
    for id in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !id.hasPrefix(".") {
      let variance = id.hasPrefix("sw2_1-") ? 1.0 : 2.5
      #expect(id.hasPrefix("sw2_1-") || id.hasPrefix("sw2_2.5-"), "\(id)")
      let data = try Data(contentsOf: runs.appendingPathComponent(id).appendingPathComponent("provenance.json"))
      let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let layers = try #require(json["layers"] as? [[String: Any]])
      for layer in layers.dropFirst().dropLast() {  // the 128 → 128 layers
        let fanIn = try #require(layer["fan_in"] as? Int)
        let std = try #require(layer["weight_std"] as? Double)
        let expected = (variance / Double(fanIn)).squareRoot()
        #expect(abs(std / expected - 1) < 0.02, "\(id) layer \(layer["layer"] ?? "?"): std \(std), expected \(expected)")
        #expect((layer["formula"] as? String)?.hasPrefix("N(0") == true, "\(layer)")
        checked += 1
      }
    }
    #expect(checked == 2 * 5)
  }
}
