import GradEngine
import Testing
import Yams

@testable import SweepSpec

@Suite struct TrainingPlanTests {
  private func classes(_ count: Int, features: Int = 2) -> Dataset {
    Dataset(
      features: [Float](repeating: 0, count: 4 * features), featureCount: features,
      targets: .classes(labels: [0, 1, 0, 1], classCount: count))
  }
  private let regression = Dataset(
    features: [Float](repeating: 0, count: 6), featureCount: 3, targets: .values([0, 0, 0, 0], outputCount: 2))

  private func config(_ yaml: String) throws -> RunConfig {
    try RunConfig(yaml: yaml)
  }

  @Test func autoHeadAndLossFollowTheData() throws {
    let plan = RunConfig().trainingPlan(for: classes(3, features: 5))
    #expect(plan.network.inputSize == 5 && plan.network.outputSize == 3)
    #expect(plan.network.head == .softmax && plan.loss == .crossEntropy)
    let binary = RunConfig().trainingPlan(for: classes(2))
    #expect(binary.network.head == .softmax && binary.network.outputSize == 2)
    let regressionPlan = RunConfig().trainingPlan(for: regression)
    #expect(regressionPlan.network.head == .linear && regressionPlan.loss == .meanSquaredError)
    #expect(regressionPlan.network.inputSize == 3 && regressionPlan.network.outputSize == 2)
  }

  @Test func sigmoidWithTwoClassesHasOneOutput() throws {
    let bce = try config("training: {loss: binary_cross_entropy}").trainingPlan(for: classes(2))
    #expect(bce.network.head == .sigmoid && bce.loss == .binaryCrossEntropy && bce.network.outputSize == 1)
    let sigmoid = try config("model: {output: sigmoid}").trainingPlan(for: classes(2))
    #expect(sigmoid.loss == .binaryCrossEntropy && sigmoid.network.outputSize == 1)
    let oneVsRest = try config("model: {output: sigmoid}").trainingPlan(for: classes(4))
    #expect(oneVsRest.network.outputSize == 4)
    let nielsen = try config("training: {loss: mse}").trainingPlan(for: classes(10))
    #expect(nielsen.network.head == .sigmoid && nielsen.loss == .meanSquaredError && nielsen.network.outputSize == 10)
  }

  @Test func everyFieldReachesTheEnginePlan() throws {
    let config = try config(
      """
      model: {widths: [16, 8], activation: leaky_relu, slope: 0.2, initializer: orthogonal, init_gain: 1.5,
              bias_initializer: normal, bias_std: 0.05, bias: false}
      training: {optimizer: adam, learning_rate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-6,
                 weight_decay: 0.0001, clip_grad_norm: 2, batch_size: 7, steps: 99}
      log: {every: 3, validate: false}
      """)
    let plan = config.trainingPlan(for: classes(3))
    #expect(plan.network.hiddenWidths == [16, 8])
    #expect(plan.network.activation == Activation(.leakyReLU, slope: 0.2))
    #expect(plan.network.weightInitializer.kind == .orthogonal && plan.network.weightInitializer.gain == 1.5)
    #expect(plan.network.biasInitializer.kind == .normal && plan.network.biasInitializer.std == 0.05)
    #expect(!plan.network.useBias)
    #expect(plan.optimizer == OptimizerSpec(kind: .adam, learningRate: 0.003, momentum: 0.9, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.0001, clipGradNorm: 2))
    #expect(plan.batchSize == 7 && plan.length == .steps(99))
    #expect(plan.logEvery == 3 && !plan.validateAtLogSteps)
    #expect(plan.network.parameterCount == Int(config.model.parameterCount(inputSize: 2, outputSize: 3)))
  }

  @Test func widthTimesDepthAndEngineDefaults() throws {
    let plan = try config("model: {width: 5, depth: 3, activation: prelu}").trainingPlan(for: classes(3))
    #expect(plan.network.hiddenWidths == [5, 5, 5])
    #expect(plan.network.activation.slope == 0.25)  // the engine's prelu default
    #expect(plan.length == .epochs(10))
    #expect(plan.network.parameterCount == Int(try config("model: {width: 5, depth: 3}").model.parameterCount(inputSize: 2, outputSize: 3)))
  }

  @Test func modelSizeCheckWithRealSizes() throws {
    let config = try config("model: {width: 40000, depth: 2}")  // 1.6e9 hidden-to-hidden: fits
    #expect(config.modelSizeProblem(for: classes(3)) == nil)
    let wide = Dataset(features: [Float](repeating: 0, count: 100_000), featureCount: 100_000, targets: .classes(labels: [0], classCount: 3))
    #expect(config.modelSizeProblem(for: wide)?.hasPrefix("model too large: 5,600,200,003 parameters") == true)
  }
}
