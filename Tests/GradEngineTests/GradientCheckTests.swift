import Foundation
import Testing
@testable import GradEngine

/// A head/loss pairing and the data it is checked on.
struct LossCase: CustomStringConvertible, Sendable {
  var head: OutputHead
  var loss: LossKind
  var data: Dataset
  var description: String { "\(head.rawValue)+\(loss.rawValue)/\(data.outputCount)" }

  static let all: [LossCase] = [
    LossCase(head: .softmax, loss: .crossEntropy, data: TestData.classification(rows: 6, features: 4, classes: 3, seed: 11)),
    LossCase(head: .sigmoid, loss: .binaryCrossEntropy, data: TestData.classification(rows: 6, features: 4, classes: 2, seed: 12)),
    LossCase(head: .sigmoid, loss: .crossEntropy, data: TestData.classification(rows: 6, features: 4, classes: 3, seed: 13)),
    LossCase(head: .linear, loss: .meanSquaredError, data: TestData.regression(rows: 6, features: 4, outputs: 2, seed: 14)),
    LossCase(head: .softmax, loss: .meanSquaredError, data: TestData.classification(rows: 6, features: 4, classes: 3, seed: 15)),
    LossCase(head: .sigmoid, loss: .meanSquaredError, data: TestData.regression(rows: 6, features: 4, outputs: 2, seed: 16, unitInterval: true)),
  ]
}

/// Dense targets as the engine builds them (one-hot, a 0/1 label for one unit, values).
func denseTargets(_ data: Dataset, outputSize: Int) -> [Double] {
  switch data.targets {
  case .classes(let labels, _):
    var y = [Double](repeating: 0, count: labels.count * outputSize)
    for (row, label) in labels.enumerated() {
      if outputSize == 1 { y[row] = Double(label) } else { y[row * outputSize + Int(label)] = 1 }
    }
    return y
  case .values(let values, _): return values.map(Double.init)
  }
}

@Suite("Gradient checks")
struct GradientCheckTests {
  /// Central differences of the Double reference loss (h = 10⁻⁶, error ~10⁻¹⁰) against
  /// the engine's Float backward pass on a 4 → 5 → 6 → 5 → K network with random biases.
  /// Per tensor, ‖g − g_fd‖ ≤ 10⁻⁴·‖g_fd‖ + 10⁻⁶; per entry, within 10⁻³ of the tensor's
  /// largest entry.
  func check(activation kind: ActivationKind, case lossCase: LossCase, useBias: Bool = true) throws {
    let outputSize = NetworkSpec.outputSize(head: lossCase.head, for: lossCase.data.targets)
    let spec = NetworkSpec(
      inputSize: 4, hiddenWidths: [5, 6, 5], outputSize: outputSize, activation: Activation(kind),
      head: lossCase.head, useBias: useBias, weightInitializer: Initializer(.xavierNormal, gain: 1.3),
      biasInitializer: Initializer(.normal, std: 0.3))
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: lossCase.loss,
      batchSize: 6, length: .steps(1), logEvery: 1)
    var initialization = Xoshiro256(seed: 99)
    let session = try TrainingSession(plan: plan, data: lossCase.data, initialization: &initialization)
    if kind == .prelu {
      for layer in 1...3 { session.network.setPReLUSlope(0.2 + 0.05 * Float(layer), layer: layer) }
    }
    let inspection = session.inspect(batch: Array(0..<6))

    let reference = ReferenceNetwork(session.network)
    let features = lossCase.data.features.map(Double.init)
    let targets = denseTargets(lossCase.data, outputSize: outputSize)
    let referenceLoss = reference.loss(features: features, targets: targets, rows: 6, loss: lossCase.loss)
    #expect(abs(inspection.loss - referenceLoss) <= 1e-5 * max(1, abs(referenceLoss)), "loss \(inspection.loss) vs \(referenceLoss)")

    let h = 1e-6
    func difference(_ perturb: (inout ReferenceNetwork, Double) -> Void) -> Double {
      var plus = reference, minus = reference
      perturb(&plus, h)
      perturb(&minus, -h)
      return (plus.loss(features: features, targets: targets, rows: 6, loss: lossCase.loss)
        - minus.loss(features: features, targets: targets, rows: 6, loss: lossCase.loss)) / (2 * h)
    }
    func compare(_ engine: [Float], _ finite: [Double], _ what: String) {
      let errorNorm = zip(engine, finite).map { (Double($0) - $1) * (Double($0) - $1) }.reduce(0, +).squareRoot()
      let norm = finite.map { $0 * $0 }.reduce(0, +).squareRoot()
      #expect(errorNorm <= 1e-4 * norm + 1e-6, "\(what): ‖error‖ \(errorNorm), ‖gradient‖ \(norm)")
      let largest = finite.map(abs).max() ?? 0
      for (e, f) in zip(engine, finite) where abs(Double(e) - f) > 1e-3 * largest + 1e-6 {
        Issue.record("\(what): entry \(e) vs finite difference \(f)")
        break
      }
    }
    for (index, layer) in session.network.layers.enumerated() {
      let weightFD = (0..<layer.weights.count).map { i in difference { $0.weights[index][i] += $1 } }
      compare(layer.weights.gradient.array, weightFD, "\(kind.rawValue) \(lossCase) W\(index + 1)")
      if let bias = layer.bias {
        let biasFD = (0..<bias.count).map { j in difference { $0.biases[index][j] += $1 } }
        compare(bias.gradient.array, biasFD, "\(kind.rawValue) \(lossCase) b\(index + 1)")
      }
      if let slope = layer.slope {
        let slopeFD = difference { $0.slopes[index] += $1 }
        compare(slope.gradient.array, [slopeFD], "\(kind.rawValue) \(lossCase) slope\(index + 1)")
      }
    }
    // The statistics' gradient norms are those of the same gradients.
    let biasNorm = session.network.layers[0].bias.map { b in b.gradient.array.map { Double($0 * $0) }.reduce(0, +).squareRoot() }
    if let biasNorm { #expect(abs(inspection.layers[0].gradBNorm - biasNorm) <= 1e-6 * biasNorm + 1e-12) }
  }

  @Test("every activation × every head/loss on a 3-hidden-layer net", arguments: ActivationKind.allCases, LossCase.all)
  func everyActivationAndLoss(kind: ActivationKind, lossCase: LossCase) throws {
    try check(activation: kind, case: lossCase)
  }

  @Test("without biases")
  func withoutBias() throws {
    try check(activation: .tanh, case: LossCase.all[0], useBias: false)
  }
}
