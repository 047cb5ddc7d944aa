import Foundation
import Testing
@testable import GradEngine

private func plan(
  _ activation: ActivationKind = .tanh, widths: [Int] = [8, 8], optimizer: OptimizerSpec = OptimizerSpec(kind: .sgd, learningRate: 0.1),
  inputs: Int = 4, outputs: Int = 3, head: OutputHead = .softmax, loss: LossKind = .crossEntropy,
  batch: Int = 7, length: TrainingLength = .epochs(3), logEvery: Int = 4,
  weights: Initializer = Initializer(.xavierNormal), bias: Initializer = Initializer(.zeros)
) -> TrainingPlan {
  TrainingPlan(
    network: NetworkSpec(
      inputSize: inputs, hiddenWidths: widths, outputSize: outputs, activation: Activation(activation),
      head: head, weightInitializer: weights, biasInitializer: bias),
    optimizer: optimizer, loss: loss, batchSize: batch, length: length, logEvery: logEvery)
}

/// Trains with run seed `seed` and returns the result and everything logged.
private func run(
  _ plan: TrainingPlan, data: Dataset, validation: Dataset? = nil, seed: UInt64 = 1,
  observer: RecordingObserver = RecordingObserver()
) throws -> (TrainingResult, RecordingObserver) {
  let streams = SeedStreams(runSeed: seed)
  var initialization = streams.generator(for: .initialization)
  var shuffling = streams.generator(for: .shuffling)
  var observer = observer
  let result = try train(
    plan, on: data, validation: validation, initialization: &initialization, shuffling: &shuffling,
    observer: &observer)
  return (result, observer)
}

@Suite("Training")
struct TrainingTests {
  let data = TestData.classification(rows: 50, features: 4, classes: 3, seed: 21)
  let validation = TestData.classification(rows: 20, features: 4, classes: 3, seed: 22)

  @Test("a tiny network learns XOR")
  func xor() throws {
    let xorPlan = plan(
      .tanh, widths: [8], optimizer: OptimizerSpec(kind: .adam, learningRate: 0.05), inputs: 2, outputs: 2,
      batch: 4, length: .steps(400), logEvery: 100)
    let (result, observer) = try run(xorPlan, data: TestData.xor)
    #expect(result.outcome == .completed)
    #expect(result.finalTrainAccuracy == 1.0)
    #expect(result.finalTrainLoss < 0.05)
    #expect(observer.records.last!.accuracy == 1.0)
  }

  @Test("log schedule: step 0, every multiple of logEvery, and the final step")
  func schedule() throws {
    // 50 rows, batch 7: 8 updates per epoch (the last batch has 1 row), 3 epochs = 24.
    let (result, observer) = try run(plan(logEvery: 5), data: data, validation: validation)
    #expect(result.steps == 24)
    #expect(observer.records.map(\.step) == [0, 5, 10, 15, 20, 24])
    #expect(observer.records.map(\.epoch) == [0, 5, 10, 15, 20, 24].map { Double($0) / 8 })
    #expect(observer.layers.allSatisfy { $0.map(\.layer) == [1, 2, 3] })
    #expect(observer.records.allSatisfy { $0.validationLoss != nil && $0.validationAccuracy != nil })
    // Step records carry the update ratio of the update that follows; the final one has none.
    #expect(observer.layers.dropLast().allSatisfy { $0.allSatisfy { $0.updateRatio > 0 } })
    #expect(observer.layers.last!.allSatisfy { $0.updateRatio.isNaN })
    #expect(result.finalValidationLoss != nil && result.finalTrainLoss.isFinite)
    #expect(result.initialWeightStd.count == 3)

    let (_, onlyEnds) = try run(plan(logEvery: 0), data: data)
    #expect(onlyEnds.records.map(\.step) == [0, 24])
    #expect(onlyEnds.records.allSatisfy { $0.validationLoss == nil })
  }

