import Foundation
import Testing
@testable import GradEngine

private func curedPlan(
  _ activation: ActivationKind = .tanh, widths: [Int] = [8, 8, 8], normalization: NormalizationKind = .none,
  position: NormPosition = .pre, residual: ResidualKind = .none, residualEvery: Int = 2, dropout: Double = 0,
  optimizer: OptimizerSpec = OptimizerSpec(kind: .sgd, learningRate: 0.1), batch: Int = 10,
  length: TrainingLength = .epochs(3), logEvery: Int = 4, schedule: LearningRateSchedule = LearningRateSchedule()
) -> TrainingPlan {
  TrainingPlan(
    network: NetworkSpec(
      inputSize: 4, hiddenWidths: widths, outputSize: 3, activation: Activation(activation), head: .softmax,
      weightInitializer: Initializer(.xavierNormal), biasInitializer: Initializer(.normal, std: 0.1),
      normalization: normalization, normPosition: position, residual: residual, residualEvery: residualEvery,
      dropout: dropout),
    optimizer: optimizer, loss: .crossEntropy, batchSize: batch, length: length, logEvery: logEvery,
    schedule: schedule)
}

/// Trains through the public entry point with the dropout stream, all streams from `seed`.
private func trainWithStreams(
  _ plan: TrainingPlan, data: Dataset, validation: Dataset? = nil, seed: UInt64 = 1, dropoutSeed: UInt64? = nil
) throws -> (TrainingResult, RecordingObserver, Xoshiro256) {
  let streams = SeedStreams(runSeed: seed)
  var initialization = streams.generator(for: .initialization)
  var shuffling = streams.generator(for: .shuffling)
  var dropout = dropoutSeed.map { Xoshiro256(seed: $0) } ?? streams.generator(for: .dropout)
  var observer = RecordingObserver()
  let result = try train(
    plan, on: data, validation: validation, initialization: &initialization, shuffling: &shuffling,
    dropout: &dropout, observer: &observer)
  return (result, observer, dropout)
}

/// Every parameter of a network as bits (for bitwise comparisons of trainings).
private func parameterBits(_ network: Network) -> [UInt32] {
  network.parameters.flatMap { $0.value.array.map(\.bitPattern) }
}

@Suite("Normalisation, residual blocks, dropout: training behaviour")
struct CuresTrainingTests {
  let data = TestData.classification(rows: 50, features: 4, classes: 3, seed: 21)
  let validation = TestData.classification(rows: 20, features: 4, classes: 3, seed: 22)

  @Test("the options draw nothing at initialisation: same seed, same weights as the plain network")
  func sameInitialWeights() throws {
    var first = Xoshiro256(seed: 4), second = Xoshiro256(seed: 4)
    let plain = try Network(curedPlan().network, initialization: &first)
    let cured = try Network(
      curedPlan(normalization: .batch, residual: .identity, residualEvery: 1, dropout: 0.5).network,
      initialization: &second)
    #expect(first == second)
    for layer in 1...4 {
      #expect(plain.weights(layer: layer) == cured.weights(layer: layer))
      #expect(plain.biases(layer: layer) == cured.biases(layer: layer))
    }
    #expect(cured.normalizationScale(layer: 2) == [Float](repeating: 1, count: 8))
    #expect(cured.normalizationShift(layer: 2) == [Float](repeating: 0, count: 8))
    #expect(plain.normalizationScale(layer: 2).isEmpty && plain.runningStatistics(layer: 2) == nil)
  }

