import GradData
import GradEngine
import SweepResults
import Testing
import Yams

@testable import SweepSpec

/// The defaults live in the config structs' property initialisers; decoding an empty
/// document must give exactly those values.
@Suite struct DefaultsTests {
  @Test func emptyDocumentDecodesToTheDefaults() throws {
    #expect(try YAMLDecoder().decode(ModelConfig.self, from: "{}") == ModelConfig())
    #expect(try YAMLDecoder().decode(TrainingConfig.self, from: "{}") == TrainingConfig())
    #expect(try YAMLDecoder().decode(LogConfig.self, from: "{}") == LogConfig())
    #expect(try YAMLDecoder().decode(RunConfig.self, from: "{}") == RunConfig())
  }

  @Test func emptySweepFileIsOneRunWithTheDefaults() throws {
    let plan = try plan("", path: "configs/defaults.yaml")
    #expect(plan.name == "defaults")
    #expect(plan.description == "")
    #expect(plan.seed == 1)
    #expect(plan.replicates == 1)
    #expect(plan.axisPaths.isEmpty)
    #expect(plan.report == ReportSpec())
    #expect(plan.reference == nil)
    #expect(plan.runs.count == 1)
    var expected = RunConfig()
    expected.data.seed = 1  // resolved: the sweep's seed
    #expect(plan.runs[0].config == expected)
  }

  @Test func emptySectionsAreTheDefaultsToo() throws {
    let plan = try plan("data: {}\nmodel: {}\ntraining:\nlog: {}\nsweep: {}\n")
    var expected = RunConfig()
    expected.data.seed = 1
    #expect(plan.runs.map(\.config) == [expected])
  }

  @Test func documentedDefaultValues() {
    // The values docs/sweep-file.md states; a change here must change the docs.
    let model = ModelConfig()
    #expect(model.width == 32 && model.depth == 4 && model.widths == nil)
    #expect(model.activation == .relu && model.initializer == .heNormal && model.biasInitializer == .zeros)
    #expect(model.slope == nil && model.initGain == 1 && model.initStd == 0.01 && model.initLimit == 0.05)
    #expect(model.bias && model.output == .auto)
    let training = TrainingConfig()
    #expect(training.optimizer == .sgd && training.learningRate == 0.1 && training.batchSize == 32)
    #expect(training.epochs == 10 && training.steps == nil && training.loss == .auto)
    #expect(training.momentum == 0.9 && training.beta1 == 0.9 && training.beta2 == 0.999)
    #expect(training.epsilon == 1e-8 && training.weightDecay == 0 && training.clipGradNorm == nil)
    #expect(LogConfig().every == 10 && LogConfig().validate)
  }

  @Test func everyKeyHasATypedAccessor() {
    #expect(Set(ModelConfig.fieldAccess.keys) == Set(ModelConfig.keyNames))
    #expect(Set(TrainingConfig.fieldAccess.keys) == Set(TrainingConfig.keyNames))
    #expect(Set(LogConfig.fieldAccess.keys) == Set(LogConfig.keyNames))
  }

  @Test func stepsReplaceTheDefaultEpochs() throws {
    let training = try YAMLDecoder().decode(TrainingConfig.self, from: "steps: 500")
    #expect(training.steps == 500 && training.epochs == nil)
    #expect(training.length == .steps(500))
    let explicitNull = try YAMLDecoder().decode(TrainingConfig.self, from: "epochs: null")
    #expect(explicitNull.epochs == 10 && explicitNull.steps == nil)
  }
}
