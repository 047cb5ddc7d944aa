import Foundation
import Testing

/// A reproduction is only worth its pass if a plausible fault makes it fail (issue 17):
/// each mutant of a shipped quick variant must fail at least one claim of its report,
/// while the unmutated variant passes them all (ReproductionTests).
@Suite("Reproductions fail when their setting is wrong", .serialized)
struct ReproductionMutationTests {
  /// Runs `config` with `replace` applied to its text; the report's failed claims.
  static func failedClaims(_ config: String, replace: (String, String)) throws -> [String] {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = try String(contentsOf: CommandHarness.packageRoot.appendingPathComponent(config), encoding: .utf8)
    #expect(text.contains(replace.0), "\(config) should contain \(replace.0)")
    _ = try CommandHarness.writeSweep(text.replacingOccurrences(of: replace.0, with: replace.1), named: "mutant.yaml", in: dir)
    let result = try CommandHarness.run(["run", "mutant.yaml", "-o", "out", "-q"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let out = dir.appendingPathComponent("out")
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first { !$0.hasPrefix(".") })
    let report = try String(contentsOf: out.appendingPathComponent(name).appendingPathComponent("report.md"), encoding: .utf8)
    let section = report.components(separatedBy: "\n## Published vs measured\n").dropFirst().first ?? ""
    return section.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("❌") }.map(String.init)
  }

  @Test(
    "edge of chaos fails with a wrong bias variance, initializer or activation",
    arguments: [
      ("bias_std: 0.2236068", "bias_std: 0.4472136"),  // σ_b² = 0.2 instead of 0.05
      ("initializer: scaled_normal", "initializer: he_normal"),  // He: 2σ_w²/N, the variance doubled
      ("activation: tanh", "activation: softsign"),  // another saturating φ
    ])
  func edgeOfChaos(_ fault: (String, String)) throws {
    let failed = try Self.failedClaims("configs/quick/edge-of-chaos.yaml", replace: fault)
    #expect(!failed.isEmpty, "no claim failed with \(fault.1)")
  }

  /// The faults the audit found each study passing with, and a scale off by 1.25–2.
  @Test(
    "every other reproduction fails with a plausible fault",
    arguments: [
      ("configs/quick/seed-vanishing.yaml", "model: {width: 32, depth: 10}", "model: {width: 32, depth: 10, init_gain: 2.0}"),
      ("configs/quick/nielsen-ch5.yaml", "bias_std: 1.0", "bias_std: 0.5"),
      ("configs/quick/nielsen-ch5.yaml", "bias_std: 1.0", "bias_std: 2.0"),
      ("configs/quick/glorot-bengio-2010.yaml", "model: {width: 128, depth: 5}", "model: {width: 128, depth: 5, init_gain: 1.4142136}"),
      ("configs/quick/he-2015.yaml", "model: {width: 48, depth: 30, activation: relu}", "model: {width: 48, depth: 30, activation: relu, init_gain: 1.25}"),
      ("configs/quick/selu-2017.yaml", "model: {width: 64, depth: 32}", "model: {width: 64, depth: 32, init_gain: 1.25}"),
      // Hanin & Rolnick: weights ×1.25 (the mean length grows 1.5625× per layer), and the
      // narrow net made 10 layers deep instead of 5 (β = 1 instead of 0.5).
      ("configs/quick/hanin-2018.yaml", "initializer: he_normal, bias: false}", "initializer: he_normal, bias: false, init_gain: 1.25}"),
      ("configs/quick/hanin-2018.yaml", "model.depth: [6, 11]", "model.depth: [11, 11]"),
      // SELU's fixed point at width 40: weights ×1.25 move it off variance 1.
      ("configs/quick/selu-2017-width.yaml", "initializer: lecun_normal}", "initializer: lecun_normal, init_gain: 1.25}"),
      // MNIST-1D's logistic baseline: a hidden layer makes it an MLP, far above 32 %.
      ("configs/quick/mnist1d-2020.yaml", "model: {depth: 0}", "model: {depth: 1, width: 100}"),
      // Saxe et al.: initial weights ×2 (u₀ ×4: every mode learned ~(τ/2s)·ln 4 early), and
      // the learning rate ×1.25 (τ shrinks by 1.25).
      ("configs/quick/saxe-2014.yaml", "init_gain: 0.1}", "init_gain: 0.2}"),
      ("configs/quick/saxe-2014.yaml", "learning_rate: 0.1,", "learning_rate: 0.125,"),
    ])
  func otherStudies(_ config: String, _ from: String, _ to: String) throws {
    let failed = try Self.failedClaims(config, replace: (from, to))
    #expect(!failed.isEmpty, "\(config): no claim failed with \(to)")
  }
}
