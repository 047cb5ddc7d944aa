import Foundation
import Testing
@testable import GradEngine

private let everything = InstrumentOptions(
  preactGradNorm: true, correlation: 0.4, jacobian: true, jacobianEvery: 4, weightDistance: true,
  spectralNorm: true, gradQuantiles: true)

private func plan(
  _ optimizer: OptimizerKind = .sgd, clip: Double? = nil, widths: [Int] = [12, 10, 8],
  instruments: InstrumentOptions = InstrumentOptions(), dropout: Double = 0
) -> TrainingPlan {
  var plan = TrainingPlan(
    network: NetworkSpec(
      inputSize: 6, hiddenWidths: widths, outputSize: 3, activation: Activation(.tanh), head: .softmax,
      weightInitializer: Initializer(.xavierNormal), biasInitializer: Initializer(.normal, std: 0.1), dropout: dropout),
    optimizer: OptimizerSpec(kind: optimizer, learningRate: 0.05, clipGradNorm: clip), loss: .crossEntropy,
    batchSize: 8, length: .steps(12), logEvery: 2)
  plan.instruments = instruments
  return plan
}

private let data = TestData.classification(rows: 40, features: 6, classes: 3, seed: 21)

private func run(_ plan: TrainingPlan) throws -> RecordingObserver {
  var initialization = Xoshiro256(seed: 5), shuffling = Xoshiro256(seed: 6), dropout = Xoshiro256(seed: 7)
  var observer = RecordingObserver()
  _ = try train(
    plan, on: data, validation: nil, initialization: &initialization, shuffling: &shuffling, dropout: &dropout,
    observer: &observer)
  return observer
}

@Suite("Instruments in a training")
struct InstrumentSessionTests {
  @Test("instruments never change the trajectory (fused SGD, clipped SGD, Adam, dropout)")
  func trajectoryUnchanged() throws {
    for base in [plan(), plan(clip: 0.5), plan(.adam), plan(dropout: 0.2)] {
      var measured = base
      measured.instruments = everything
      let plain = try run(base), instrumented = try run(measured)
      #expect(plain.fingerprint == instrumented.fingerprint)
      #expect(plain.layers.allSatisfy { $0.allSatisfy { $0.instruments == nil } })
      #expect(instrumented.layers.allSatisfy { $0.allSatisfy { $0.instruments != nil } })
    }
  }

  @Test("preact_grad_norm of a batch is the mean of each example's own ‖∂ℓ/∂h‖ (grad_b_norm of a batch of one)")
  func perExampleNorms() throws {
    var initialization = Xoshiro256(seed: 3)
    let session = try TrainingSession(
      plan: plan(instruments: InstrumentOptions(preactGradNorm: true)), data: data, initialization: &initialization)
    let rows = Array(0..<8)
    let batch = session.inspect(batch: rows)
    let single = rows.map { session.inspect(batch: [$0]).layers }
    for layer in 0..<4 {
      let expected = single.map { $0[layer].gradBNorm }.reduce(0, +) / Double(rows.count)
      let measured = try #require(batch.layers[layer].instruments?.preactGradNorm)
      #expect(abs(measured - expected) <= 1e-5 * expected, "layer \(layer + 1): \(measured) vs \(expected)")
      // The norm of the batch sum is smaller: the examples' gradients partly cancel.
      #expect(batch.layers[layer].gradBNorm < measured)
    }
  }

  @Test("grad quantiles are the bands of the layer's |∂L/∂W| (the gradient-check-tested buffer)")
  func quantilesOfTheGradient() throws {
    var initialization = Xoshiro256(seed: 3)
    let session = try TrainingSession(
      plan: plan(instruments: InstrumentOptions(gradQuantiles: true)), data: data, initialization: &initialization)
    let inspection = session.inspect(batch: Array(0..<8))
    for (index, layer) in session.network.layers.enumerated() {
      let sorted = layer.weights.gradient.array.map(abs).sorted()
      let bands = try #require(inspection.layers[index].instruments?.gradQuantiles)
      #expect(bands[0] == Double(sorted.first!) && bands[8] == Double(sorted.last!))
      let middle = sorted.count / 2
      let median = sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
      #expect(abs(bands[4] - median) <= 1e-12 * median)
      #expect(bands == bands.sorted())
      // Their mean lies inside the band, as grad_w_mean_abs must.
      #expect(inspection.layers[index].gradWMeanAbs > bands[0] && inspection.layers[index].gradWMeanAbs < bands[8])
    }
  }

  @Test("weight distance: 0 at step 0, then ‖W − W₀‖/‖W₀‖ of the weights before each update; the Jacobian at 0 and every 4th step")
  func distanceAndJacobianSchedule() throws {
    let observed = try run(plan(instruments: everything))
    #expect(observed.records.map(\.step) == [0, 2, 4, 6, 8, 10, 12])
    #expect(observed.records.map { $0.jacobian != nil } == [true, false, true, false, true, false, true])
    #expect(observed.layers[0].allSatisfy { $0.instruments?.weightDistance == 0 })
    #expect(observed.layers.last!.allSatisfy { ($0.instruments?.weightDistance ?? 0) > 0 })
    // Step 0's spectral norm is that of the initial weights; the Jacobian's k = min(6, 8) = 6 values.
    var initialization = Xoshiro256(seed: 5)
    let network = try Network(plan().network, initialization: &initialization)
    for (index, layer) in network.layers.enumerated() {
      let expected = spectralNorm(layer.weights.value.pointer, rows: layer.fanIn, columns: layer.fanOut)
      #expect(observed.layers[0][index].instruments?.spectralNorm == expected)
    }
    #expect(observed.records[0].jacobian?.singularValues.count == 6)
    let correlations = observed.layers[0].compactMap { $0.instruments?.correlation }
    #expect(correlations.count == 4 && correlations.allSatisfy { abs($0) <= 1 })
  }
}
