import Foundation
import Testing
import TidyCSV

/// Issue 8: which cures keep the first layer's gradient alive at depth 32
/// (configs/quick/cures.yaml through the real executable).
@Suite("cures")
struct CuresTests {
  @Test func curesKeepTheFirstLayersGradientAlive() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = CommandHarness.packageRoot.appendingPathComponent("configs/quick/cures.yaml")
    let result = try CommandHarness.run(["run", config.path, "--out", dir.path, "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let root = dir.appendingPathComponent("cures-quick")
    let summary = try CSVTable(contentsOf: root.appendingPathComponent("summary.csv"))
    #expect(summary.rows.count == 5)

    /// layer-1 / layer-32 ratio at step 0 of a layers.csv column.
    func ratio(_ row: [String: String], column: String) throws -> Double {
      let layers = try CSVTable(contentsOf: root.appendingPathComponent("runs/\(row["run_id"]!)/layers.csv"))
      let atInit = layers.records.filter { $0["step"] == "0" }
      let first = try #require(CSVTable.number(atInit.first { $0["layer"] == "1" }?[column] ?? ""))
      let last = try #require(CSVTable.number(atInit.first { $0["layer"] == "32" }?[column] ?? ""))
      return first / last
    }
    func run(_ activation: String, normalization: String = "none", residual: String = "none") throws -> [String: String] {
      try #require(summary.records.first {
        $0["model.activation"] == activation && $0["model.normalization"] == normalization && $0["model.residual"] == residual
      })
    }
    // Plain sigmoid: σ′ ≤ 1/4 per layer, so 31 layers shrink the gradient far below 10⁻⁸.
    #expect(try ratio(run("sigmoid"), column: "grad_b_norm") < 1e-8)
    // Each cure keeps it within two orders of magnitude of the last hidden layer's.
    let kept = 1e-2...1e2
    #expect(kept.contains(try ratio(run("relu"), column: "grad_b_norm")))
    #expect(kept.contains(try ratio(run("sigmoid", residual: "identity"), column: "grad_b_norm")))
    // Under layer norm, as summary.csv's grad_ratio_init does, read β's gradient: the dense
    // bias's ratio at depth 32 varies over seeds from ~16 to ~1,100 (8 seeds), β's 11–220.
    #expect(kept.contains(try ratio(run("tanh", normalization: "layer"), column: "grad_beta_norm")))
    // Under batch norm the dense bias is redundant: β carries the signal.
    #expect(kept.contains(try ratio(run("sigmoid", normalization: "batch"), column: "grad_beta_norm")))

    // summary.csv's grad_ratio_init is that same ratio: β's gradient where a layer is
    // normalized, the bias's elsewhere.
    for (row, column) in [
      (try run("sigmoid"), "grad_b_norm"), (try run("sigmoid", normalization: "batch"), "grad_beta_norm"),
      (try run("tanh", normalization: "layer"), "grad_beta_norm"),
    ] {
      let logged = try ratio(row, column: column)
      let summarized = try #require(CSVTable.number(row["grad_ratio_init"] ?? ""))
      #expect(abs(summarized - logged) <= 1e-9 * abs(logged), "\(row["run_id"]!): \(summarized) vs \(column) \(logged)")
    }

    // The report compares the five networks (the zip group is one axis), by name.
    let report = try String(contentsOf: root.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(report.contains("### Results by model.activation + model.initializer + model.normalization + model.residual"))
    for label in [
      "sigmoid", "relu · initializer=he_normal", "sigmoid · normalization=batch", "sigmoid · residual=identity",
      "tanh · normalization=layer",
    ] {
      #expect(report.contains("\n| \(label) | 1 |") || report.contains("\n| **\(label)** | **1** |"), "no row for \(label)")
    }
  }
}
