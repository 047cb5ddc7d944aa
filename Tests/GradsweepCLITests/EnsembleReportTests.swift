import Foundation
import Testing

/// The report of an initialisation ensemble draws each configuration's per-layer
/// profile over seeds beside the theory's dashed prediction (issue 16).
@Suite("Ensemble report")
struct EnsembleReportTests {
  static let sweep = """
    name: ensemble
    seed: 5
    replicates: 12
    data: {name: gaussian, features: 32, classes: 4, samples: 64, validation: 0}
    model: {width: 128, depth: 5, activation: tanh, bias_variance: 0.05}
    training: {steps: 0, batch_size: 1}
    log: {every: 0, validate: false}
    sweep:
      grid:
        model.weight_variance: [1.0, 4.0]
    """

  @Test func theEnsembleFigureDrawsMeasuredAndPredictedProfiles() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep, in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let html = try String(contentsOf: dir.appendingPathComponent("out/ensemble/report.html"), encoding: .utf8)
    let start = try #require(html.range(of: "<figure id=\"figure-ensemble\">"))
    let figure = String(html[start.lowerBound...]).components(separatedBy: "</figure>")[0]
    // Two configurations × two panels: a measured line with its band and a dashed prediction each.
    #expect(figure.components(separatedBy: "class=\"band\"").count - 1 == 4)
    #expect(figure.contains("predicted"))
    #expect(figure.contains("over 12 seeds"))
    // Per-example gradients (batch_size 1): the measured profile is within 1.5x of the
    // prediction at every layer of both panels (12 seeds, width 128).
    let gap = try #require(figure.range(of: "Largest gap: measured/predicted = "))
    let ratio = try #require(Double(figure[gap.upperBound...].prefix(while: { "0123456789.e-".contains($0) })))
    #expect(ratio > 1 / 1.5 && ratio < 1.5, "largest gap \(ratio)")
    // The "Predicted vs measured" table names each configuration's worst layer.
    let markdown = try String(contentsOf: dir.appendingPathComponent("out/ensemble/report.md"), encoding: .utf8)
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    let header = try #require(lines.firstIndex { $0.contains("worst measured / predicted (layer)") })
    let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }
    #expect(rows.count == 2 && rows.allSatisfy { $0.hasSuffix(") |") }, "\(rows)")
    // No update ran (steps: 0), so the finding states the ratio once, not again "at the last step".
    let finding = try #require(lines.first { $0.hasPrefix("**Finding:**") })
    #expect(!finding.contains("At the last logged step"), "\(finding)")
    // Nothing trained: no loss-over-training chart and no "best configuration" ranked by a
    // final accuracy that no step produced (the gradient chart stays: it has step-0 data).
    #expect(!html.contains("figure-loss"))
    #expect(!markdown.contains("Best configuration"))
    #expect(html.contains("figure-gradients"))
    // Its bar chart compares the configurations by the gradient ratio at step 0.
    let map = try #require(html.range(of: "<figure id=\"figure-heatmap\">"))
    #expect(String(html[map.lowerBound...]).components(separatedBy: "</figure>")[0].contains("<h3>Grad ratio init by "))
  }

  @Test func oneSeedDrawsNoEnsemble() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep.replacingOccurrences(of: "replicates: 12", with: "replicates: 1"), in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let html = try String(contentsOf: dir.appendingPathComponent("out/ensemble/report.html"), encoding: .utf8)
    #expect(!html.contains("figure-ensemble"))
  }
}
