import Foundation
import Testing
@testable import GradEngine

/// A parameter holding `values` with gradient `gradient`.
private func parameter(_ values: [Float], gradient: [Float], decays: Bool = true) -> Parameter {
  let p = Parameter(count: values.count, decays: decays)
  p.value.assign(values)
  p.gradient.assign(gradient)
  return p
}

private func close(_ a: [Float], _ b: [Double], tolerance: Double = 1e-6) -> Bool {
  zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance * max(1, abs($1)) }
}

/// 11 entries: one full 8-lane chunk and a tail of 3.
private let w0: [Float] = [1, -2, 0.5, 0.25, -0.75, 3, -1.5, 0.1, 2, -0.2, 0.8]
private let g0: [Float] = [0.1, 0.2, -0.3, 0.05, -0.4, 0.6, 0.01, -0.02, 0.3, -0.7, 0.9]

@Suite("Optimizers")
struct OptimizerTests {
  @Test("sgd: w ← w − η·g, with weight decay w ← (1 − ηλ)w − η·g, none on biases")
  func sgd() {
    var optimizer = Optimizer(OptimizerSpec(kind: .sgd, learningRate: 0.5))
    let p = parameter([1, -2, 0.5], gradient: [0.1, 0.2, -0.3])
    optimizer.beginUpdate()
    optimizer.update(p, along: 1, measuring: false)
    #expect(close(p.value.array, [0.95, -2.1, 0.65]))

    var decaying = Optimizer(OptimizerSpec(kind: .sgd, learningRate: 0.5, weightDecay: 0.1))
    let w = parameter([1, -2, 0.5], gradient: [0.1, 0.2, -0.3])
    let b = parameter([1, -2, 0.5], gradient: [0, 0, 0], decays: false)
    decaying.beginUpdate()
    decaying.update(w, along: 1, measuring: false)
    decaying.update(b, along: 1, measuring: false)
    #expect(close(w.value.array, [0.9, -2.0, 0.625]))
    #expect(b.value.array == [1, -2, 0.5])
  }

  @Test("momentum: v ← μv + g, w ← w − ηv (two steps)")
  func momentum() {
    var optimizer = Optimizer(OptimizerSpec(kind: .momentum, learningRate: 0.1, momentum: 0.9))
    let p = parameter(w0, gradient: g0)
    optimizer.prepare(p)
    for _ in 0..<2 {
      optimizer.beginUpdate()
      optimizer.update(p, along: 1, measuring: false)
    }
    // v₁ = g, v₂ = 1.9g: w₂ = w − 0.1·2.9·g
    #expect(close(p.value.array, zip(w0, g0).map { Double($0) - 0.29 * Double($1) }))
  }

  @Test("nesterov: v ← μv + g, w ← w − η(g + μv) (two steps)")
  func nesterov() {
    var optimizer = Optimizer(OptimizerSpec(kind: .nesterov, learningRate: 0.1, momentum: 0.9))
    let p = parameter(w0, gradient: g0)
    optimizer.prepare(p)
    for _ in 0..<2 {
      optimizer.beginUpdate()
      optimizer.update(p, along: 1, measuring: false)
    }
    // step 1: g + 0.9·g = 1.9g; step 2: v = 1.9g, g + 0.9·1.9g = 2.71g; total 4.61g
    #expect(close(p.value.array, zip(w0, g0).map { Double($0) - 0.461 * Double($1) }))
  }