  @Test("batch norm: running statistics follow μ̄ ← 0.9μ̄ + 0.1μ_B, σ̄² ← 0.9σ̄² + 0.1σ²_B·N/(N−1), only after an applied update")
  func runningStatistics() throws {
    let plan = curedPlan(.relu, widths: [5, 5], normalization: .batch, batch: 8)
    var initialization = Xoshiro256(seed: 12)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    let network = session.network
    #expect(network.runningStatistics(layer: 1)!.mean == [Float](repeating: 0, count: 5))
    #expect(network.runningStatistics(layer: 1)!.variance == [Float](repeating: 1, count: 5))

    // z of layer 1 on rows 0..<8 by hand, before the step changes W.
    let batch = Array(0..<8)
    let w = network.weights(layer: 1).map(Double.init), b = network.biases(layer: 1).map(Double.init)
    var expectedMean: [Double] = [], expectedVariance: [Double] = []
    for j in 0..<5 {
      let z = batch.map { row in b[j] + (0..<4).map { Double(data.features[row * 4 + $0]) * w[$0 * 5 + j] }.reduce(0, +) }
      let mean = z.reduce(0, +) / 8
      let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
      expectedMean.append(0.1 * mean)
      expectedVariance.append(0.9 + 0.1 * variance * 8 / 7)
    }
    _ = session.inspect(batch: batch)
    #expect(network.runningStatistics(layer: 1)!.mean == [Float](repeating: 0, count: 5), "inspect changes nothing")
    #expect(session.step(batch: batch) == .updated)
    let (mean, variance) = network.runningStatistics(layer: 1)!
    for j in 0..<5 {
      #expect(abs(Double(mean[j]) - expectedMean[j]) <= 1e-6 * max(1, abs(expectedMean[j])))
      #expect(abs(Double(variance[j]) - expectedVariance[j]) <= 1e-6 * expectedVariance[j])
    }

    // A one-row batch (an epoch's remainder) carries no variance: statistics unchanged.
    let before = network.runningStatistics(layer: 2)!
    #expect(session.step(batch: [3]) == .updated)
    #expect(network.runningStatistics(layer: 2)!.mean == before.mean)
    #expect(network.runningStatistics(layer: 2)!.variance == before.variance)

    // A diverged step applies nothing, running statistics included.
    var features = data.features
    features[4 * 2] = .nan
    let poisoned = Dataset(features: features, featureCount: 4, targets: data.targets)
    let poisonedSession = try TrainingSession(plan: plan, data: poisoned, network: network)
    let snapshot = (network.runningStatistics(layer: 1)!, parameterBits(network))
    guard case .diverged = poisonedSession.step(batch: batch) else {
      Issue.record("a NaN feature should diverge")
      return
    }
    #expect(network.runningStatistics(layer: 1)!.mean == snapshot.0.mean)
    #expect(parameterBits(network) == snapshot.1)
  }

  @Test("batch norm: evaluation uses the running statistics (a hand computation), training the batch's", arguments: [NormPosition.pre, .post])
  func inferenceMode(position: NormPosition) throws {
    let plan = curedPlan(.tanh, widths: [6, 6], normalization: .batch, position: position, batch: 10)
    var initialization = Xoshiro256(seed: 13)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    for start in stride(from: 0, to: 40, by: 10) { session.step(batch: Array(start..<(start + 10))) }
    #expect(session.network.runningStatistics(layer: 2)!.variance != [Float](repeating: 1, count: 6))

    var reference = CuredReference(session.network)
    let features = validation.features.map(Double.init)
    let targets = denseTargets(validation, outputSize: 3)
    reference.training = false
    let evaluationLoss = reference.loss(features: features, targets: targets, rows: 20, loss: .crossEntropy)
    reference.training = true
    let trainingModeLoss = reference.loss(features: features, targets: targets, rows: 20, loss: .crossEntropy)

    let evaluation = try session.evaluate(validation)
    #expect(abs(evaluation.loss - evaluationLoss) <= 1e-5 * evaluationLoss, "\(evaluation.loss) vs \(evaluationLoss)")
    #expect(abs(evaluation.loss - trainingModeLoss) > 1e-3, "the modes differ")
    // The training-mode pass (inspect) matches the reference with batch statistics.
    let batchSession = try TrainingSession(plan: plan, data: validation, network: session.network)
    let inspection = batchSession.inspect(batch: Array(0..<20))
    #expect(abs(inspection.loss - trainingModeLoss) <= 1e-5 * trainingModeLoss)
    // predict() is evaluation mode too: its probabilities give the evaluation loss.
    let probabilities = session.predict(validation.features)
    guard case .classes(let labels, _) = validation.targets else { return }
    let predictedLoss = labels.enumerated().map { -log(Double(probabilities[$0.offset * 3 + Int($0.element)])) }.reduce(0, +) / 20
    #expect(abs(predictedLoss - evaluationLoss) <= 1e-5 * evaluationLoss)
  }

