import Foundation
import Testing
@testable import GradEngine

@Suite("Losses")
struct LossTests {
  @Test("softmax cross-entropy: known values, stable for huge logits")
  func softmaxCrossEntropyValues() {
    #expect(abs(softmaxCrossEntropy(logits: [0, 0], labels: [0], classCount: 2) - log(2.0)) < 1e-7)
    #expect(abs(softmaxCrossEntropy(logits: [1, 2, 3], labels: [2], classCount: 3) - (log(exp(1.0) + exp(2) + exp(3)) - 3)) < 1e-6)
    // −log softmax(z)₁ with z = (1000, 0) is 1000, not inf or nan.
    #expect(abs(softmaxCrossEntropy(logits: [1000, 0], labels: [1], classCount: 2) - 1000) < 1e-3)
    #expect(softmaxCrossEntropy(logits: [1000, 0], labels: [0], classCount: 2) < 1e-30)
    // Mean over examples.
    let two = softmaxCrossEntropy(logits: [0, 0, 1000, 0], labels: [0, 1], classCount: 2)
    #expect(abs(two - (log(2.0) + 1000) / 2) < 1e-3)
  }

  @Test("sigmoid cross-entropy: known values, stable for huge logits, summed over units")
  func sigmoidCrossEntropyValues() {
    #expect(abs(sigmoidCrossEntropy(logits: [0], labels: [1]) - log(2.0)) < 1e-7)
    #expect(abs(sigmoidCrossEntropy(logits: [-1000], labels: [1]) - 1000) < 1e-9)
    #expect(abs(sigmoidCrossEntropy(logits: [1000], labels: [0]) - 1000) < 1e-9)
    // One example, two units: the sum of both units' losses.
    let pair = sigmoidCrossEntropy(logits: [0, 2], labels: [1, 0], outputCount: 2)
    #expect(abs(pair - (log(2.0) + log(1 + exp(2.0)))) < 1e-6)
  }

  @Test("mean squared error is the mean of squares, no ½")
  func meanSquaredErrorValues() {
    #expect(abs(meanSquaredError(predicted: [1, 2, 3, 4], expected: [0, 2, 5, 4]) - 5.0 / 4) < 1e-12)
  }

  @Test("the softmax cross-entropy gradient is (p − y)/rows and sums to zero per row")
  func gradientShape() {
    let logits: [Float] = [1, 2, 3, -1, 0, 1]
    let targets: [Float] = [0, 0, 1, 1, 0, 0]
    var outputs = [Float](repeating: 0, count: 6), gradient = [Float](repeating: 0, count: 6)
    _ = logits.withUnsafeBufferPointer { z in
      targets.withUnsafeBufferPointer { y in
        outputs.withUnsafeMutableBufferPointer { h in
          gradient.withUnsafeMutableBufferPointer { g in
            ResolvedLoss.softmaxCrossEntropy.evaluate(
              logits: z.baseAddress!, targets: y.baseAddress!, rows: 2, width: 3, outputs: h.baseAddress!,
              gradient: g.baseAddress!, gradientScale: 0.5)
          }
        }
      }
    }
    for row in 0..<2 {
      #expect(abs(gradient[(row * 3)..<(row * 3 + 3)].reduce(0, +)) < 1e-7)
      for k in 0..<3 {
        #expect(abs(gradient[row * 3 + k] - 0.5 * (outputs[row * 3 + k] - targets[row * 3 + k])) < 1e-7)
      }
    }
  }

  @Test("head and loss pairings: the valid ones resolve, the others explain themselves")
  func pairings() throws {
    #expect(try ResolvedLoss.resolve(head: .softmax, loss: .crossEntropy) == .softmaxCrossEntropy)
    #expect(try ResolvedLoss.resolve(head: .sigmoid, loss: .crossEntropy) == .sigmoidCrossEntropy)
    #expect(try ResolvedLoss.resolve(head: .sigmoid, loss: .binaryCrossEntropy) == .sigmoidCrossEntropy)
    #expect(try ResolvedLoss.resolve(head: .linear, loss: .meanSquaredError) == .meanSquaredError(.linear))
    #expect(throws: EngineError.self) { try ResolvedLoss.resolve(head: .softmax, loss: .binaryCrossEntropy) }
    #expect(throws: EngineError.self) { try ResolvedLoss.resolve(head: .linear, loss: .crossEntropy) }
  }
}

