import Testing

@testable import SweepSpec

@Suite("training.stall")
struct StallConfigTests {
  @Test func offByDefaultAndDefaultsInsideTheMapping() throws {
    #expect(try plan("name: x").runs[0].config.training.stall == nil)
    let empty = try plan("training: {stall: {}}").runs[0].config.training.stall
    #expect(empty == StallConfig(window: 10, minImprovement: 0.01))
    let set = try plan("training: {stall: {window: 4, min_improvement: 0.05}}").runs[0].config.training.stall
    #expect(set == StallConfig(window: 4, minImprovement: 0.05))
  }

  @Test func invalidValuesAreLocated() {
    #expect(singleError("training:\n  stall: {windw: 3}")
      == "2:18: unknown key 'windw' in training.stall (did you mean 'window'?)")
    #expect(singleError("training:\n  stall: {window: 0}") == "2:19: training.stall.window must be at least 1, got 0")
    #expect(singleError("training:\n  stall: {min_improvement: 1.0}")
      == "2:28: training.stall.min_improvement must be in (0, 1), got 1.0")
    #expect(singleError("training:\n  stall: {min_improvement: 0}")
      == "2:28: training.stall.min_improvement must be in (0, 1), got 0.0")
    #expect(singleError("training:\n  stall: 5") == "2:10: training.stall must be a mapping (key: value), got '5'")
  }

  @Test func roundTripsThroughConfigYAMLAndIsAnAxis() throws {
    let sweep = try plan("""
      sweep:
        grid:
          training.stall: [null, {window: 5, min_improvement: 0.01}]
      """)
    #expect(sweep.runs.map { $0.id.hasPrefix("stallnone-") || $0.id.hasPrefix("stall5_0.01-") } == [true, true])
    let config = sweep.runs[1].config
    #expect(config.yamlText().contains("  stall:\n    window: 5\n    min_improvement: 0.01\n"))
    #expect(try RunConfig(yaml: config.yamlText()) == config)
    #expect(sweep.runs[0].config.yamlText().contains("  stall: null\n"))
  }
}
