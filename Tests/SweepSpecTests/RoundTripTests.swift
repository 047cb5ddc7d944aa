import Foundation
import GradData
import GradEngine
import Testing
import Yams

@testable import SweepSpec

/// `config.yaml` is `RunConfig.yamlText()`; reading it back must give the same config.
@Suite struct RoundTripTests {
  @Test func everyRunOfTheIssueExampleRoundTrips() throws {
    let plan = try plan(issueExample)
    for run in plan.runs {
      #expect(try RunConfig(yaml: run.config.yamlText()) == run.config)
    }
  }

  @Test func unusualValuesRoundTrip() throws {
    var config = RunConfig()
    config.seed = UInt64.max
    config.data.name = .csv
    config.data.path = "my data/\"quoted\": file #1.csv"
    config.data.labelColumn = "true"
    config.data.seed = 42
    config.data.noise = 1e-12
    config.model.widths = [128, 64, 1]
    config.model.slope = 0.2
    config.model.output = .fixed(.sigmoid)
    config.model.initValue = -0.5
    config.model.bias = false
    config.training.loss = .fixed(.binaryCrossEntropy)
    config.training.steps = 12_345
    config.training.epochs = nil
    config.training.clipGradNorm = 5
    config.training.learningRate = 0.1 + 0.2  // 0.30000000000000004: shortest round-trip digits
    config.training.epsilon = 1e-300
    config.log.validate = false
    let text = config.yamlText()
    #expect(try RunConfig(yaml: text) == config)
  }

  @Test func numbersAreFloatsForEveryYAMLReader() throws {
    let text = RunConfig().yamlText()
    #expect(text.contains("epsilon: 1.0e-08\n"))
    #expect(text.contains("init_gain: 1.0\n"))
    #expect(text.contains("widths: null\n"))
    #expect(text.contains("  epochs: 10\n  steps: null\n"))
    // Untyped loading (what other tools do) sees numbers, not strings.
    let loaded = try #require(try Yams.load(yaml: text) as? [String: Any])
    let training = try #require(loaded["training"] as? [String: Any])
    #expect(training["epsilon"] as? Double == 1e-8)
    #expect(training["learning_rate"] as? Double == 0.1)
  }

  @Test func canonicalSpellingOfValues() {
    #expect(CanonicalYAML.double(1) == "1.0")
    #expect(CanonicalYAML.double(1e-8) == "1.0e-08")
    #expect(CanonicalYAML.double(2.5e20) == "2.5e+20")
    #expect(CanonicalYAML.double(-.infinity) == "-.inf")
    #expect(CanonicalYAML.string("spirals") == "spirals")
    #expect(CanonicalYAML.string("data/train.csv") == "data/train.csv")
    #expect(CanonicalYAML.string("yes") == "\"yes\"")
    #expect(CanonicalYAML.string("1.5") == "\"1.5\"")
    #expect(CanonicalYAML.string("") == "\"\"")
    #expect(CanonicalYAML.string("a: b") == "\"a: b\"")
    #expect(CanonicalYAML.string("tab\there") == "\"tab\\there\"")
  }

  @Test func yamlTextIsTheSameInEveryProcess() {
    // Key order and spelling are fixed: a change here changes every run id.
    var config = RunConfig()
    config.data.seed = 1
    #expect(config.yamlText().hasPrefix("seed: 1\ndata:\n  name: spirals\n  samples: 2000\n"))
    #expect(config.yamlText().contains("\nmodel:\n  width: 32\n  depth: 4\n  widths: null\n  activation: relu\n"))
    #expect(
      config.yamlText().hasSuffix(
        "\nlog:\n  every: 10\n  validate: true\n  preact_grad_norm: false\n  correlation: null\n  jacobian: false\n"
          + "  jacobian_every: 0\n  weight_distance: false\n  spectral_norm: false\n  grad_quantiles: false\n"))
  }

  @Test func decodingChecksTheConfigToo() {
    #expect(throws: ConfigFieldError.self) { try RunConfig(yaml: "model: {depth: -1}") }
    #expect(throws: ConfigFieldError.self) {
      try RunConfig(yaml: "model: {output: sigmoid}\ntraining: {loss: cross_entropy}")
    }
  }
}