  @Test("same seed ⇒ identical bits of every logged number; another seed differs")
  func determinism() throws {
    for optimizer in [OptimizerSpec(kind: .sgd, learningRate: 0.1), OptimizerSpec(kind: .adam, learningRate: 0.01)] {
      let p = plan(.relu, optimizer: optimizer, logEvery: 3)
      let (a, first) = try run(p, data: data, validation: validation, seed: 5)
      let (b, second) = try run(p, data: data, validation: validation, seed: 5)
      let (_, other) = try run(p, data: data, validation: validation, seed: 6)
      #expect(first.fingerprint == second.fingerprint)
      #expect(a.finalTrainLoss.bitPattern == b.finalTrainLoss.bitPattern)
      #expect(first.fingerprint != other.fingerprint)
    }
  }

  @Test("logging does not change the trajectory (fused and separate SGD updates agree bitwise)", arguments: [
    OptimizerSpec(kind: .sgd, learningRate: 0.1),
    OptimizerSpec(kind: .sgd, learningRate: 0.1, weightDecay: 0.01),
    OptimizerSpec(kind: .momentum, learningRate: 0.05),
  ])
  func loggingInvariance(optimizer: OptimizerSpec) throws {
    var finals: [[UInt32]] = []
    for every in [1, 0, 7] {
      let p = plan(.sigmoid, widths: [13, 9], optimizer: optimizer, logEvery: every)
      var initialization = Xoshiro256(seed: 3), shuffling = Xoshiro256(seed: 4)
      var observer = RecordingObserver()
      let session = try TrainingSession(plan: p, data: data, initialization: &initialization)
      _ = try session.run(validation: nil, shuffling: &shuffling, observer: &observer)
      finals.append((1...3).flatMap { session.network.weights(layer: $0) + session.network.biases(layer: $0) }.map(\.bitPattern))
    }
    #expect(finals[0] == finals[1])
    #expect(finals[0] == finals[2])
  }

  @Test("a NaN feature stops the training cleanly as diverged, with that step logged")
  func nanFeature() throws {
    var features = data.features
    features[4 * 17 + 2] = .nan  // row 17
    let poisoned = Dataset(features: features, featureCount: 4, targets: data.targets)
    let (result, observer) = try run(plan(logEvery: 100), data: poisoned)
    guard case .diverged(let step, let reason) = result.outcome else {
      Issue.record("outcome \(result.outcome)")
      return
    }
    #expect(reason.contains("nan"))
    #expect(result.steps == step)
    #expect(step < 8, "row 17 is in the first epoch")
    #expect(observer.records.last!.step == step)
    #expect(observer.records.last!.loss.isNaN)
    #expect(observer.layers.last!.count == 3)
  }

  @Test("a huge learning rate diverges without trapping", arguments: [OptimizerKind.sgd, .momentum, .adam])
  func explosion(kind: OptimizerKind) throws {
    let p = plan(
      .relu, widths: [16, 16, 16], optimizer: OptimizerSpec(kind: kind, learningRate: kind == .adam ? 1e30 : 1e12),
      batch: 10, length: .steps(200), logEvery: 50, weights: Initializer(.normal, std: 3))
    let (result, observer) = try run(p, data: data)
    guard case .diverged(let step, _) = result.outcome else {
      Issue.record("outcome \(result.outcome)")
      return
    }
    #expect(observer.records.last!.step == step)
    #expect(!observer.records.last!.loss.isFinite || !observer.records.last!.gradientNorm.isFinite)
  }

  @Test("the observer can interrupt; nothing is trained after it asks")
  func interruption() throws {
    let (result, observer) = try run(plan(logEvery: 2), data: data, observer: RecordingObserver(stopAfterRecords: 3))
    #expect(result.outcome == .interrupted(atStep: 5))
    #expect(result.steps == 5)
    #expect(observer.records.map(\.step) == [0, 2, 4])
  }

