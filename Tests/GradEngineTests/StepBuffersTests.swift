import Testing

@testable import GradEngine

/// What the statistics stage hands to per-layer instruments (`LayerBuffers`) is what its
/// documentation says: δ rows are per-example gradients over the batch size, the bias
/// gradient is their column sum, and a weight gradient formed on demand equals the one the
/// step formed.
@Suite("Step buffers for instruments")
struct StepBuffersTests {
  let data = TestData.classification(rows: 12, features: 5, classes: 3, seed: 31)

  private func session(_ optimizer: OptimizerKind) throws -> TrainingSession {
    let plan = TrainingPlan(
      network: NetworkSpec(
        inputSize: 5, hiddenWidths: [7, 6], outputSize: 3, activation: Activation(.tanh), head: .softmax,
        weightInitializer: Initializer(.xavierNormal), biasInitializer: Initializer(.normal, std: 0.1)),
      optimizer: OptimizerSpec(kind: optimizer, learningRate: 0.1), loss: .crossEntropy, batchSize: 12,
      length: .steps(1), logEvery: 1)
    var initialization = Xoshiro256(seed: 8)
    return try TrainingSession(plan: plan, data: data, initialization: &initialization)
  }

  private func buffers(_ session: TrainingSession, rows: Int, formed: Bool) -> StepBuffers {
    StepBuffers(
      network: session.network, workspace: session.workspace, rows: rows, gradientsFormed: formed, updated: false)
  }

  @Test("δ row r × rows is example r's own ∂L/∂z; Σ_rows δ is the bias gradient")
  func deltasArePerExampleGradientsOverTheBatchSize() throws {
    let session = try session(.sgd)
    let rows = data.count
    _ = session.inspect(batch: Array(0..<rows))
    let step = buffers(session, rows: rows, formed: true)
    let batch = (0..<3).map { index -> [Float] in
      let layer = step.layer(index)
      return Array(UnsafeBufferPointer(start: layer.deltas, count: rows * layer.fanOut))
    }
    for index in 0..<3 {
      let width = step.layer(index).fanOut
      let bias = session.network.layers[index].bias!.gradient.array
      for j in 0..<width {
        let sum = (0..<rows).map { Double(batch[index][$0 * width + j]) }.reduce(0, +)
        #expect(abs(sum - Double(bias[j])) <= 1e-6 * max(1, abs(sum)), "layer \(index + 1) unit \(j)")
      }
    }
    for example in [0, 5, 11] {
      _ = session.inspect(batch: [example])
      let alone = buffers(session, rows: 1, formed: true)
      for index in 0..<3 {
        let layer = alone.layer(index)
        let own = Array(UnsafeBufferPointer(start: layer.deltas, count: layer.fanOut))
        let scaled = (0..<layer.fanOut).map { Float(rows) * batch[index][example * layer.fanOut + $0] }
        for (a, b) in zip(own, scaled) {
          #expect(abs(a - b) <= 1e-5 * max(1, abs(a)), "layer \(index + 1) example \(example)")
        }
      }
    }
  }

  @Test("a weight gradient formed on demand is the step's own, bit for bit", arguments: [OptimizerKind.sgd, .adam])
  func formedOnDemandEqualsTheStepsGradient(optimizer: OptimizerKind) throws {
    let session = try session(optimizer)
    _ = session.inspect(batch: Array(0..<data.count))
    let step = buffers(session, rows: data.count, formed: true)
    for index in 0..<3 {
      let layer = step.layer(index)
      let formed = Array(UnsafeBufferPointer(start: layer.weightGradient!, count: layer.fanIn * layer.fanOut))
      let again = Array(UnsafeBufferPointer(start: step.formWeightGradient(layer: index), count: formed.count))
      #expect(formed.map(\.bitPattern) == again.map(\.bitPattern))
      #expect(formed.contains { $0 != 0 })
    }
    #expect(buffers(session, rows: data.count, formed: false).layer(0).weightGradient == nil)
  }
}
