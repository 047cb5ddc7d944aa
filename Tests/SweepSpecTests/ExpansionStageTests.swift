import GradEngine
import Testing

@testable import SweepSpec

/// The expand stage on its own: definitions built in Swift, no YAML text or parser.
/// grid × zip × random − exclude + include → runs, replicates innermost.
@Suite struct ExpansionStageTests {
  @Test func gridTimesZipInOrderWithReplicatesInnermost() {
    var sweep = SweepDefinition()
    sweep.seed = 7
    sweep.replicates = 2
    sweep.axes = [
      Axis(path: "model.depth", keyLocation: at(1), values: [depth(2), depth(4)], block: .grid),
      Axis(path: "model.activation", keyLocation: at(2), values: [activation(.tanh), activation(.relu)], block: .zip(group: 0)),
      Axis(path: "training.learning_rate", keyLocation: at(3), values: [rate(0.1), rate(0.01)], block: .zip(group: 0)),
    ]
    sweep.zipGroups = [[1, 2]]
    let expansion = SweepExpansion.expand(sweep)
    #expect(expansion.problems.isEmpty)
    // 2 grid values × 2 zip rows (read in step, not crossed) × 2 replicates.
    #expect(expansion.runs.map(\.axisValues) == [
      ["2", "tanh", "0.1"], ["2", "tanh", "0.1"], ["2", "relu", "0.01"], ["2", "relu", "0.01"],
      ["4", "tanh", "0.1"], ["4", "tanh", "0.1"], ["4", "relu", "0.01"], ["4", "relu", "0.01"],
    ])
    #expect(expansion.runs.map(\.seed) == [7, 8, 7, 8, 7, 8, 7, 8])
    #expect(expansion.runs.map(\.index) == Array(0..<8))
    let last = expansion.runs[7].config
    #expect(last.model.depth == 4 && last.model.activation == .relu && last.training.learningRate == 0.01)
    #expect(Set(expansion.runs.map(\.id)).count == 8)
    // A pure function: the same definition gives the same runs.
    #expect(SweepExpansion.expand(sweep).runs.map(\.id) == expansion.runs.map(\.id))
    #expect(expansion.axisValueLocations[0]["4"] == at(12))
  }

  @Test func excludeDropsMatchesAndWarnsAboutUnusedEntries() {
    var sweep = SweepDefinition()
    sweep.axes = [
      Axis(path: "model.depth", keyLocation: at(1), values: [depth(2), depth(4)], block: .grid),
      Axis(path: "model.activation", keyLocation: at(2), values: [activation(.tanh), activation(.relu)], block: .grid),
    ]
    sweep.excludes = [
      ExcludeEntry(location: at(20), matches: [(axis: 0, canonical: "4"), (axis: 1, canonical: "relu")]),
      ExcludeEntry(location: at(21), matches: [(axis: 0, canonical: "8")]),
    ]
    let expansion = SweepExpansion.expand(sweep)
    #expect(expansion.runs.map(\.axisValues) == [["2", "tanh"], ["2", "relu"], ["4", "tanh"]])
    #expect(expansion.problems == [
      ExpansionProblem(message: "this exclude entry matches no run", location: at(21), severity: .warning)
    ])
    // Validation already failed: no warning of its own.
    #expect(SweepExpansion.expand(sweep, priorErrors: true).problems.isEmpty)

    sweep.excludes = [ExcludeEntry(location: at(20), matches: [(axis: 0, canonical: "2")]),
                      ExcludeEntry(location: at(21), matches: [(axis: 0, canonical: "4")])]
    sweep.excludeLocation = at(19)
    #expect(SweepExpansion.expand(sweep).problems.map(\.message) == ["every run is excluded; nothing would run"])
  }

  @Test func includeAddsCombinationsWithBaseValuesElsewhere() {
    var sweep = SweepDefinition()
    sweep.base.model.depth = 3
    sweep.axes = [
      Axis(path: "model.activation", keyLocation: at(1), values: [activation(.tanh)], block: .grid),
      Axis(path: "model.depth", keyLocation: at(30), values: [], block: .include),
    ]
    sweep.includes = [IncludeEntry(location: at(30), assignments: [activation(.selu), depth(16)])]
    let expansion = SweepExpansion.expand(sweep)
    #expect(expansion.runs.map(\.axisValues) == [["tanh", "3"], ["selu", "16"]])
    #expect(expansion.runs[0].config.model.depth == 3)

    // An include that repeats a grid run is a duplicate, located at the entry.
    sweep.includes = [IncludeEntry(location: at(31), assignments: [activation(.tanh)])]
    let duplicate = SweepExpansion.expand(sweep)
    #expect(duplicate.problems.count == 1)
    #expect(duplicate.problems.first?.location == at(31))
    #expect(duplicate.problems.first?.message.hasPrefix("duplicate run: model.activation=tanh, model.depth=3") == true)
  }

  @Test func randomDrawsAreSeededDistinctAndWithinBounds() {
    func sweep(seed: UInt64, samples: Int) -> SweepDefinition {
      var sweep = SweepDefinition()
      sweep.axes = [
        Axis(path: "model.depth", keyLocation: at(1), values: [], block: .random),
        Axis(path: "model.activation", keyLocation: at(2), values: [], block: .random),
      ]
      sweep.random = RandomBlock(
        samples: samples, seed: seed, samplesLocation: at(40),
        axes: [
          RandomAxis(axis: 0, distribution: .intUniform(2, 9), location: at(41), value: { number, _ in depth(Int(number)) }),
          RandomAxis(
            axis: 1, distribution: .list([activation(.tanh), activation(.relu)]), location: at(42),
            value: { _, _ in nil }),
        ])
      return sweep
    }
    let first = SweepExpansion.expand(sweep(seed: 3, samples: 10))
    #expect(first.problems.isEmpty)
    #expect(first.runs.count == 10)
    #expect(Set(first.runs.map(\.axisValues)).count == 10)
    #expect(first.runs.allSatisfy { (2...9).contains($0.config.model.depth) })
    #expect(SweepExpansion.expand(sweep(seed: 3, samples: 10)).runs.map(\.id) == first.runs.map(\.id))
    #expect(SweepExpansion.expand(sweep(seed: 4, samples: 10)).runs.map(\.id) != first.runs.map(\.id))
    // 8 depths × 2 activations = 16 distinct combinations at most.
    let tooMany = SweepExpansion.expand(sweep(seed: 3, samples: 17))
    #expect(tooMany.hasErrors)
    #expect(tooMany.problems == [
      ExpansionProblem(
        message: "sweep.random.samples asks for 17 distinct combinations, but its axes allow only 16", location: at(40))
    ])
  }

  @Test func runProblemsAreLocatedAtTheValueThatCausesThem() {
    var sweep = SweepDefinition()
    sweep.base.training.steps = 100
    sweep.base.training.epochs = nil
    sweep.baseExplicitSteps = true
    let epochs = Assignment(
      path: "training.epochs", section: .training, key: "epochs", canonical: "3", isNull: false, location: at(50),
      apply: { $0.training.epochs = 3 })
    sweep.axes = [Axis(path: "training.epochs", keyLocation: at(49), values: [epochs], block: .grid)]
    let expansion = SweepExpansion.expand(sweep)
    #expect(expansion.runs.isEmpty)
    #expect(expansion.problems.map(\.location) == [at(50)])
    #expect(expansion.problems.first?.message == TrainingConfig.bothLengthsMessage)
  }

  @Test func absurdSizesAreRefusedBeforeExpanding() {
    var sweep = SweepDefinition()
    sweep.replicates = 100_001
    sweep.sweepLocation = at(1)
    let expansion = SweepExpansion.expand(sweep)
    #expect(expansion.runs.isEmpty)
    #expect(expansion.problems.map(\.message) == ["the sweep expands to 100,001 runs; gradsweep plans at most 100,000"])
  }
}

private func at(_ line: Int) -> SweepSpec.SourceLocation { SweepSpec.SourceLocation(file: "t.yaml", line: line, column: 1) }

private func depth(_ value: Int) -> Assignment {
  Assignment(
    path: "model.depth", section: .model, key: "depth", canonical: String(value), isNull: false,
    location: at(10 + value / 2), apply: { $0.model.depth = value })
}

private func activation(_ value: ActivationKind) -> Assignment {
  Assignment(
    path: "model.activation", section: .model, key: "activation", canonical: value.rawValue, isNull: false,
    location: at(20), apply: { $0.model.activation = value })
}

private func rate(_ value: Double) -> Assignment {
  Assignment(
    path: "training.learning_rate", section: .training, key: "learning_rate", canonical: CanonicalYAML.double(value),
    isNull: false, location: at(30), apply: { $0.training.learningRate = value })
}
