import Foundation
import GradEngine
import GradTheory
import SweepSpec
import Testing

@testable import SweepRunner

/// The mapping from a run's config to the theory's inputs, checked against the weights
/// the engine actually draws.
@Suite("Run predictions")
struct RunPredictionTests {
  /// σ_w² = fan_in·Var W measured on a real engine network (widths 400 → 300 → 200),
  /// for every initializer with a variance: the mapping must agree within 4 % (the
  /// sampling error of a variance over 60,000–120,000 weights is below 1 %).
  @Test(
    "σ_w² and σ_b² per layer equal fan_in·Var of the weights and Var of the biases the engine draws",
    arguments: [
      InitializerKind.standard, .normal, .uniform, .xavierUniform, .xavierNormal, .heUniform, .heNormal,
      .lecunUniform, .lecunNormal, .orthogonal, .scaledNormal,
    ])
  func variancesMatchTheEngine(kind: InitializerKind) throws {
    var model = ModelConfig()
    model.widths = [300, 200]
    model.activation = .leakyReLU
    model.slope = 0.2
    model.initializer = kind
    model.initGain = 1.3
    model.initStd = 0.07
    model.initLimit = 0.09
    model.biasInitializer = .normal
    model.biasStd = 0.3
    let predicted = RunPrediction.layerVariances(model: model, inputWidth: 400, negativeSlope: 0.2)
    let spec = NetworkSpec(
      inputSize: 400, hiddenWidths: [300, 200], outputSize: 10, activation: Activation(.leakyReLU, slope: 0.2),
      head: .softmax, weightInitializer: Initializer(kind, gain: 1.3, std: 0.07, limit: 0.09),
      biasInitializer: Initializer(.normal, std: 0.3))
    var generator = Xoshiro256(seed: 7)
    let network = try Network(spec, initialization: &generator)
    for (layer, fanIn) in [(1, 400), (2, 300)] {
      let w = network.weights(layer: layer).map(Double.init)
      let measured = w.reduce(0) { $0 + $1 * $1 } / Double(w.count) * Double(fanIn)
      let expected = predicted[layer - 1].weight
      #expect(abs(measured - expected) <= 0.04 * expected, "\(kind) layer \(layer): \(measured) vs \(expected)")
      #expect(predicted[layer - 1].bias == 0.3 * 0.3)
    }
  }

  @Test("xavier gives each layer its own σ_w²; he with a leaky slope gives 2/(1 + a²); q⁰ from the data")
  func perLayerAndBulk() throws {
    var model = ModelConfig()
    model.widths = [100, 50, 50]
    model.activation = .tanh
    model.initializer = .xavierNormal
    let prediction = RunPrediction(model: model, input: InputStatistics(width: 20, meanSquare: 2.5, assumed: false))
    let layers = try #require(prediction.layers)
    #expect(abs(layers[0].weight - 2 * 20 / 120.0) < 1e-12)
    #expect(abs(layers[1].weight - 2 * 100 / 150.0) < 1e-12)
    #expect(abs(layers[2].weight - 1) < 1e-12)
    #expect(prediction.bulk == layers[2])
    let profile = try #require(prediction.profile)
    #expect(abs(profile.preactivationVariance[0] - layers[0].weight * 2.5) < 1e-12)
    #expect(prediction.predictedGradientRatio == profile.predictedGradientRatio)
    #expect(prediction.fixedPoint == MeanField(TheoryActivation(.tanh), weightVariance: 1, biasVariance: 0).fixedPoint(from: 2.5))

    model.activation = .prelu
    model.initializer = .heNormal
    let prelu = RunPrediction(model: model, input: InputStatistics(width: 20, meanSquare: 1, assumed: false))
    #expect(prelu.activation == TheoryActivation(.prelu, slope: 0.25))
    #expect(abs((prelu.fixedPoint?.chi1 ?? 0) - 1) < 1e-6)
    #expect(abs((prelu.predictedGradientRatio ?? 0) - 1) < 1e-6)
  }

  @Test("no prediction for normalisation, residual blocks, constant weights or a constant bias; caveats for dropout")
  func whereItDoesNotApply() {
    let input = InputStatistics(width: 8, meanSquare: 1, assumed: false)
    var cases: [(ModelConfig, String)] = []
    var model = ModelConfig()
    model.normalization = .layer
    cases.append((model, "layer normalisation"))
    model = ModelConfig()
    model.residual = .identity
    cases.append((model, "residual"))
    model = ModelConfig()
    model.initializer = .zeros
    cases.append((model, "zeros weights"))
    model = ModelConfig()
    model.biasInitializer = .constant
    model.biasValue = 0.1
    cases.append((model, "constant bias"))
    for (model, words) in cases {
      let prediction = RunPrediction(model: model, input: input)
      #expect(prediction.reason?.contains(words) == true, "\(String(describing: prediction.reason))")
      #expect(prediction.profile == nil && prediction.fixedPoint == nil && prediction.predictedGradientRatio == nil)
    }
    model = ModelConfig()
    model.dropout = 0.2
    let dropout = RunPrediction(model: model, input: input)
    #expect(dropout.reason == nil && dropout.profile != nil)
    #expect(dropout.caveats.contains { $0.contains("dropout") })
  }
}
