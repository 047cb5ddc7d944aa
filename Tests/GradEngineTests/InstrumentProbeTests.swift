import Foundation
import Testing
@testable import GradEngine

/// x^L (the last hidden layer's activations) of the Double reference network.
private func lastHidden(_ reference: ReferenceNetwork, _ input: [Double]) -> [Double] {
  let sizes = [reference.spec.inputSize] + reference.spec.hiddenWidths
  var x = input
  for layer in 0..<(sizes.count - 1) {
    let fanIn = sizes[layer], fanOut = sizes[layer + 1]
    x = (0..<fanOut).map { j in
      var sum = reference.biases[layer].isEmpty ? 0 : reference.biases[layer][j]
      for i in 0..<fanIn { sum += x[i] * reference.weights[layer][i * fanOut + j] }
      return Reference.activation(reference.spec.activation.kind, sum, slope: reference.slopes[layer])
    }
  }
  return x
}

private func network(
  _ kind: ActivationKind, input: Int, widths: [Int], initializer: Initializer = Initializer(.xavierNormal, gain: 1.2),
  seed: UInt64 = 7
) throws -> Network {
  let spec = NetworkSpec(
    inputSize: input, hiddenWidths: widths, outputSize: 3, activation: Activation(kind), head: .softmax,
    weightInitializer: initializer, biasInitializer: Initializer(.normal, std: 0.2))
  var g = Xoshiro256(seed: seed)
  return try Network(spec, initialization: &g)
}

@Suite("Instruments: probe passes, correlation and the Jacobian")
struct InstrumentProbeTests {
  @Test("the probe's forward pass equals the Double reference network", arguments: [ActivationKind.tanh, .relu, .selu, .gelu])
  func probeForward(kind: ActivationKind) throws {
    let net = try network(kind, input: 5, widths: [7, 6, 4])
    var g = Xoshiro256(seed: 1)
    let x = (0..<5).map { _ in g.nextNormal() }
    let expected = lastHidden(ReferenceNetwork(net), x)
    let pass = net.withProbe { $0.forward(x) }
    for (a, b) in zip(pass.activations.last!, expected) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(a) vs \(b)") }
  }

  @Test("the Jacobian equals central differences of the reference network, column by column", arguments: [
    (ActivationKind.tanh, 5, [7, 6, 4]), (.softplus, 6, [4, 4]), (.elu, 3, [8, 8, 8]),
  ])
  func jacobianByFiniteDifferences(kind: ActivationKind, input: Int, widths: [Int]) throws {
    let net = try network(kind, input: input, widths: widths)
    let reference = ReferenceNetwork(net)
    var g = Xoshiro256(seed: 2)
    let x = (0..<input).map { _ in g.nextNormal() }
    let j = net.withProbe { inputOutputJacobian($0, at: x) }
    #expect(j.rows == input && j.columns == widths.last!)
    let h = 1e-6
    var largest = 0.0
    var finite = [Double](repeating: 0, count: input * widths.last!)
    for i in 0..<input {  // one input direction at a time: row i of J_row
      var plus = x, minus = x
      plus[i] += h
      minus[i] -= h
      let column = zip(lastHidden(reference, plus), lastHidden(reference, minus)).map { ($0 - $1) / (2 * h) }
      for (k, v) in column.enumerated() { finite[i * widths.last! + k] = v }
      largest = max(largest, column.map(abs).max()!)
    }
    for (a, b) in zip(j.values, finite) { #expect(abs(a - b) <= 1e-5 * largest, "\(a) vs \(b)") }
    // Its spectrum: Jacobi on the finite-difference Jacobian's Gram matrix.
    let spectrum = try #require(net.withProbe { jacobianSpectrum($0, at: x) })
    let k = min(input, widths.last!)
    var gram = [Double](repeating: 0, count: input * input)
    for a in 0..<input { for b in 0..<input { for c in 0..<widths.last! {
      gram[a * input + b] += finite[a * widths.last! + c] * finite[b * widths.last! + c]
    } } }
    let exact = jacobiEigenvalues(gram, order: input).sorted(by: >).prefix(k).map { max($0, 0).squareRoot() }
    #expect(spectrum.singularValues.count == k)
    for (a, b) in zip(spectrum.singularValues, exact) { #expect(abs(a - b) <= 1e-4 * exact[0], "\(a) vs \(b)") }
    let lambdas = exact.map { $0 * $0 }
    let mean = lambdas.reduce(0, +) / Double(k)
    #expect(abs(spectrum.eigenvalueMean - mean) <= 1e-4 * mean)
    let variance = lambdas.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k)
    #expect(abs(spectrum.eigenvalueVariance - variance) <= 1e-3 * mean * mean + 1e-12)
  }

  @Test("a deep linear net with orthogonal weights is an exact isometry; Gaussian weights are not")
  func dynamicalIsometryOfLinearNets() throws {
    let orthogonal = try network(.identity, input: 16, widths: [16, 16, 16, 16], initializer: Initializer(.orthogonal))
    let x = [Double](repeating: 0.5, count: 16)
    let isometric = try #require(orthogonal.withProbe { jacobianSpectrum($0, at: x) })
    for s in isometric.singularValues { #expect(abs(s - 1) < 1e-5) }
    #expect(isometric.eigenvalueVariance < 1e-9)
    let gaussian = try network(.identity, input: 16, widths: [16, 16, 16, 16], initializer: Initializer(.lecunNormal))
    let spread = try #require(gaussian.withProbe { jacobianSpectrum($0, at: x) })
    #expect(spread.eigenvalueVariance > 0.5, "Gaussian weights spread the spectrum: \(spread.eigenvalueVariance)")
  }

  @Test("pair correlations: layer by layer the cosine of the reference pre-activations")
  func pairCorrelationDirect() throws {
    let net = try network(.tanh, input: 6, widths: [9, 9, 9])
    let data = TestData.classification(rows: 8, features: 6, classes: 2, seed: 4)
    let (x1, x2) = try #require(correlatedProbePair(features: data.features, featureCount: 6, correlation: 0.3))
    let measured = net.withProbe { pairCorrelations($0, x1, x2) }
    #expect(measured.count == 4)
    // Layer 1 by hand: h = x·W + b.
    let w = net.weights(layer: 1).map(Double.init), b = net.biases(layer: 1).map(Double.init)
    func h1(_ x: [Double]) -> [Double] {
      var h = b
      for i in 0..<6 { for j in 0..<9 { h[j] += x[i] * w[i * 9 + j] } }
      return h
    }
    #expect(abs(measured[0] - cosine(h1(x1), h1(x2))) < 1e-12)
    // Deeper layers against the reference network's activations.
    let reference = ReferenceNetwork(net)
    let a1 = lastHidden(reference, x1), a2 = lastHidden(reference, x2)
    let w4 = net.weights(layer: 4).map(Double.init), b4 = net.biases(layer: 4).map(Double.init)
    func logits(_ a: [Double]) -> [Double] {
      var h = b4
      for i in 0..<9 { for j in 0..<3 { h[j] += a[i] * w4[i * 3 + j] } }
      return h
    }
    #expect(abs(measured[3] - cosine(logits(a1), logits(a2))) < 1e-5)
  }
}