  @Test("a stall request ends the training as stalled, a result: final and test losses evaluated as when completed")
  func stall() throws {
    let streams = SeedStreams(runSeed: 1)
    var initialization = streams.generator(for: .initialization)
    var shuffling = streams.generator(for: .shuffling)
    var dropout = streams.generator(for: .dropout)
    var observer = RecordingObserver(stopAfterRecords: 3, request: .stall(reason: "flat"))
    let test = TestData.classification(rows: 15, features: 4, classes: 3, seed: 23)
    let result = try train(
      plan(logEvery: 2), on: data, validation: validation, test: test, initialization: &initialization,
      shuffling: &shuffling, dropout: &dropout, observer: &observer)
    #expect(result.outcome == .stalled(atStep: 5, reason: "flat"))
    #expect(result.steps == 5 && observer.records.map(\.step) == [0, 2, 4])

    // The same five updates, then the network evaluated directly.
    initialization = streams.generator(for: .initialization)
    shuffling = streams.generator(for: .shuffling)
    var interrupted = RecordingObserver(stopAfterRecords: 3)
    let session = try TrainingSession(plan: plan(logEvery: 2), data: data, initialization: &initialization)
    let stopped = try session.run(validation: validation, shuffling: &shuffling, observer: &interrupted)
    #expect(stopped.outcome == .interrupted(atStep: 5) && stopped.finalTrainLoss.isNaN && stopped.test == nil)
    let train = try session.evaluate(data), held = try session.evaluate(validation), tested = try session.evaluate(test)
    #expect(result.finalTrainLoss == train.loss && result.finalTrainAccuracy == train.accuracy)
    #expect(result.finalValidationLoss == held.loss && result.test == tested)
    #expect(train.loss.isFinite && tested.accuracy.isFinite)
  }

  @Test("ReLU with all-negative biases is dead: dead and saturated fractions 1, no gradient below")
  func deadReLU() throws {
    let p = plan(.relu, widths: [10, 10], batch: 50, length: .steps(1), logEvery: 1,
                 weights: Initializer(.normal, std: 0.01), bias: Initializer(.constant, value: -5))
    let (_, observer) = try run(p, data: data)
    let hidden = observer.layers[0].prefix(2)
    #expect(hidden.allSatisfy { $0.deadFraction == 1 && $0.saturatedFraction == 1 && $0.derivMean == 0 })
    #expect(hidden.allSatisfy { $0.gradBNorm == 0 && $0.gradWNorm == 0 && $0.actMean == 0 && $0.actStd == 0 })
    let output = observer.layers[0][2]
    #expect(output.derivMean == 1 && output.deadFraction == 0 && output.saturatedFraction == 0)
    #expect(output.gradBNorm > 0)
  }