@Suite("Inspection")
struct InspectionTests {
  @Test("‖∂C/∂b‖ of a big batch is that of the mean of the per-example gradients (Nielsen's measure)")
  func batchGradientIsMeanOfExamples() throws {
    let data = TestData.classification(rows: 40, features: 6, classes: 3, seed: 41)
    let spec = NetworkSpec(
      inputSize: 6, hiddenWidths: [7, 7], outputSize: 3, activation: Activation(.sigmoid), head: .sigmoid,
      weightInitializer: Initializer(.scaledNormal), biasInitializer: Initializer(.normal, std: 1))
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: .crossEntropy,
      batchSize: 4, length: .steps(1), logEvery: 1)
    var g = Xoshiro256(seed: 3)
    let session = try TrainingSession(plan: plan, data: data, initialization: &g)
    let whole = session.inspect(batch: Array(0..<40))  // more rows than the batch size: buffers regrow
    let wholeBias = session.network.layers[0].bias!.gradient.array
    var mean = [Double](repeating: 0, count: 7)
    for i in 0..<40 {
      _ = session.inspect(batch: [i])
      for (j, value) in session.network.layers[0].bias!.gradient.array.enumerated() { mean[j] += Double(value) / 40 }
    }
    for j in 0..<7 { #expect(abs(Double(wholeBias[j]) - mean[j]) < 1e-6) }
    let norm = mean.map { $0 * $0 }.reduce(0, +).squareRoot()
    #expect(abs(whole.layers[0].gradBNorm - norm) < 1e-6)
    #expect(whole.layers.count == 3 && whole.layers.allSatisfy { $0.updateRatio.isNaN })
  }

  @Test("an incompatible validation set is an EngineError")
  func incompatibleValidation() {
    let data = TestData.classification(rows: 10, features: 3, classes: 2, seed: 1)
    let other = TestData.classification(rows: 10, features: 4, classes: 2, seed: 2)
    let spec = NetworkSpec(
      inputSize: 3, hiddenWidths: [4], outputSize: 2, activation: Activation(.relu), head: .softmax,
      weightInitializer: Initializer(.heNormal))
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: .crossEntropy,
      batchSize: 4, length: .steps(2), logEvery: 1)
    var i = Xoshiro256(seed: 1), s = Xoshiro256(seed: 2)
    var observer = RecordingObserver()
    #expect(throws: EngineError.self) {
      try train(plan, on: data, validation: other, initialization: &i, shuffling: &s, observer: &observer)
    }
    #expect(observer.records.isEmpty)
  }

  @Test("memory estimate grows with the model and the optimizer state")
  func memoryEstimate() {
    func plan(_ width: Int, _ kind: OptimizerKind) -> TrainingPlan {
      TrainingPlan(
        network: NetworkSpec(
          inputSize: 784, hiddenWidths: [width, width], outputSize: 10, activation: Activation(.relu),
          head: .softmax, weightInitializer: Initializer(.heNormal)),
        optimizer: OptimizerSpec(kind: kind, learningRate: 0.1), loss: .crossEntropy, batchSize: 32,
        length: .steps(1), logEvery: 1)
    }
    let small = plan(100, .sgd), big = plan(1000, .sgd), adam = plan(1000, .adam)
    #expect(small.estimatedMemoryBytes < big.estimatedMemoryBytes)
    #expect(big.estimatedMemoryBytes >= big.network.parameterCount * 8)
    #expect(adam.estimatedMemoryBytes - big.estimatedMemoryBytes == big.network.parameterCount * 8)
  }
}

@Suite("The seed claim")
struct SeedClaimTests {
  /// ‖∂L/∂b‖ of layer 1 over that of layer L at initialisation (the report's grad_ratio_init).
  func gradientRatio(_ kind: ActivationKind, _ initializer: Initializer, depth: Int) throws -> Double {
    let data = TestData.classification(rows: 128, features: 32, classes: 10, seed: 51)
    let spec = NetworkSpec(
      inputSize: 32, hiddenWidths: Array(repeating: 32, count: depth), outputSize: 10,
      activation: Activation(kind), head: .softmax, weightInitializer: initializer)
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: .crossEntropy,
      batchSize: 128, length: .steps(1), logEvery: 1)
    var g = Xoshiro256(seed: 52)
    let layers = try TrainingSession(plan: plan, data: data, initialization: &g).inspect(batch: Array(0..<128)).layers
    return layers[0].gradBNorm / layers[depth - 1].gradBNorm
  }

  @Test("sigmoid's first-layer gradient vanishes with depth; ReLU with He initialisation keeps it")
  func vanishing() throws {
    // σ′ ≤ 1/4 costs ≥ 4× per layer with |w| ≲ 1: over 9 layers well below 10⁻².
    #expect(try gradientRatio(.sigmoid, Initializer(.standard), depth: 10) < 1e-2)
    let relu = try gradientRatio(.relu, Initializer(.heNormal), depth: 10)
    #expect(relu > 0.1 && relu < 10, "ReLU + He ratio \(relu)")
  }
}