  @Test("adam: bias-corrected moments (two steps, the second with gradient 2g)")
  func adam() {
    var optimizer = Optimizer(OptimizerSpec(kind: .adam, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
    let p = parameter(w0, gradient: g0)
    optimizer.prepare(p)
    optimizer.beginUpdate()
    optimizer.update(p, along: 1, measuring: false)
    // t = 1: m̂ = g, v̂ = g², so every weight moves by η·sign(g).
    #expect(close(p.value.array, zip(w0, g0).map { Double($0) - 0.1 * ($1 > 0 ? 1 : -1) }, tolerance: 1e-6))
    let afterFirst = p.value.array
    p.gradient.assign(g0.map { 2 * $0 })
    optimizer.beginUpdate()
    optimizer.update(p, along: 1, measuring: false)
    // t = 2: m = 0.29g, v = 0.004999g², m̂ = 0.29/0.19·g, v̂ = 0.004999/0.001999·g²
    let ratio = (0.29 / 0.19) / (0.004999 / 0.001999).squareRoot()
    #expect(close(p.value.array, zip(afterFirst, g0).map { Double($0) - 0.1 * ratio * ($1 > 0 ? 1 : -1) }, tolerance: 1e-6))
  }

  @Test("rmsprop: v ← ρv + (1 − ρ)g², w ← w − ηg/(√v + ε)")
  func rmsprop() {
    var optimizer = Optimizer(OptimizerSpec(kind: .rmsprop, learningRate: 0.01, beta2: 0.9, epsilon: 1e-8))
    let p = parameter(w0, gradient: g0)
    optimizer.prepare(p)
    optimizer.beginUpdate()
    optimizer.update(p, along: 1, measuring: false)
    // v = 0.1g², so the step is 0.01/√0.1 · sign(g)
    #expect(close(p.value.array, zip(w0, g0).map { Double($0) - 0.01 / 0.1.squareRoot() * ($1 > 0 ? 1 : -1) }))
  }

  @Test("the measured norms are ‖w‖ before and ‖Δw‖ of the update")
  func measure() {
    var optimizer = Optimizer(OptimizerSpec(kind: .sgd, learningRate: 0.5))
    let p = parameter(w0, gradient: g0)
    optimizer.beginUpdate()
    let m = optimizer.update(p, along: 1, measuring: true)
    let weightNorm = w0.map { Double($0) * Double($0) }.reduce(0, +)
    var changeNorm = 0.0
    for (old, new) in zip(w0, p.value.array) {
      let change = Double(new) - Double(old)
      changeNorm += change * change
    }
    #expect(abs(m.valueSquaredNorm - weightNorm) < 1e-6 * weightNorm)  // Float lanes, Double totals
    #expect(abs(m.changeSquaredNorm - changeNorm) < 1e-6 * changeNorm)
  }

  @Test("clipping rescales every gradient by c/‖g‖ when ‖g‖ > c")
  func clipping() throws {
    let data = TestData.classification(rows: 8, features: 3, classes: 2, seed: 3)
    let spec = NetworkSpec(
      inputSize: 3, hiddenWidths: [], outputSize: 2, activation: Activation(.identity), head: .softmax,
      weightInitializer: Initializer(.normal, std: 1), biasInitializer: Initializer(.normal, std: 1))
    let clip = 1e-3
    let plan = TrainingPlan(
      network: spec, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.1, clipGradNorm: clip),
      loss: .crossEntropy, batchSize: 8, length: .steps(1), logEvery: 0)
    var g = Xoshiro256(seed: 2)
    let session = try TrainingSession(plan: plan, data: data, initialization: &g)
    let batch = Array(0..<8)
    let inspection = session.inspect(batch: batch)
    let w = session.network.weights(layer: 1), b = session.network.biases(layer: 1)
    let gw = session.network.layers[0].weights.gradient.array, gb = session.network.layers[0].bias!.gradient.array
    let norm = (gw + gb).map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
    #expect(abs(inspection.gradientNorm - norm) < 1e-6 * norm)
    #expect(norm > clip)
    session.step(batch: batch)
    let scale = clip / norm
    #expect(close(session.network.weights(layer: 1), zip(w, gw).map { Double($0) - 0.1 * scale * Double($1) }, tolerance: 1e-7))
    #expect(close(session.network.biases(layer: 1), zip(b, gb).map { Double($0) - 0.1 * scale * Double($1) }, tolerance: 1e-7))
  }
}
