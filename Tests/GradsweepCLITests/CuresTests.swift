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
    #expect(kept.contains(try ratio(run("tanh", normalization: "layer"), column: "grad_b_norm")))
    // Under batch norm the dense bias is redundant: β carries the signal.
    #expect(kept.contains(try ratio(run("sigmoid", normalization: "batch"), column: "grad_beta_norm")))
  }
}
