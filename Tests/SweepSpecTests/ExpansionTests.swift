import GradData
import GradEngine
import Testing

@testable import SweepSpec

/// The example of issue 3, verbatim.
let issueExample = """
  name: vanishing-gradients        # names the output folder
  description: Sigmoid vs ReLU vs leaky ReLU as depth grows
  seed: 1
  replicates: 3                     # seeds seed, seed+1, ... become an axis
  data: {name: spirals, samples: 2000, classes: 3, noise: 0.2, validation: 0.2}
  model: {width: 32, depth: 8, activation: sigmoid, initializer: xavier_normal}
  training: {optimizer: sgd, learning_rate: 0.1, batch_size: 32, epochs: 20, loss: cross_entropy}  # or steps: N instead of epochs
  log: {every: 10}
  sweep:
    grid:
      model.activation: [sigmoid, tanh, relu, leaky_relu]
      model.depth: [2, 4, 8, 16]
      model.initializer: [standard, xavier_normal, he_normal]
      training.learning_rate: [0.01, 0.1]

  """

@Suite struct ExpansionTests {
  @Test func issueExampleExpandsToTheFullGrid() throws {
    let plan = try plan(issueExample, path: "configs/vanishing.yaml")
    #expect(plan.name == "vanishing-gradients")
    #expect(plan.description == "Sigmoid vs ReLU vs leaky ReLU as depth grows")
    #expect(plan.axisPaths == ["model.activation", "model.depth", "model.initializer", "training.learning_rate"])
    #expect(plan.runs.count == 4 * 4 * 3 * 2 * 3)
    #expect(plan.runs.map(\.index) == Array(0..<288))
    #expect(Set(plan.runs.map(\.id)).count == 288)

    // Grid order: first axis outermost, replicates innermost.
    #expect(plan.runs[0].axisValues == ["sigmoid", "2", "standard", "0.01"])
    #expect(plan.runs[1].axisValues == ["sigmoid", "2", "standard", "0.01"])
    #expect(plan.runs.prefix(3).map(\.seed) == [1, 2, 3])
    #expect(plan.runs.prefix(3).map(\.replicate) == [0, 1, 2])
    #expect(plan.runs[3].axisValues == ["sigmoid", "2", "standard", "0.1"])
    #expect(plan.runs[287].axisValues == ["leaky_relu", "16", "he_normal", "0.1"])

    // Each combination appears once per replicate.
    var counts = [[String]: Int]()
    for run in plan.runs { counts[run.axisValues, default: 0] += 1 }
    #expect(counts.count == 96 && counts.values.allSatisfy { $0 == 3 })

    // Values reach the resolved config; the base fills the rest.
    let run = try #require(plan.runs.first { $0.axisValues == ["relu", "16", "he_normal", "0.01"] && $0.seed == 2 })
    #expect(run.config.model.activation == .relu)
    #expect(run.config.model.depth == 16)
    #expect(run.config.model.width == 32)
    #expect(run.config.model.initializer == .heNormal)
    #expect(run.config.training.learningRate == 0.01)
    #expect(run.config.training.epochs == 20 && run.config.training.steps == nil)
    #expect(run.config.training.loss == .fixed(.crossEntropy))
    #expect(run.config.training.batchSize == 32)
    #expect(run.config.data.name == .spirals && run.config.data.samples == 2000 && run.config.data.noise == 0.2)
    #expect(run.config.data.seed == 1)  // shared by the replicates
    #expect(run.config.log.every == 10)
    #expect(run.id.hasPrefix("relu-d16-he_normal-lr0.01-s2-"))
  }

