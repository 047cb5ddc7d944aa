import Foundation
import Testing
@testable import GradEngine

/// Issue 8's claim at initialisation, depth 32: batch norm, residual blocks and layer
/// norm keep the gradient reaching layer 1 within two orders of magnitude of the last
/// hidden layer's, where the plain nets lose it geometrically.
@Suite("Cures keep the first layer's gradient (depth 32)")
struct CuresScienceTests {
  let data = TestData.classification(rows: 256, features: 16, classes: 4, seed: 41)

  /// Layer-1 / layer-32 ratios of ‖∂L/∂b‖, ‖∂L/∂W‖ and ‖∂L/∂β‖ on a batch of 128 at
  /// initialisation, width 32.
  func ratios(
    _ activation: ActivationKind, _ initializer: InitializerKind, normalization: NormalizationKind = .none,
    residual: ResidualKind = .none, seed: UInt64
  ) throws -> (bias: Double, weights: Double, beta: Double) {
    let spec = NetworkSpec(
      inputSize: 16, hiddenWidths: Array(repeating: 32, count: 32), outputSize: 4, activation: Activation(activation),
      head: .softmax, weightInitializer: Initializer(initializer), normalization: normalization, residual: residual)
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1), loss: .crossEntropy, batchSize: 128,
      length: .steps(1), logEvery: 1)
    var initialization = SeedStreams(runSeed: seed).generator(for: .initialization)
    let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
    let layers = session.inspect(batch: Array(0..<128)).layers
    let first = layers[0], last = layers[31]
    return (
      first.gradBNorm / last.gradBNorm, first.gradWNorm / last.gradWNorm,
      (first.gradBetaNorm ?? .nan) / (last.gradBetaNorm ?? .nan)
    )
  }

  /// Within two orders of magnitude: 10⁻² ≤ ratio ≤ 10².
  func kept(_ ratio: Double) -> Bool { ratio >= 1e-2 && ratio <= 1e2 }

  @Test("plain sigmoid loses it (< 1e-8; measured ~1e-20); sigmoid + batch norm keeps it", arguments: [1, 2, 3] as [UInt64])
  func batchNorm(seed: UInt64) throws {
    let plain = try ratios(.sigmoid, .xavierNormal, seed: seed)
    #expect(plain.bias < 1e-8 && plain.weights < 1e-8, "\(plain)")
    let normalized = try ratios(.sigmoid, .xavierNormal, normalization: .batch, seed: seed)
    // Measured: ‖∂L/∂β‖ ratio 0.14–0.74, ‖∂L/∂W‖ ratio 2.1–2.6 (seeds 1–3). The dense
    // bias before batch norm gets no gradient (only rounding), so its ratio means nothing.
    #expect(kept(normalized.beta) && kept(normalized.weights), "\(normalized)")
  }

  @Test("sigmoid + residual blocks (K = 2) keep it", arguments: [1, 2, 3] as [UInt64])
  func residual(seed: UInt64) throws {
    // Measured: ‖∂L/∂b‖ ratio 0.16–0.22. (‖∂L/∂W‖ of layer 32 is inflated by its input,
    // the residual stream that grows by ~0.5 per block, so the δ-based ratio is the fair one.)
    let skip = try ratios(.sigmoid, .xavierNormal, residual: .identity, seed: seed)
    #expect(kept(skip.bias), "\(skip)")
  }

  @Test("tanh with Glorot–Bengio's standard init loses it (< 1e-5; measured ~3e-8); layer norm keeps it", arguments: [1, 2, 3] as [UInt64])
  func layerNorm(seed: UInt64) throws {
    let plain = try ratios(.tanh, .standard, seed: seed)
    #expect(plain.bias < 1e-5, "\(plain)")
    // Measured: 7.5–36 (standard init), 11–25 (Xavier): layer norm makes the layer
    // invariant to the scale of W, so the small init no longer shrinks the signal.
    let normalized = try ratios(.tanh, .standard, normalization: .layer, seed: seed)
    #expect(kept(normalized.bias), "\(normalized)")
    let xavier = try ratios(.tanh, .xavierNormal, normalization: .layer, seed: seed)
    #expect(kept(xavier.bias), "\(xavier)")
  }
}
