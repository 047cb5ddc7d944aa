import Foundation
import Testing
@testable import GradEngine

/// A network with some of issue 8's options, checked on one of the `LossCase` pairings.
struct CuredSetup: CustomStringConvertible, Sendable {
  var activation: ActivationKind
  var normalization: NormalizationKind = .none
  var position: NormPosition = .pre
  var residualEvery: Int? = nil
  var dropout: Double = 0
  var widths: [Int] = [5, 6, 5]
  var lossCase = 0

  var description: String {
    var parts = [activation.rawValue, LossCase.all[lossCase].description, "\(widths)"]
    if normalization != .none { parts.append("\(normalization.rawValue)-\(position.rawValue)") }
    if let residualEvery { parts.append("residual/\(residualEvery)") }
    if dropout > 0 { parts.append("dropout \(dropout)") }
    return parts.joined(separator: " ")
  }

  static let normalized: [CuredSetup] = [NormalizationKind.batch, .layer].flatMap { norm in
    [NormPosition.pre, .post].flatMap { position in
      [(ActivationKind.sigmoid, 0), (.tanh, 3), (.prelu, 1), (.gelu, 4)].map { activation, lossCase in
        CuredSetup(activation: activation, normalization: norm, position: position, lossCase: lossCase)
      }
    }
  }

  static let residual: [CuredSetup] = [
    CuredSetup(activation: .tanh, residualEvery: 1, widths: [6, 6, 6, 6]),
    CuredSetup(activation: .sigmoid, residualEvery: 2, widths: [6, 6, 6, 6, 6], lossCase: 3),
    CuredSetup(activation: .elu, residualEvery: 2, widths: [10, 10, 10], lossCase: 2),
    CuredSetup(activation: .softsign, normalization: .layer, residualEvery: 1, widths: [10, 10, 10, 10]),
    CuredSetup(activation: .tanh, normalization: .batch, position: .post, residualEvery: 2, widths: [6, 6, 6, 6, 6], lossCase: 5),
    // Trailing layers after the last block are plain and may change width.
    CuredSetup(activation: .silu, residualEvery: 2, widths: [6, 6, 6, 4], lossCase: 0),
  ]

  static let dropout: [CuredSetup] = [
    CuredSetup(activation: .tanh, dropout: 0.3),
    CuredSetup(activation: .elu, dropout: 0.5, lossCase: 3),
    CuredSetup(activation: .sigmoid, normalization: .layer, position: .post, dropout: 0.25),
    // Everything at once.
    CuredSetup(
      activation: .prelu, normalization: .batch, residualEvery: 2, dropout: 0.2, widths: [6, 6, 6, 6, 6], lossCase: 1),
  ]
}

@Suite("Gradient checks: normalisation, residual blocks, dropout")
struct CuresGradientCheckTests {
  /// Central differences (h = 10⁻⁶) of the Double reference `CuredReference` — batch norm
  /// in training mode, dropout with the engine's masks of that pass — against the
  /// engine's Float gradients of every W, b, PReLU slope, γ and β, with γ and β set away
  /// from 1 and 0. Tolerances as in "Gradient checks": per tensor ‖g − g_fd‖ ≤
  /// 10⁻⁴‖g_fd‖ + 10⁻⁶, per entry within 10⁻³ of the tensor's largest entry.
  func check(_ setup: CuredSetup) throws {
    let lossCase = LossCase.all[setup.lossCase]
    let rows = lossCase.data.count
    let outputSize = NetworkSpec.outputSize(head: lossCase.head, for: lossCase.data.targets)
    let spec = NetworkSpec(
      inputSize: 4, hiddenWidths: setup.widths, outputSize: outputSize, activation: Activation(setup.activation),
      head: lossCase.head, weightInitializer: Initializer(.xavierNormal, gain: 1.3),
      biasInitializer: Initializer(.normal, std: 0.3), normalization: setup.normalization,
      normPosition: setup.position, residual: setup.residualEvery == nil ? .none : .identity,
      residualEvery: setup.residualEvery ?? 2, dropout: setup.dropout)
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: lossCase.loss,
      batchSize: rows, length: .steps(1), logEvery: 1)
    var initialization = Xoshiro256(seed: 99)
    let session = try TrainingSession(
      plan: plan, data: lossCase.data, initialization: &initialization, dropout: Xoshiro256(seed: 5))
    let hidden = setup.widths.count
    var draws = Xoshiro256(seed: 7)
    for layer in 1...hidden {
      if setup.activation == .prelu { session.network.setPReLUSlope(0.2 + 0.05 * Float(layer), layer: layer) }
      if setup.normalization != .none {
        let width = setup.widths[layer - 1]
        session.network.setNormalization(
          scale: (0..<width).map { _ in Float(draws.nextUniform(0.6, 1.4)) },
          shift: (0..<width).map { _ in Float(draws.nextNormal() * 0.3) }, layer: layer)
      }
    }
    let batch = Array(0..<rows)
    let outcome = batch.withUnsafeBufferPointer {
      session.performStep($0, update: false, collect: true, validation: nil, dropout: .draw)
    }