  @Test("layer norm and residual blocks: evaluation equals the reference (no modes)")
  func layerNormEvaluation() throws {
    let plan = curedPlan(.gelu, widths: [6, 6, 6, 6], normalization: .layer, residual: .identity, residualEvery: 1)
    var initialization = Xoshiro256(seed: 14)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    for start in stride(from: 0, to: 40, by: 10) { session.step(batch: Array(start..<(start + 10))) }
    let reference = CuredReference(session.network)
    let expected = reference.loss(
      features: validation.features.map(Double.init), targets: denseTargets(validation, outputSize: 3), rows: 20,
      loss: .crossEntropy)
    #expect(abs(try session.evaluate(validation).loss - expected) <= 1e-5 * expected)
  }

  @Test("dropout is off in evaluation: the same network without dropout evaluates to the same bits")
  func evaluationWithoutDropout() throws {
    let plan = curedPlan(.elu, dropout: 0.4)
    var initialization = Xoshiro256(seed: 15)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization, dropout: Xoshiro256(seed: 2))
    for start in stride(from: 0, to: 40, by: 10) { session.step(batch: Array(start..<(start + 10))) }
    var noDropout = plan
    noDropout.network.dropout = 0
    var other = Xoshiro256(seed: 15)
    let twin = try TrainingSession(plan: noDropout, data: data, initialization: &other)
    for layer in 1...4 {
      twin.network.setWeights(session.network.weights(layer: layer), layer: layer)
      twin.network.setBiases(session.network.biases(layer: layer), layer: layer)
    }
    let a = try session.evaluate(validation), b = try twin.evaluate(validation)
    #expect(a.loss.bitPattern == b.loss.bitPattern && a.accuracy == b.accuracy)
  }

  @Test("dropout masks: P(kept) = 1 − p, kept units scaled by 1/(1 − p), ⌈n/2⌉ draws")
  func dropoutMasks() {
    let count = 100_001
    var mask = [Float](repeating: -1, count: count)
    var generator = Xoshiro256(seed: 77)
    mask.withUnsafeMutableBufferPointer { drawDropoutMask($0.baseAddress!, count: count, dropout: 0.3, using: &generator) }
    let dropped = Double(mask.filter { $0 == 0 }.count) / Double(count)
    #expect(abs(dropped - 0.3) < 4 * (0.3 * 0.7 / Double(count)).squareRoot())  // 4σ
    #expect(mask.allSatisfy { $0 == 0 || $0 == Float(1 / 0.7) })
    var expected = Xoshiro256(seed: 77)
    for _ in 0..<((count + 1) / 2) { _ = expected.next() }
    #expect(generator == expected)
  }

  @Test("dropout: a step draws from the dropout stream, inspect does not; same seeds ⇒ same bits, another dropout seed differs")
  func dropoutDeterminism() throws {
    let plan = curedPlan(.relu, normalization: .batch, residual: .identity, residualEvery: 1, dropout: 0.3, logEvery: 3)
    var initialization = Xoshiro256(seed: 1)
    let start = Xoshiro256(seed: 9)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization, dropout: start)
    _ = session.inspect(batch: Array(0..<10))
    #expect(session.dropoutGenerator == start)
    session.step(batch: Array(0..<10))
    var expected = start
    for _ in 0..<(3 * 10 * 8 / 2) { _ = expected.next() }  // three 10 × 8 masks
    #expect(session.dropoutGenerator == expected)

    let (a, first, streamA) = try trainWithStreams(plan, data: data, validation: validation, seed: 5)
    let (b, second, streamB) = try trainWithStreams(plan, data: data, validation: validation, seed: 5)
    let (_, other, _) = try trainWithStreams(plan, data: data, validation: validation, seed: 5, dropoutSeed: 123)
    #expect(first.fingerprint == second.fingerprint)
    #expect(a.finalTrainLoss.bitPattern == b.finalTrainLoss.bitPattern)
    #expect(streamA == streamB && streamA != SeedStreams(runSeed: 5).generator(for: .dropout))
    #expect(first.fingerprint != other.fingerprint)
  }

  @Test("logging does not change the trajectory with batch norm, residual blocks and dropout")
  func loggingInvariance() throws {
    var finals: [[UInt32]] = []
    for every in [1, 0, 7] {
      let plan = curedPlan(
        .sigmoid, normalization: .batch, position: .post, residual: .identity, dropout: 0.2, batch: 7, logEvery: every)
      var initialization = Xoshiro256(seed: 3), shuffling = Xoshiro256(seed: 4)
      var observer = RecordingObserver()
      let session = try TrainingSession(plan: plan, data: data, initialization: &initialization, dropout: Xoshiro256(seed: 6))
      _ = try session.run(validation: validation, shuffling: &shuffling, observer: &observer)
      finals.append(parameterBits(session.network) + session.network.runningStatistics(layer: 2)!.variance.map(\.bitPattern))
    }
    #expect(finals[0] == finals[1])
    #expect(finals[0] == finals[2])
  }

  @Test("the old train(…) signature: unchanged for plans without dropout, an EngineError for dropout")
  func trainSignatures() throws {
    let plain = curedPlan(.tanh, normalization: .layer)
    let streams = SeedStreams(runSeed: 2)
    var initialization = streams.generator(for: .initialization), shuffling = streams.generator(for: .shuffling)
    var observer = RecordingObserver()
    _ = try train(plain, on: data, validation: nil, initialization: &initialization, shuffling: &shuffling, observer: &observer)
    let (_, withStream, stream) = try trainWithStreams(plain, data: data, seed: 2)
    #expect(observer.fingerprint == withStream.fingerprint)
    #expect(stream == streams.generator(for: .dropout), "no dropout, nothing drawn")

    var g = Xoshiro256(seed: 1), s = Xoshiro256(seed: 2)
    #expect(throws: EngineError.self) {
      try train(curedPlan(dropout: 0.1), on: data, validation: nil, initialization: &g, shuffling: &s, observer: &observer)
    }
    #expect(g == Xoshiro256(seed: 1), "nothing drawn before the error")
  }

  @Test("clip_grad_norm rescales every gradient, γ, β and PReLU slopes included, by c/‖g‖ of all of them")
  func clippingCoversNewParameters() throws {
    let clip = 1e-3
    let plan = curedPlan(
      .prelu, normalization: .layer, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.5, clipGradNorm: clip))
    var initialization = Xoshiro256(seed: 16)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    let batch = Array(0..<10)
    let inspection = session.inspect(batch: batch)
    let parameters = session.network.parameters
    let gradients = parameters.map(\.gradient.array)
    let squares = gradients.joined().map { Double($0) * Double($0) }.reduce(0, +)
    #expect(abs(inspection.gradientNorm - squares.squareRoot()) <= 1e-6 * squares.squareRoot())
    #expect(inspection.gradientNorm > 10 * clip)
    let before = parameters.map(\.value.array)
    session.step(batch: batch)
    let factor = 0.5 * clip / inspection.gradientNorm
    var checked = 0
    for (parameter, (old, gradient)) in zip(parameters, zip(before, gradients)) {
      for (new, (w, g)) in zip(parameter.value.array, zip(old, gradient)) {
        #expect(abs(Double(new) - (Double(w) - factor * Double(g))) <= 1e-7 * max(1, abs(Double(w))))
      }
      checked += 1
    }
    #expect(checked == 3 * 5 + 2, "W, b, slope, γ, β per hidden layer; W, b for the output")
  }

  @Test("PReLU with layer norm: the slope learns and is logged before each update")
  func preluWithNormalization() throws {
    let plan = curedPlan(.prelu, widths: [8, 8], normalization: .layer, position: .post, length: .steps(20), logEvery: 10)
    var initialization = Xoshiro256(seed: 9), shuffling = Xoshiro256(seed: 10)
    var observer = RecordingObserver()
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    _ = try session.run(validation: nil, shuffling: &shuffling, observer: &observer)
    #expect(observer.layers[0][0].preluSlope == 0.25)
    #expect(session.network.preluSlope(layer: 1) != 0.25)
    #expect(observer.layers.last![1].preluSlope == Double(session.network.preluSlope(layer: 2)!))
    #expect(observer.layers[0].prefix(2).allSatisfy { $0.gammaNorm == 8.0.squareRoot() && $0.betaNorm == 0 })
    #expect(observer.layers.last![0].gammaNorm != 8.0.squareRoot())
  }

  @Test("statistics of a pre-normalised layer: z before the norm, f′ of the normalised input, γ/β norms")
  func statisticsWithBatchNorm() throws {
    let plan = curedPlan(.sigmoid, widths: [6], normalization: .batch, batch: 50, length: .steps(1), logEvery: 1)
    var initialization = Xoshiro256(seed: 8)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    let stats = session.inspect(batch: Array(0..<50)).layers
    let w = session.network.weights(layer: 1).map(Double.init), b = session.network.biases(layer: 1).map(Double.init)
    var z = [Double](repeating: 0, count: 300)
    for row in 0..<50 {
      for j in 0..<6 {
        z[row * 6 + j] = b[j] + (0..<4).map { Double(data.features[row * 4 + $0]) * w[$0 * 6 + j] }.reduce(0, +)
      }
    }
    let y = CuredReference(session.network).normalize(z, rows: 50, width: 6, layer: 0)
    func meanStd(_ x: [Double]) -> (Double, Double) {
      let mean = x.reduce(0, +) / Double(x.count)
      return (mean, (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)).squareRoot())
    }
    let (zMean, zStd) = meanStd(z)
    let (aMean, aStd) = meanStd(y.map { Reference.activation(.sigmoid, $0) })
    let layer = stats[0]
    #expect(abs(layer.preactMean - zMean) < 1e-5 && abs(layer.preactStd - zStd) < 1e-5)
    #expect(abs(layer.actMean - aMean) < 1e-5 && abs(layer.actStd - aStd) < 1e-5)
    #expect(abs(layer.derivMean - y.map { Reference.derivative(.sigmoid, $0) }.reduce(0, +) / 300) < 1e-6)
    #expect(layer.gammaNorm == 6.0.squareRoot() && layer.betaNorm == 0)
    let norm = session.network.layers[0].normalization!
    let gradBeta = norm.shift.gradient.array.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
    #expect(abs(layer.gradBetaNorm! - gradBeta) <= 1e-6 * gradBeta && layer.gradGammaNorm! > 0)
    // The dense bias before batch norm is redundant: its gradient is rounding noise.
    #expect(layer.gradBNorm < 1e-4 * gradBeta)
    #expect(stats[1].gradBetaNorm == nil && stats[1].gammaNorm == nil)
  }

  @Test("records carry the learning rate of the schedule")
  func recordsCarryLearningRate() throws {
    let plan = curedPlan(length: .steps(12), logEvery: 1, schedule: LearningRateSchedule(.cosine, minLearningRate: 0.01))
    let (_, observer, _) = try trainWithStreams(plan, data: data)
    #expect(observer.records.map(\.learningRate) == (0...12).map { Optional(plan.learningRate(at: $0, trainingCount: 50)) })
    #expect(observer.records.first!.learningRate == 0.1)
    #expect(abs(observer.records.last!.learningRate! - 0.01) < 1e-15)
  }

  @Test("a scheduled SGD step moves W by −η_t·∂L/∂W")
  func scheduledUpdates() throws {
    let plan = curedPlan(.tanh, widths: [6], schedule: LearningRateSchedule(.step, stepSize: 1, gamma: 0.5))
    var initialization = Xoshiro256(seed: 17)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    let batch = Array(0..<10)
    for t in 0..<3 {
      _ = session.inspect(batch: batch)
      let gradient = session.network.layers[0].weights.gradient.array
      let before = session.network.weights(layer: 1)
      session.step(batch: batch)
      let eta = 0.1 * pow(0.5, Double(t))
      for (new, (w, g)) in zip(session.network.weights(layer: 1), zip(before, gradient)) {
        #expect(abs(Double(new) - (Double(w) - eta * Double(g))) <= 1e-7 * max(1, abs(Double(w))))
      }
    }
  }

  @Test("residual blocks: layers 2…K+1, K+2…2K+1, …; remainder plain")
  func residualBlocks() {
    func blocks(_ depth: Int, _ k: Int, _ residual: ResidualKind = .identity) -> [ClosedRange<Int>] {
      curedPlan(widths: Array(repeating: 4, count: depth), residual: residual, residualEvery: k).network.residualBlocks
    }
    #expect(blocks(8, 2) == [2...3, 4...5, 6...7])
    #expect(blocks(3, 1) == [2...2, 3...3])
    #expect(blocks(7, 3) == [2...4, 5...7])
    #expect(blocks(1, 1) == [])
    #expect(blocks(8, 2, .none) == [])
  }

  @Test("impossible settings throw EngineError at plan validation, never trap", arguments: [
    curedPlan(widths: [8, 6, 6], residual: .identity, residualEvery: 2),  // block 2…3 is 6 wide, its input 8
    curedPlan(widths: [8, 8, 6], residual: .identity, residualEvery: 2),
    curedPlan(residual: .identity, residualEvery: 0),
    curedPlan(dropout: 1),
    curedPlan(dropout: -0.1),
    curedPlan(dropout: .nan),
    curedPlan(normalization: .batch, batch: 1),
    curedPlan(schedule: LearningRateSchedule(.step, stepSize: 0)),
    curedPlan(schedule: LearningRateSchedule(.step, gamma: 0)),
    curedPlan(schedule: LearningRateSchedule(.step, gamma: 1.5)),
    curedPlan(schedule: LearningRateSchedule(.cosine, minLearningRate: 0.2)),
    curedPlan(schedule: LearningRateSchedule(.warmupCosine, warmupSteps: -1)),
    curedPlan(schedule: LearningRateSchedule(minLearningRate: -1)),
  ])
  func invalidSettings(plan: TrainingPlan) {
    var g = Xoshiro256(seed: 1)
    #expect(throws: EngineError.self) {
      try TrainingSession(plan: plan, data: data, initialization: &g, dropout: Xoshiro256(seed: 2))
    }
    #expect(g == Xoshiro256(seed: 1))
  }

  @Test("a dropout plan without a dropout stream is an EngineError")
  func dropoutNeedsStream() {
    var g = Xoshiro256(seed: 1)
    #expect(throws: EngineError.self) { try TrainingSession(plan: curedPlan(dropout: 0.5), data: data, initialization: &g) }
  }

  @Test("parameter count and memory estimate include γ, β and the new buffers")
  func sizes() {
    let plain = curedPlan(widths: [8, 8])
    let normalized = curedPlan(widths: [8, 8], normalization: .batch, residual: .identity, residualEvery: 1, dropout: 0.1)
    #expect(normalized.network.parameterCount == plain.network.parameterCount + 2 * 16)
    #expect(normalized.estimatedMemoryBytes > plain.estimatedMemoryBytes)
  }

  @Test("sweeps train: every cure learns the training set a little (loss falls)", arguments: [
    curedPlan(.sigmoid, normalization: .batch), curedPlan(.tanh, normalization: .layer, position: .post),
    curedPlan(.relu, residual: .identity, residualEvery: 1), curedPlan(.elu, dropout: 0.2),
    curedPlan(.tanh, schedule: LearningRateSchedule(.warmupCosine)),
  ])
  func learns(plan: TrainingPlan) throws {
    var longer = plan
    longer.length = .epochs(30)
    longer.logEvery = 0
    // Learnable labels (the largest of the first 3 features): with the suite's random
    // labels, whether 30 epochs memorised 50 rows enough depended on the initial draws.
    let learnable = TestData.learnable(rows: 50, features: 4, classes: 3, seed: 21)
    let (result, observer, _) = try trainWithStreams(longer, data: learnable, validation: validation)
    #expect(result.outcome == .completed)
    #expect(result.finalTrainLoss < 0.8 * observer.records[0].loss, "\(result.finalTrainLoss) vs \(observer.records[0].loss)")
  }
}
