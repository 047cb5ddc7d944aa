import Testing

@testable import SweepSpec

/// The parse and validate stages on their own (expansion: `ExpansionStageTests`).
@Suite struct StageTests {
  @Test func parseGivesTheTreeWithOverridesAndASourceMap() throws {
    let parsed = try SweepParser.parse(
      text: "model:\n  depth: 4\nsweep:\n  grid:\n    model.width: [8, 16]\n", path: "s.yaml",
      overrides: ["training.learning_rate=0.5"])
    #expect(parsed.keyPathLocations["model.depth"]?.description == "s.yaml:2:10")
    #expect(parsed.keyPathLocations["sweep.grid.model.width[1]"]?.description == "s.yaml:5:22")
    // The override is in the tree, located at its argument (line 1 after the file's 5).
    #expect(parsed.root.value(forKey: "training")?.value(forKey: "learning_rate")?.scalarText == "0.5")
    #expect((parsed.keyPathLocations["training.learning_rate"]?.line ?? 0) > 5)
    #expect(parsed.effectiveText.contains("learning_rate: 0.5"))
    #expect(!parsed.diagnostics.hasErrors)
    // Not YAML, or not a mapping: the stage refuses, located.
    #expect(throws: SweepDiagnostics.self) { try SweepParser.parse(text: "[1, 2]", path: "s.yaml") }
  }

  @Test func validateGivesATypedDefinitionWithoutExpanding() throws {
    let parsed = try SweepParser.parse(
      text: """
        seed: 5
        model: {depth: 3}
        sweep:
          grid:
            model.activation: [tanh, glorot]
          random:
            samples: 4
            axes:
              training.learning_rate: {log_uniform: [0.001, 0.1]}
          exclude:
            - {model.activation: tanh}
        """, path: "v.yaml")
    let validated = SweepValidator.validate(parsed)
    let definition = validated.definition
    #expect(definition.seed == 5 && definition.base.model.depth == 3)
    #expect(definition.axes.map(\.path) == ["model.activation", "training.learning_rate"])
    // Only the valid grid value is kept; the unknown one is a located error.
    #expect(definition.axes[0].values.map(\.canonical) == ["tanh"])
    #expect(validated.diagnostics.diagnostics.map { "\($0.line):\($0.column)" } == ["5:30"])
    // The random axis is checked, not drawn: drawing is expansion's.
    #expect(definition.axes[1].values.isEmpty)
    #expect(definition.random?.samples == 4 && definition.random?.axes.count == 1)
    #expect(definition.excludes.map(\.matches.first?.canonical) == ["tanh"])
    #expect(definition.baseLocations["model.depth"]?.description == "v.yaml:2:16")
  }
}
