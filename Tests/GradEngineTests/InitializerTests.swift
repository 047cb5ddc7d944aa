import Foundation
import Testing
@testable import GradEngine

/// Sample mean and variance of a tensor in Double.
private func moments(_ values: [Float]) -> (mean: Double, variance: Double) {
  let n = Double(values.count)
  let mean = values.reduce(0.0) { $0 + Double($1) } / n
  let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
  return (mean, variance)
}

private func drawWeights(_ initializer: Initializer, fanIn: Int, fanOut: Int, slope: Double = 0, seed: UInt64 = 7) -> [Float] {
  var generator = Xoshiro256(seed: seed)
  var w = [Float](repeating: .nan, count: fanIn * fanOut)
  w.withUnsafeMutableBufferPointer {
    initializer.fillWeights($0.baseAddress!, fanIn: fanIn, fanOut: fanOut, negativeSlope: slope, using: &generator)
  }
  return w
}

@Suite("Initializers")
struct InitializerTests {
  /// (initializer, expected variance for fan_in 300, fan_out 200, a = 0.2, and the
  /// uniform limit when the distribution is uniform).
  static let cases: [(Initializer, Double, Double?)] = {
    let n = 300.0, m = 200.0, a = 0.2
    return [
      (Initializer(.standard), 1 / (3 * n), 1 / n.squareRoot()),
      (Initializer(.standard, gain: 2), 4 / (3 * n), 2 / n.squareRoot()),
      (Initializer(.normal, std: 0.05), 0.0025, nil),
      (Initializer(.uniform, limit: 0.3), 0.09 / 3, 0.3),
      (Initializer(.xavierUniform), 2 / (n + m), (6 / (n + m)).squareRoot()),
      (Initializer(.xavierNormal, gain: 1.5), 2.25 * 2 / (n + m), nil),
      (Initializer(.heUniform), 2 / ((1 + a * a) * n), (6 / ((1 + a * a) * n)).squareRoot()),
      (Initializer(.heNormal), 2 / ((1 + a * a) * n), nil),
      (Initializer(.lecunUniform), 1 / n, (3 / n).squareRoot()),
      (Initializer(.lecunNormal), 1 / n, nil),
      (Initializer(.scaledNormal, gain: 1.5), 2.25 / n, nil),
    ]
  }()

  @Test("sample mean and variance match the formula", arguments: 0..<cases.count)
  func momentsMatchFormula(index: Int) {
    let (initializer, variance, limit) = Self.cases[index]
    let w = drawWeights(initializer, fanIn: 300, fanOut: 200, slope: 0.2)
    let sample = moments(w)
    let n = Double(w.count)
    // 5 standard errors: of the mean σ/√n; of the variance σ²·√(2/n) (normal; the
    // uniform's is smaller, √(0.8/n)).
    #expect(abs(sample.mean) < 5 * (variance / n).squareRoot(), "mean \(sample.mean)")
    #expect(abs(sample.variance - variance) < 5 * variance * (2 / n).squareRoot(), "variance \(sample.variance) vs \(variance)")
    if let limit {
      #expect(w.allSatisfy { abs(Double($0)) <= limit })
      #expect(w.map { abs(Double($0)) }.max()! > 0.99 * limit)
    }
    #expect(abs(initializer.standardDeviation(fanIn: 300, fanOut: 200, negativeSlope: 0.2) - variance.squareRoot()) < 1e-12)
  }

  @Test("He initialisation uses the leaky slope a: Var = 2/((1 + a²)·fan_in)")
  func heUsesSlope() {
    let relu = Initializer(.heNormal).standardDeviation(fanIn: 100, fanOut: 10, negativeSlope: 0)
    let leaky = Initializer(.heNormal).standardDeviation(fanIn: 100, fanOut: 10, negativeSlope: 0.25)
    #expect(abs(relu - (2.0 / 100).squareRoot()) < 1e-15)
    #expect(abs(leaky - (2.0 / (1.0625 * 100)).squareRoot()) < 1e-15)
  }

  @Test("orthogonal: WᵀW = gain²·I for a tall matrix, WWᵀ = gain²·I for a wide one")
  func orthogonal() {
    for (fanIn, fanOut) in [(40, 25), (25, 40), (30, 30)] {
      let gain = 1.7
      let w = drawWeights(Initializer(.orthogonal, gain: gain), fanIn: fanIn, fanOut: fanOut)
      let tall = fanIn >= fanOut
      let size = tall ? fanOut : fanIn
      var worst = 0.0
      for p in 0..<size {
        for q in 0..<size {
          var dot = 0.0
          for k in 0..<(tall ? fanIn : fanOut) {
            let x = tall ? w[k * fanOut + p] : w[p * fanOut + k]
            let y = tall ? w[k * fanOut + q] : w[q * fanOut + k]
            dot += Double(x) * Double(y)
          }
          worst = max(worst, abs(dot - (p == q ? gain * gain : 0)))
        }
      }
      #expect(worst < 1e-5, "\(fanIn)×\(fanOut): max |WᵀW − g²I| = \(worst)")
    }
  }

  @Test("zeros and constant draw nothing and fill exactly")
  func constants() {
    #expect(drawWeights(Initializer(.zeros), fanIn: 3, fanOut: 4).allSatisfy { $0 == 0 })
    #expect(drawWeights(Initializer(.constant, value: -0.5), fanIn: 3, fanOut: 4).allSatisfy { $0 == -0.5 })
  }

  @Test("the same seed draws the same weights; the draw order is layer by layer, weights then bias")
  func drawOrder() throws {
    let spec = NetworkSpec(
      inputSize: 3, hiddenWidths: [4], outputSize: 2, activation: Activation(.tanh), head: .softmax,
      weightInitializer: Initializer(.normal, std: 1), biasInitializer: Initializer(.normal, std: 1))
    var g1 = Xoshiro256(seed: 5), g2 = Xoshiro256(seed: 5)
    let a = try Network(spec, initialization: &g1)
    let b = try Network(spec, initialization: &g2)
    #expect(a.weights(layer: 1) == b.weights(layer: 1) && a.biases(layer: 2) == b.biases(layer: 2))
    var manual = Xoshiro256(seed: 5)
    let expected = (0..<(12 + 4 + 8 + 2)).map { _ in Float(manual.nextNormal()) }
    let drawn = a.weights(layer: 1) + a.biases(layer: 1) + a.weights(layer: 2) + a.biases(layer: 2)
    #expect(drawn == expected)
    #expect(g1 == manual)
  }

  @Test("formulas are stated with their numbers")
  func formulas() {
    #expect(Initializer(.xavierNormal).formula(fanIn: 100, fanOut: 100) == "N(0, 0.1^2)")
    #expect(Initializer(.uniform, limit: 0.5).formula(fanIn: 1, fanOut: 1) == "U[-0.5, 0.5]")
  }

  @Test("an orthogonal bias is an error, not a trap")
  func orthogonalBias() {
    let spec = NetworkSpec(
      inputSize: 3, hiddenWidths: [4], outputSize: 2, activation: Activation(.tanh), head: .softmax,
      weightInitializer: Initializer(.orthogonal), biasInitializer: Initializer(.orthogonal))
    var g = Xoshiro256(seed: 1)
    #expect(throws: EngineError.self) { try Network(spec, initialization: &g) }
  }
}
