import Foundation
import Testing

/// The report of a ReLU initialisation ensemble draws Hanin & Rolnick's variance law
/// (issue 16): the variance over nets of M_l/M₁ against β, beside prediction.json's
/// act_sq_rel_var, which follows the run's own config.
@Suite("Length-variance report (Hanin & Rolnick 2018)")
struct LengthVarianceReportTests {
  static let sweep = """
    name: lengths
    seed: 3
    replicates: 600
    data: {name: gaussian, features: 16, classes: 4, samples: 64, validation: 0}
    model: {width: 20, depth: 3, activation: relu, initializer: he_normal, bias: false}
    training: {steps: 0, batch_size: 1}
    log: {every: 0, validate: false}
    report: {charts: [gradients, layers]}
    """

  /// prediction.json's act_sq_rel_var of hidden layers 1…L.
  static func predicted(_ run: URL) throws -> [Double?] {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("prediction.json"))) as? [String: Any]
    let layers = try #require(json?["layers"] as? [[String: Any]])
    return layers.map { $0["act_sq_rel_var"] as? Double }
  }

  @Test func theFigureDrawsTheMeasuredSpreadBesideTheExactLaw() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let root = dir.appendingPathComponent("out/lengths")
    // The exact law for He weights: (1 + 5/20)^(l−1) − 1 at layers 2 and 3.
    let run = try #require(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs").path).first)
    let values = try Self.predicted(root.appendingPathComponent("runs/\(run)"))
    let expected = [0, 0.25, 0.5625]
    #expect(values.count == 3 && zip(values, expected).allSatisfy { abs(($0 ?? .nan) - $1) < 1e-12 }, "\(values)")
    let html = try String(contentsOf: root.appendingPathComponent("report.html"), encoding: .utf8)
    let start = try #require(html.range(of: "<figure id=\"figure-length-variance\">"))
    let figure = String(html[start.lowerBound...]).components(separatedBy: "</figure>")[0]
    #expect(figure.contains("e^(5β) − 1") && figure.contains("predicted 0.25") && figure.contains("over 600 nets"))
    // 600 nets of width 20: each layer's sample variance within 1.5× of the law (its
    // standard error, from the law's fourth moment, is ~12 % of the value at layer 3, so
    // 1.5× is ≥ 3 standard errors either side).
    let gap = try #require(figure.range(of: "Largest gap: measured/predicted = "))
    let ratio = try #require(Double(figure[gap.upperBound...].prefix(while: { "0123456789.e-".contains($0) })))
    #expect(ratio > 1 / 1.5 && ratio < 1.5, "largest gap \(ratio)")
    // These nets have no biases (‖∂L/∂b‖ = 0): the all-layers figure draws the activations only.
    let layers = try #require(html.range(of: "<figure id=\"figure-layers\">"))
    let layersFigure = String(html[layers.lowerBound...]).components(separatedBy: "</figure>")[0]
    #expect(!layersFigure.contains("gradient ‖∂L/∂b‖ at initialisation") && layersFigure.contains("activation std at initialisation"))
    let ensemble = try #require(html.range(of: "<figure id=\"figure-ensemble\">"))
    let ensembleFigure = String(html[ensemble.lowerBound...]).components(separatedBy: "</figure>")[0]
    #expect(!ensembleFigure.contains("squared gradient relative") && ensembleFigure.contains("pre-activation mean square"))
  }

  @Test func thePredictionFollowsTheConfigAndStaysSilentWhereTheLawDoesNotHold() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let variants = [
      // Weights ×1.25: s = 2·1.5625, so ∏(s/2)² = 1.5625^(2(l−1)) multiplies the law.
      ("gain", "init_gain: 1.25, bias: false}", [0, 1.5625 * 1.5625 * 0.25, pow(1.5625, 4) * 0.5625]),
      // A batch of 2 averages two inputs' lengths; uniform weights change the constant 5.
      ("batch", "bias: false}", nil), ("uniform", "bias: false}", nil), ("tanh", "bias: false}", nil),
    ]
    for (name, model, expected) in variants {
      var text = Self.sweep.replacingOccurrences(of: "replicates: 600", with: "replicates: 2")
        .replacingOccurrences(of: "bias: false}", with: model)
      if name == "batch" { text = text.replacingOccurrences(of: "batch_size: 1", with: "batch_size: 2") }
      if name == "uniform" { text = text.replacingOccurrences(of: "he_normal", with: "he_uniform") }
      if name == "tanh" { text = text.replacingOccurrences(of: "activation: relu", with: "activation: tanh") }
      let file = try CommandHarness.writeSweep(text.replacingOccurrences(of: "name: lengths", with: "name: \(name)"), in: dir)
      #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
      let root = dir.appendingPathComponent("out/\(name)")
      let run = try #require(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs").path).first)
      let values = try Self.predicted(root.appendingPathComponent("runs/\(run)"))
      if let expected {
        #expect(zip(values, expected).allSatisfy { abs(($0 ?? .nan) - $1) < 1e-12 } && values.count == 3, "\(name): \(values)")
      } else {
        #expect(values.count == 3 && values.allSatisfy { $0 == nil }, "\(name): \(values)")
        let html = try String(contentsOf: root.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("figure-length-variance"), "\(name)")
      }
    }
  }
}
