import Foundation
import GradTheory
import Testing
import TidyCSV

/// `gradsweep theory`, through the real executable.
@Suite("gradsweep theory")
struct TheoryCommandTests {
  /// tanh and ReLU at σ_w² = 1.761 (scaled_normal, σ_w = 1.3270097), σ_b² = 0.05, with
  /// and without batch norm, on moons (built in, standardised: q⁰ = 1).
  static let sweep = """
    name: theory-test
    data: {name: moons, samples: 200}
    model:
      width: 16
      depth: 6
      initializer: scaled_normal
      init_gain: 1.3270097
      bias_initializer: normal
      bias_std: 0.2236068
    training: {steps: 10}
    sweep:
      grid:
        model.activation: [tanh, relu]
        model.normalization: [none, batch]
    """

  @Test("--format csv: one row per run, the values GradTheory computes, empty cells and a note where none applies")
  func csvMatchesTheory() throws {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: folder)
    let result = try CommandHarness.run(["theory", file.path, "--format", "csv"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let table = try CSVTable(parsing: result.stdout)
    #expect(
      table.header == [
        "run_id", "activation", "sigma_w2", "sigma_b2", "depth", "q0", "q_star", "c_star", "chi1", "xi_q", "xi_c",
        "critical_sigma_w2", "predicted_grad_ratio_init", "note",
      ])
    #expect(table.records.count == 4)
    let sigmaW2 = 1.3270097 * 1.3270097, sigmaB2 = 0.2236068 * 0.2236068
    for record in table.records {
      let number = { (column: String) in Double(record[column] ?? "") }
      if record["run_id"]!.contains("batch") {
        #expect(record["q_star"] == "" && record["chi1"] == "" && record["predicted_grad_ratio_init"] == "")
        #expect(record["note"]!.contains("no prediction: batch normalisation"))
        continue
      }
      let phi = TheoryActivation(name: record["activation"]!)!
      let q0 = try #require(number("q0"))
      #expect(abs(q0 - 1) < 1e-6, "standardised moons: q⁰ = \(q0)")
      #expect(try #require(number("sigma_w2")) == sigmaW2 && number("sigma_b2") == sigmaB2)
      let field = MeanField(phi, weightVariance: sigmaW2, biasVariance: sigmaB2)
      let summary = field.fixedPoint(from: q0)
      let layers = Array(repeating: LayerVariances(weight: sigmaW2, bias: sigmaB2), count: 6)
      let ratio = SignalProfile(activation: phi, layers: layers, inputMeanSquare: q0).predictedGradientRatio
      let expected: [String: Double?] = [
        "q_star": summary.qStar, "c_star": summary.cStar, "chi1": summary.chi1, "xi_q": summary.xiQ,
        "xi_c": summary.xiC, "critical_sigma_w2": MeanField.criticalWeightVariance(phi, biasVariance: sigmaB2),
        "predicted_grad_ratio_init": ratio,
      ]
      for (column, value) in expected {
        let printed = try #require(number(column), "\(record["run_id"]!) \(column) is empty")
        let want = try #require(value)
        #expect(printed == want || abs(printed - want) <= 1e-12 * abs(want), "\(record["run_id"]!) \(column)")
      }
      #expect(number("depth") == 6)
    }
    // The physics, not only the plumbing: tanh sits at the edge of chaos (χ₁ = 1 at
    // σ_w² = 1.761, σ_b² = 0.05), ReLU at σ_w² = 1.761 < 2 is ordered: ratio (0.88)^(5/2).
    let tanh = try #require(table.records.first { $0["activation"] == "tanh" && !$0["run_id"]!.contains("batch") })
    #expect(abs(Double(tanh["chi1"]!)! - 1) < 1e-3)
    let relu = try #require(table.records.first { $0["activation"] == "relu" && !$0["run_id"]!.contains("batch") })
    #expect(abs(Double(relu["predicted_grad_ratio_init"]!)! - pow(sigmaW2 / 2, 2.5)) < 1e-12)
  }

  @Test("table format: aligned columns, 4 significant digits, footnotes for empty rows")
  func table() throws {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: folder)
    let result = try CommandHarness.run(["theory", file.path], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("run_id") && lines[0].contains("predicted_grad_ratio_init"))
    #expect(lines[1].hasPrefix("------"))
    #expect(lines.contains { $0.hasPrefix("[1] no prediction: batch normalisation") })
    #expect(lines.contains { $0.contains("tanh") && $0.contains(" 1.761 ") && $0.contains(" 0.05 ") })
    #expect(lines.contains { $0.hasPrefix("4 runs;") })
  }

  @Test("an invalid sweep file exits 2 with a located error and prints no table")
  func invalidFile() throws {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try CommandHarness.writeSweep(
      Self.sweep.replacingOccurrences(of: "[tanh, relu]", with: "[tanh, relux]"), in: folder)
    let result = try CommandHarness.run(["theory", file.path], in: folder)
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("sweep.yaml:13:"), "\(result.stderr)")
    #expect(result.stderr.contains("relux"))
  }
}