    var reference = CuredReference(session.network)
    if setup.dropout > 0 {
      reference.masks = (1...hidden).map { session.lastDropoutMask(layer: $0, rows: rows)!.map(Double.init) }
      #expect(reference.masks.joined().contains(0), "some unit is dropped")
    }
    let features = lossCase.data.features.map(Double.init)
    let targets = denseTargets(lossCase.data, outputSize: outputSize)
    func referenceLoss(_ r: CuredReference) -> Double {
      r.loss(features: features, targets: targets, rows: rows, loss: lossCase.loss)
    }
    let expectedLoss = referenceLoss(reference)
    #expect(abs(outcome.loss - expectedLoss) <= 1e-5 * max(1, abs(expectedLoss)), "\(setup): loss \(outcome.loss) vs \(expectedLoss)")

    let h = 1e-6
    func difference(_ perturb: (inout CuredReference, Double) -> Void) -> Double {
      var plus = reference, minus = reference
      perturb(&plus, h)
      perturb(&minus, -h)
      return (referenceLoss(plus) - referenceLoss(minus)) / (2 * h)
    }
    func compare(_ engine: [Float], _ finite: [Double], _ what: String) {
      let errorNorm = zip(engine, finite).map { (Double($0) - $1) * (Double($0) - $1) }.reduce(0, +).squareRoot()
      let norm = finite.map { $0 * $0 }.reduce(0, +).squareRoot()
      #expect(errorNorm <= 1e-4 * norm + 1e-6, "\(setup) \(what): ‖error‖ \(errorNorm), ‖gradient‖ \(norm)")
      let largest = finite.map(abs).max() ?? 0
      for (e, f) in zip(engine, finite) where abs(Double(e) - f) > 1e-3 * largest + 1e-6 {
        Issue.record("\(setup) \(what): entry \(e) vs finite difference \(f)")
        break
      }
    }
    for (index, layer) in session.network.layers.enumerated() {
      let name = "layer \(index + 1)"
      compare(
        layer.weights.gradient.array,
        (0..<layer.weights.count).map { i in difference { $0.base.weights[index][i] += $1 } }, "\(name) W")
      if let bias = layer.bias {
        compare(bias.gradient.array, (0..<bias.count).map { j in difference { $0.base.biases[index][j] += $1 } }, "\(name) b")
      }
      if let slope = layer.slope {
        compare(slope.gradient.array, [difference { $0.base.slopes[index] += $1 }], "\(name) slope")
      }
      if let norm = layer.normalization {
        compare(norm.scale.gradient.array, (0..<norm.width).map { j in difference { $0.gammas[index][j] += $1 } }, "\(name) γ")
        compare(norm.shift.gradient.array, (0..<norm.width).map { j in difference { $0.betas[index][j] += $1 } }, "\(name) β")
      }
    }
    // The global norm covers every tensor, γ, β and slopes included.
    let squares = session.network.parameters.map { $0.gradient.array.map { Double($0) * Double($0) }.reduce(0, +) }.reduce(0, +)
    #expect(abs(outcome.gradientNorm - squares.squareRoot()) <= 1e-6 * squares.squareRoot())
  }

  @Test("batch and layer norm, pre and post, × activations and losses", arguments: CuredSetup.normalized)
  func normalization(setup: CuredSetup) throws { try check(setup) }

  @Test("residual blocks, alone and with normalisation", arguments: CuredSetup.residual)
  func residual(setup: CuredSetup) throws { try check(setup) }

  @Test("dropout with the pass's mask, alone and with everything else", arguments: CuredSetup.dropout)
  func dropout(setup: CuredSetup) throws { try check(setup) }
}