  @Test(
    "a layer above 65,536 weights, updated a block of inputs at a time, gets the same bits as the whole gradient",
    arguments: [OptimizerSpec(kind: .sgd, learningRate: 0.05, weightDecay: 0.01), OptimizerSpec(kind: .momentum, learningRate: 0.02)])
  func blockedUpdateMatchesTheWholeGradient(optimizer: OptimizerSpec) throws {
    // 300 → 300 → 300 → 3: the middle layer has 90,000 weights, so it is updated in
    // blocks of 218 inputs (65,400 weights) and 82. Reference: the gradient `inspect`
    // forms whole, and the optimizer's formula applied to it in Float in the same order.
    let wide = TestData.classification(rows: 40, features: 300, classes: 3, seed: 5)
    let p = TrainingPlan(
      network: NetworkSpec(
        inputSize: 300, hiddenWidths: [300, 300], outputSize: 3, activation: Activation(.tanh), head: .softmax,
        weightInitializer: Initializer(.xavierNormal), biasInitializer: Initializer(.zeros)),
      optimizer: optimizer, loss: .crossEntropy, batchSize: 8, length: .steps(3), logEvery: 1)
    var seed = Xoshiro256(seed: 9)
    let session = try TrainingSession(plan: p, data: wide, initialization: &seed)
    #expect(session.network.layers[1].weights.count > blockedUpdateThreshold)
    let eta = Float(optimizer.learningRate), decay = Float(optimizer.weightDecay), mu = Float(optimizer.momentum)
    var velocity = [Float](repeating: 0, count: 90_000)
    for (t, start) in [0, 8, 16].enumerated() {
      let batch = Array(start..<start + 8)
      let before = session.network.weights(layer: 2)
      let whole = session.inspect(batch: batch).layers[1].gradWNorm
      let gradient = session.network.layers[1].weights.gradient.array
      var expected = before
      for i in expected.indices {
        switch optimizer.kind {
        case .sgd:
          expected[i] = (-eta) * (gradient[i] * 1) + (1 - eta * decay) * before[i]
        default:
          velocity[i] = mu * velocity[i] + (gradient[i] * 1 + decay * before[i])
          expected[i] = before[i] - eta * velocity[i]
        }
      }
      // Steps 0 and 2 plain (SGD: fused into the product; momentum: blocked), step 1
      // logged (SGD: fused and measured in the product's epilogue; momentum: blocked,
      // measured).
      if t == 1 {
        let (status, layers) = session.loggedStep(batch: batch)
        #expect(status == .updated)
        #expect(abs(layers[1].gradWNorm - whole) <= 1e-6 * whole, "blocked measure \(layers[1].gradWNorm) vs whole \(whole)")
      } else {
        #expect(session.step(batch: batch) == .updated)
      }
      let differing = zip(session.network.weights(layer: 2), expected).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "step \(t): \(differing) of \(expected.count) weights differ from the whole-gradient update")
    }
  }

  @Test("a logged step applies the same update as a plain one and returns every layer's statistics")
  func loggedStepUpdatesLikeAPlainStep() throws {
    let p = plan(.tanh, widths: [6, 5], batch: 10, length: .steps(1), logEvery: 1)
    var seedA = Xoshiro256(seed: 3), seedB = Xoshiro256(seed: 3)
    let plain = try TrainingSession(plan: p, data: data, initialization: &seedA)
    let logged = try TrainingSession(plan: p, data: data, initialization: &seedB)
    for start in stride(from: 0, to: 50, by: 10) {
      let batch = Array(start..<start + 10)
      #expect(plain.step(batch: batch) == .updated)
      let (status, layers) = logged.loggedStep(batch: batch)
      #expect(status == .updated)
      #expect(layers.count == 3)
      #expect(layers.allSatisfy { $0.gradWNorm > 0 && $0.updateRatio > 0 && $0.updateRatio.isFinite })
    }
    for layer in 1...3 {
      #expect(plain.network.weights(layer: layer) == logged.network.weights(layer: layer))
      #expect(plain.network.biases(layer: layer) == logged.network.biases(layer: layer))
    }
  }

  @Test(
    "a logged step's gradient and update statistics agree with the gradient formed whole",
    arguments: [
      OptimizerSpec(kind: .sgd, learningRate: 0.1), OptimizerSpec(kind: .sgd, learningRate: 0.1, weightDecay: 0.01),
      OptimizerSpec(kind: .sgd, learningRate: 0.1, clipGradNorm: 0.5), OptimizerSpec(kind: .momentum, learningRate: 0.05),
    ])
  func loggedStatisticsMatchTheWholeGradient(optimizer: OptimizerSpec) throws {
    // Plain SGD is measured inside the fused product's epilogue, the others from the
    // gradient buffer; both must report what `inspect` and the weights say.
    let p = TrainingPlan(
      network: NetworkSpec(
        inputSize: 4, hiddenWidths: [30, 13], outputSize: 3, activation: Activation(.tanh), head: .softmax,
        weightInitializer: Initializer(.xavierNormal), biasInitializer: Initializer(.zeros)),
      optimizer: optimizer, loss: .crossEntropy, batchSize: 10, length: .steps(4), logEvery: 1)
    var seed = Xoshiro256(seed: 4)
    let session = try TrainingSession(plan: p, data: data, initialization: &seed)
    func norm(_ x: [Float]) -> Double { x.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
    for start in stride(from: 0, to: 40, by: 10) {
      let batch = Array(start..<start + 10)
      let whole = session.inspect(batch: batch).layers
      let before = (1...3).map { session.network.weights(layer: $0) }
      let (status, layers) = session.loggedStep(batch: batch)
      #expect(status == .updated)
      for index in 0..<3 {
        let (got, want) = (layers[index], whole[index])
        let after = session.network.weights(layer: index + 1)
        let change = norm(zip(after, before[index]).map { $0 - $1 })
        #expect(abs(got.gradWNorm - want.gradWNorm) <= 1e-6 * want.gradWNorm, "layer \(index + 1) ‖∂L/∂W‖")
        #expect(abs(got.gradWMeanAbs - want.gradWMeanAbs) <= 1e-6 * want.gradWMeanAbs, "layer \(index + 1) mean |∂L/∂W|")
        #expect(abs(got.weightNorm - norm(before[index])) <= 1e-6 * got.weightNorm, "layer \(index + 1) ‖W‖ before")
        #expect(
          abs(got.updateRatio - change / norm(before[index])) <= 1e-5 * got.updateRatio,
          "layer \(index + 1) ‖ΔW‖/‖W‖ \(got.updateRatio) vs \(change / norm(before[index]))")
      }
    }
  }

  /// Widths below one vector, with a tail the kernels reach back for (13, 30), and whole
  /// vectors (16); ReLU with a negative bias mean so that some units are dead.
  @Test(
    "statistics agree with a direct computation from the network",
    arguments: [(ActivationKind.sigmoid, 6), (.sigmoid, 13), (.sigmoid, 16), (.relu, 30)])
  func statisticsAreRight(kind: ActivationKind, width: Int) throws {
    let bias = kind == .relu ? Initializer(.constant, value: -1.5) : Initializer(.normal, std: 1)
    let p = plan(kind, widths: [width], batch: 50, length: .steps(1), logEvery: 1, bias: bias)
    var initialization = Xoshiro256(seed: 8)
    let session = try TrainingSession(plan: p, data: data, initialization: &initialization)
    let stats = session.inspect(batch: Array(0..<50)).layers[0]
    let w = session.network.weights(layer: 1).map(Double.init), b = session.network.biases(layer: 1).map(Double.init)
    var z: [Double] = [], a: [Double] = [], d: [Double] = []
    for row in 0..<50 {
      for j in 0..<width {
        var sum = b[j]
        for i in 0..<4 { sum += Double(data.features[row * 4 + i]) * w[i * width + j] }
        z.append(sum)
        a.append(Reference.activation(kind, sum))
        d.append(Reference.derivative(kind, sum))
      }
    }
    func meanStd(_ x: [Double]) -> (Double, Double) {
      let mean = x.reduce(0, +) / Double(x.count)
      return (mean, (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)).squareRoot())
    }
    let (zm, zs) = meanStd(z), (am, asd) = meanStd(a)
    #expect(abs(stats.preactMean - zm) < 1e-5 && abs(stats.preactStd - zs) < 1e-5)
    #expect(abs(stats.actMean - am) < 1e-5 && abs(stats.actStd - asd) < 1e-5)
    #expect(abs(stats.derivMean - d.reduce(0, +) / Double(d.count)) < 1e-6)
    let threshold = kind == .relu ? 0.01 : 0.0025
    let saturated = Double(d.filter { $0 < threshold }.count) / Double(d.count)
    #expect(abs(stats.saturatedFraction - saturated) < 1e-12)
    let dead = (0..<width).filter { j in (0..<50).allSatisfy { d[$0 * width + j] < threshold } }.count
    #expect(stats.deadFraction == Double(dead) / Double(width))
    if kind == .relu { #expect(dead > 0 && dead < width, "the ReLU case should have some dead units, not all") }
    #expect(abs(stats.weightNorm - w.map { $0 * $0 }.reduce(0, +).squareRoot()) < 1e-5)
  }

  @Test("PReLU learns its slope, logged per hidden layer")
  func preluSlope() throws {
    let p = plan(.prelu, widths: [8, 8], optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.5, weightDecay: 0.1),
                 length: .steps(20), logEvery: 10)
    var initialization = Xoshiro256(seed: 9), shuffling = Xoshiro256(seed: 10)
    var observer = RecordingObserver()
    let session = try TrainingSession(plan: p, data: data, initialization: &initialization)
    _ = try session.run(validation: nil, shuffling: &shuffling, observer: &observer)
    #expect(observer.layers[0][0].preluSlope == 0.25)
    #expect(observer.layers[0][2].preluSlope == nil)
    #expect(session.network.preluSlope(layer: 1) != 0.25)
    #expect(observer.layers.last![1].preluSlope == Double(session.network.preluSlope(layer: 2)!))
  }

  @Test("regression: mse with a linear head, accuracy nan")
  func regression() throws {
    let values = TestData.regression(rows: 40, features: 3, outputs: 2, seed: 30)
    let p = plan(.elu, inputs: 3, outputs: 2, head: .linear, loss: .meanSquaredError, length: .epochs(20), logEvery: 50)
    let (result, observer) = try run(p, data: values)
    #expect(result.outcome == .completed)
    #expect(result.finalTrainAccuracy.isNaN && observer.records[0].accuracy.isNaN)
    #expect(result.finalTrainLoss < observer.records[0].loss)
  }

  @Test("a sigmoid head on two classes trains with one output unit")
  func binary() throws {
    // Labels a linear function of the features decides (x₀ + x₁ > 0): learnable whatever
    // the draws (random labels on 40 rows made this test depend on the seed's luck).
    let twoClasses = TestData.separable(rows: 40, features: 4, seed: 31)
    let outputs = NetworkSpec.outputSize(head: .sigmoid, for: twoClasses.targets)
    #expect(outputs == 1)
    let p = plan(.relu, outputs: outputs, head: .sigmoid, loss: .binaryCrossEntropy, length: .epochs(30),
                 weights: Initializer(.heNormal))
    let (result, _) = try run(p, data: twoClasses)
    #expect(result.finalTrainAccuracy > 0.8)
  }

  @Test("impossible plans throw EngineError, never trap")
  func errors() throws {
    var g = Xoshiro256(seed: 1)
    let wrongHead = plan(head: .softmax, loss: .binaryCrossEntropy)
    #expect(throws: EngineError.self) { try TrainingSession(plan: wrongHead, data: data, initialization: &g) }
    let wrongInputs = plan(inputs: 5)
    #expect(throws: EngineError.self) { try TrainingSession(plan: wrongInputs, data: data, initialization: &g) }
    let badLabels = Dataset(features: [0, 0, 0, 0], featureCount: 4, targets: .classes(labels: [7], classCount: 3))
    #expect(throws: EngineError.self) { try TrainingSession(plan: plan(), data: badLabels, initialization: &g) }
    let linearCrossEntropy = plan(head: .linear, loss: .crossEntropy)
    #expect(throws: EngineError.self) { try TrainingSession(plan: linearCrossEntropy, data: data, initialization: &g) }
    #expect(g == Xoshiro256(seed: 1), "nothing is drawn before the plan is checked")
  }

  @Test("evaluation over a set equals the mean of per-example losses")
  func evaluation() throws {
    var g = Xoshiro256(seed: 4)
    let session = try TrainingSession(plan: plan(), data: data, initialization: &g)
    let whole = try session.evaluate(validation)
    let perExample = (0..<validation.count).map { i in try! session.evaluate(validation.subset([i])) }
    let meanLoss = perExample.map(\.loss).reduce(0, +) / Double(validation.count)
    let accuracy = perExample.map(\.accuracy).reduce(0, +) / Double(validation.count)
    #expect(abs(whole.loss - meanLoss) < 1e-6)
    #expect(abs(whole.accuracy - accuracy) < 1e-12)
    let probabilities = session.predict(Array(validation.features.prefix(8)))
    #expect(probabilities.count == 6)
    #expect(abs(probabilities[0..<3].reduce(0, +) - 1) < 1e-6)
  }
}
