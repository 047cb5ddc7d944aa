import Foundation
import Testing

import SweepSpec

@testable import GradsweepCLI

/// 4 × 10 × 5 × 10 × 5 = 10,000 runs.
private let tenThousandRuns = """
  name: big
  sweep:
    grid:
      model.activation: [sigmoid, tanh, relu, leaky_relu]
      model.depth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
      model.initializer: [standard, xavier_uniform, xavier_normal, he_uniform, he_normal]
      training.learning_rate: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
      training.batch_size: [8, 16, 32, 64, 128]
  """

@Suite struct PlanRenderingTests {
  private let small = """
    name: small
    description: "two, with a comma"
    replicates: 2
    sweep:
      grid:
        model.activation: [sigmoid, relu]
    """

  @Test func tableListsIdsValuesSeedsAndTheCount() throws {
    let plan = try plan(small)
    let lines = renderPlan(plan, format: .table).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0].hasPrefix("run_id") && lines[0].contains("  model.activation  seed"))
    #expect(lines[1].allSatisfy { $0 == "-" || $0 == " " })
    #expect(lines.count == 2 + 4 + 1 + 1)  // header, rule, runs, count, final newline
    #expect(lines[2].hasPrefix(plan.runs[0].id + "  sigmoid"))
    #expect(lines[2].hasSuffix("  1"))
    #expect(lines[3].hasSuffix("  2"))
    #expect(lines[6] == "4 runs (2 combinations × 2 replicates) in sweep 'small'")
  }

  @Test func csvIsOneRowPerRun() throws {
    let plan = try plan(small)
    let csv = renderPlan(plan, format: .csv)
    let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows[0] == ["run_id", "model.activation", "seed"])
    #expect(rows.count == 5)
    #expect(rows[1] == [plan.runs[0].id, "sigmoid", "1"])
    #expect(rows[4] == [plan.runs[3].id, "relu", "2"])
    #expect(PlanText.csvCell("[64, 32]") == "\"[64, 32]\"")
    #expect(PlanText.csvCell("a\"b") == "\"a\"\"b\"")
  }

  @Test func jsonIsMachineReadable() throws {
    let plan = try plan(small)
    let json = renderPlan(plan, format: .json)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["name"] as? String == "small")
    #expect(object["description"] as? String == "two, with a comma")
    #expect(object["count"] as? Int == 4)
    #expect(object["axes"] as? [String] == ["model.activation"])
    let runs = try #require(object["runs"] as? [[String: Any]])
    #expect(runs.count == 4)
    #expect(runs[3]["run_id"] as? String == plan.runs[3].id)
    #expect(runs[3]["index"] as? Int == 3)
    #expect(runs[3]["seed"] as? Int == 2)
    #expect(runs[3]["axis_values"] as? [String: String] == ["model.activation": "relu"])
  }

  @Test func tenThousandRunsRender() throws {
    let plan = try plan(tenThousandRuns)
    let table = renderPlan(plan, format: .table)
    #expect(table.hasSuffix("10000 runs in sweep 'big'\n"))
    #expect(renderPlan(plan, format: .csv).split(separator: "\n").count == 10_001)
    let json = renderPlan(plan, format: .json)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect((object["runs"] as? [Any])?.count == 10_000)
  }

  @Test func jsonKeepsAxisValueTypes() throws {
    let plan = try plan("""
      name: typed
      sweep:
        grid:
          model.depth: [2, 8]
          training.learning_rate: [0.1]
          model.widths: [[64, 32]]
          data.path: ["8"]
      """)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(renderPlan(plan, format: .json).utf8)) as? [String: Any])
    let runs = try #require(object["runs"] as? [[String: Any]])
    let values = try #require(runs[1]["axis_values"] as? [String: Any])
    #expect(values["model.depth"] as? Int == 8)
    #expect(values["training.learning_rate"] as? Double == 0.1)
    #expect(values["model.widths"] as? [Int] == [64, 32])
    #expect(values["data.path"] as? String == "8")
    #expect(TypedValue(canonical: "\"a, \\\"b\\\"\"") == .text("a, \"b\""))
    #expect(TypedValue(canonical: "true") == .bool(true) && TypedValue(canonical: "null") == .null)
    #expect(TypedValue(canonical: ".inf") == .text(".inf") && TypedValue(canonical: "relu") == .text("relu"))
    #expect(TypedValue(canonical: "1.0e-08") == .real(1e-8) && TypedValue(canonical: "[]") == .list([]))
  }
}

private func plan(_ text: String) throws -> SweepPlan {
  try SweepLoader.load(text: text, path: "x.yaml", checkingDataFiles: false)
}