  @Test func zipVariesListsTogether() throws {
    let plan = try plan(
      """
      sweep:
        grid:
          model.depth: [4, 8]
        zip:
          model.activation: [relu, tanh, selu]
          model.initializer: [he_normal, glorot_normal, lecun_normal]
      """)
    #expect(plan.axisPaths == ["model.depth", "model.activation", "model.initializer"])
    #expect(plan.runs.map(\.axisValues) == [
      ["4", "relu", "he_normal"], ["4", "tanh", "xavier_normal"], ["4", "selu", "lecun_normal"],
      ["8", "relu", "he_normal"], ["8", "tanh", "xavier_normal"], ["8", "selu", "lecun_normal"],
    ])
    #expect(plan.runs[1].config.model.initializer == .xavierNormal)
    #expect(plan.zipGroups == [["model.activation", "model.initializer"]])
  }

  @Test func severalZipGroupsMultiply() throws {
    let plan = try plan(
      """
      sweep:
        zip:
          - {model.activation: [relu, tanh], model.initializer: [he_normal, xavier_normal]}
          - {model.depth: [2, 4], model.width: [64, 32]}
      """)
    #expect(plan.runs.map(\.axisValues) == [
      ["relu", "he_normal", "2", "64"], ["relu", "he_normal", "4", "32"],
      ["tanh", "xavier_normal", "2", "64"], ["tanh", "xavier_normal", "4", "32"],
    ])
    #expect(plan.zipGroups == [["model.activation", "model.initializer"], ["model.depth", "model.width"]])
  }

  private let randomSweep = """
    seed: 7
    sweep:
      random:
        samples: 20
        axes:
          training.learning_rate: {log_uniform: [1e-4, 1]}
          training.momentum: {uniform: [0.5, 0.99]}
          model.depth: {int_uniform: [2, 12]}
          model.activation: [relu, tanh]
    """

  @Test func randomSamplesAreSeededAndWithinRange() throws {
    let first = try plan(randomSweep)
    let again = try plan(randomSweep)
    #expect(first.runs.count == 20)
    #expect(first.axisPaths == ["training.learning_rate", "training.momentum", "model.depth", "model.activation"])
    #expect(first.runs.map(\.axisValues) == again.runs.map(\.axisValues))
    #expect(first.runs.map(\.id) == again.runs.map(\.id))
    #expect(Set(first.runs.map(\.axisValues)).count == 20)
    for run in first.runs {
      let config = run.config
      #expect(config.training.learningRate >= 1e-4 && config.training.learningRate <= 1)
      #expect(config.training.momentum >= 0.5 && config.training.momentum <= 0.99)
      #expect((2...12).contains(config.model.depth))
      #expect([ActivationKind.relu, .tanh].contains(config.model.activation))
      // Axis values spell the config's values.
      #expect(run.axisValues[0] == CanonicalYAML.double(config.training.learningRate))
      #expect(run.axisValues[2] == String(config.model.depth))
    }
    // log_uniform spreads over the decades: some draws below 0.01 and some above.
    let rates = first.runs.map(\.config.training.learningRate)
    #expect(rates.contains { $0 < 1e-2 } && rates.contains { $0 > 1e-2 })
  }

  @Test func randomSeedChangesTheDraws() throws {
    let seeded = try plan(randomSweep.replacingOccurrences(of: "samples: 20", with: "samples: 20\n    seed: 99"))
    let base = try plan(randomSweep)
    #expect(seeded.runs.map(\.axisValues) != base.runs.map(\.axisValues))
  }

  @Test func randomDrawsAreRoundedToFourSignificantDigits() throws {
    let plan = try plan(randomSweep)
    for run in plan.runs {
      let digits = run.axisValues[0].filter(\.isNumber).drop { $0 == "0" }
      #expect(digits.count <= 4, "\(run.axisValues[0])")
    }
  }

  @Test func excludeDropsMatchingCombinations() throws {
    let plan = try plan(
      """
      sweep:
        grid:
          model.activation: [sigmoid, relu]
          model.initializer: [xavier_normal, he_normal]
          model.depth: [2, 4]
        exclude:
          - {model.activation: sigmoid, model.initializer: kaiming_normal}
          - {model.depth: 4, model.activation: relu}
      """)
    #expect(plan.runs.map(\.axisValues) == [
      ["sigmoid", "xavier_normal", "2"], ["sigmoid", "xavier_normal", "4"],
      ["relu", "xavier_normal", "2"], ["relu", "he_normal", "2"],
    ])
    #expect(plan.warnings.isEmpty)
  }

  @Test func excludeMatchingNothingWarns() throws {
    let plan = try plan(
      """
      sweep:
        grid: {model.depth: [2, 4]}
        exclude:
          - {model.depth: 8}
      """)
    #expect(plan.runs.count == 2)
    #expect(plan.warnings.map { "\($0.line):\($0.column): \($0.message)" } == ["4:7: this exclude entry matches no run"])
    #expect(plan.warnings.first?.severity == .warning)
  }

  @Test func includeAddsRunsWithBaseValuesElsewhere() throws {
    let plan = try plan(
      """
      model: {depth: 6}
      sweep:
        grid:
          model.activation: [sigmoid, relu]
        include:
          - {model.activation: selu, model.initializer: lecun_normal}
          - {model.depth: 32}
      """)
    #expect(plan.axisPaths == ["model.activation", "model.initializer", "model.depth"])
    #expect(plan.runs.map(\.axisValues) == [
      ["sigmoid", "he_normal", "6"], ["relu", "he_normal", "6"],
      ["selu", "lecun_normal", "6"], ["relu", "he_normal", "32"],
    ])
    #expect(plan.runs[2].config.model.initializer == .lecunNormal)
    #expect(plan.runs[3].config.model.depth == 32)
    #expect(plan.runs[3].config.model.activation == .relu)
  }

  @Test func stepsAxisReplacesDefaultEpochs() throws {
    let plan = try plan("sweep:\n  grid:\n    training.steps: [100, 200]\n")
    #expect(plan.runs.map(\.config.training.steps) == [100, 200])
    #expect(plan.runs.map(\.config.training.epochs) == [nil, nil])
    #expect(plan.runs.map(\.config.training.length) == [.steps(100), .steps(200)])
  }

  @Test func zipCanSwitchBetweenEpochsAndSteps() throws {
    let plan = try plan("sweep:\n  zip:\n    training.epochs: [5, null]\n    training.steps: [null, 300]\n")
    #expect(plan.runs.map(\.config.training.length) == [.epochs(5), .steps(300)])
  }

  @Test func dataAxesDecodeOncePerCombination() throws {
    let plan = try plan(
      """
      data: {name: moons}
      sweep:
        grid:
          data.noise: [0.05, 0.3]
          data.name: [moons, blobs]
      """)
    #expect(plan.runs.map(\.axisValues) == [["0.05", "moons"], ["0.05", "gaussian"], ["0.3", "moons"], ["0.3", "gaussian"]])
    #expect(plan.runs.map(\.config.data.noise) == [0.05, 0.05, 0.3, 0.3])
    #expect(plan.runs.map(\.config.data.name) == [.moons, .gaussian, .moons, .gaussian])
  }

  @Test func listValuedFieldsCanBeAxes() throws {
    let plan = try plan("sweep:\n  grid:\n    model.widths: [[64, 32], [128, 64, 32]]\n    training.clip_grad_norm: [null, 1.0]\n")
    #expect(plan.runs.map(\.axisValues) == [
      ["[64, 32]", "null"], ["[64, 32]", "1.0"], ["[128, 64, 32]", "null"], ["[128, 64, 32]", "1.0"],
    ])
    #expect(plan.runs[2].config.model.hiddenWidths == [128, 64, 32])
    #expect(plan.runs[1].config.training.clipGradNorm == 1.0)
    #expect(plan.runs[2].id.hasPrefix("w128x64x32-clipnone-s1-"))
  }

  @Test func locationsPointAtTheValueARunUses() throws {
    let plan = try plan(
      """
      data: {name: csv, path: a.csv}
      sweep:
        grid:
          data.path: [a.csv, b.csv]
      """, checkingDataFiles: false)
    let second = plan.runs[1]
    #expect(plan.location(ofKeyPath: "data.path")?.description == "x.yaml:1:25")
    #expect(plan.location(ofKeyPath: "data.path", in: second)?.description == "x.yaml:4:24")
    #expect(plan.location(ofKeyPath: "model.depth") == nil)
    #expect(plan.location(ofKeyPath: "data.samples")?.description == "x.yaml:1:7")  // the section
    #expect(plan.location(ofKeyPath: "sweep.grid.data.path[1]")?.description == "x.yaml:4:24")
    let diagnostic = plan.diagnostic(at: plan.location(ofKeyPath: "data.path", in: second), message: "no such file 'b.csv'")
    #expect(diagnostic.description == "x.yaml:4:24: error: no such file 'b.csv'\n    data.path: [a.csv, b.csv]\n                       ^")
  }

  @Test func tenThousandRunsExpand() throws {
    let plan = try plan(tenThousandRuns)
    #expect(plan.runs.count == 10_000)
    #expect(Set(plan.runs.map(\.id)).count == 10_000)
    let last = plan.runs[9_999]
    #expect(last.axisValues == ["leaky_relu", "10", "he_normal", "1.0", "128"])
    #expect(last.config.training.batchSize == 128 && last.config.model.depth == 10)
  }

  @Test func sweepsBeyondTheLimitAreRefusedBeforeExpansion() {
    #expect(singleError(tenThousandRuns + "\nreplicates: 11\n") == "2:1: the sweep expands to 110,000 runs; gradsweep plans at most 100,000")
    #expect(singleError("replicates: 1000000000") == "1:13: replicates must be at most 100000, got 1000000000")
  }
}

/// 4 × 10 × 5 × 10 × 5 = 10,000 runs.
let tenThousandRuns = """
  name: big
  sweep:
    grid:
      model.activation: [sigmoid, tanh, relu, leaky_relu]
      model.depth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
      model.initializer: [standard, xavier_uniform, xavier_normal, he_uniform, he_normal]
      training.learning_rate: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
      training.batch_size: [8, 16, 32, 64, 128]
  """
