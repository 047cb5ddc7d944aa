import Foundation
import Testing
@testable import GradTheory

/// `JacobianSpectrum` against Pennington et al. 2017's closed forms (Table 1), the values
/// configs/pennington-2017.yaml quotes, and a Monte-Carlo product of sampled layers.
@Suite("Jacobian spectrum (Pennington et al. 2017)")
struct JacobianSpectrumTests {
  private func layers(_ depth: Int, weight: Double) -> [LayerVariances] {
    Array(repeating: LayerVariances(weight: weight, bias: 0), count: depth)
  }

  @Test("linear: σ²_JJᵀ = L with Gaussian weights, 0 with orthogonal ones; mean 1 at σ_w² = 1", arguments: [2, 8, 16])
  func linear(depth: Int) {
    let identity = TheoryActivation(.identity)
    let gaussian = JacobianSpectrum(activation: identity, layers: layers(depth, weight: 1), inputMeanSquare: 1, weights: .gaussian)
    let orthogonal = JacobianSpectrum(
      activation: identity, layers: layers(depth, weight: 1), inputMeanSquare: 1, weights: .orthogonal)
    #expect(abs(gaussian.relativeVariance - Double(depth)) < 1e-12)
    #expect(abs(orthogonal.relativeVariance) < 1e-12)
    #expect(abs(gaussian.meanEigenvalue - 1) < 1e-12)
    // σ_w² scales the mean by σ_w^(2L) and leaves the relative variance alone.
    let scaled = JacobianSpectrum(activation: identity, layers: layers(depth, weight: 1.21), inputMeanSquare: 1, weights: .gaussian)
    #expect(abs(scaled.meanEigenvalue / pow(1.21, Double(depth)) - 1) < 1e-12)
    #expect(abs(scaled.relativeVariance - Double(depth)) < 1e-12)
  }

  @Test("ReLU at σ_w² = 2: mean 1, σ²_JJᵀ = L orthogonal and 2L Gaussian (μ₂/μ₁² = 2)", arguments: [2, 16])
  func relu(depth: Int) {
    let relu = TheoryActivation(.relu)
    let gaussian = JacobianSpectrum(activation: relu, layers: layers(depth, weight: 2), inputMeanSquare: 1, weights: .gaussian)
    let orthogonal = JacobianSpectrum(activation: relu, layers: layers(depth, weight: 2), inputMeanSquare: 1, weights: .orthogonal)
    #expect(abs(gaussian.meanEigenvalue - 1) < 1e-6)
    #expect(abs(orthogonal.relativeVariance - Double(depth)) < 1e-6)
    #expect(abs(gaussian.relativeVariance - 2 * Double(depth)) < 1e-6)
  }

  /// The values configs/pennington-2017.yaml quotes (tanh, σ_w² = 1, no biases, q⁰ = 1),
  /// first computed there by scripts/pennington-spectrum.py's own quadrature.
  @Test(
    "tanh, σ_w² = 1, σ_b² = 0, q⁰ = 1: the config's predictions",
    arguments: [(2, 0.2956, 0.816), (8, 0.0885, 1.181), (16, 0.0449, 1.280)])
  func tanh(depth: Int, mean: Double, orthogonalVariance: Double) {
    let tanh = TheoryActivation(.tanh)
    let orthogonal = JacobianSpectrum(activation: tanh, layers: layers(depth, weight: 1), inputMeanSquare: 1, weights: .orthogonal)
    let gaussian = JacobianSpectrum(activation: tanh, layers: layers(depth, weight: 1), inputMeanSquare: 1, weights: .gaussian)
    #expect(abs(orthogonal.meanEigenvalue - mean) < 6e-5, "\(orthogonal.meanEigenvalue)")
    #expect(abs(orthogonal.relativeVariance - orthogonalVariance) < 6e-4, "\(orthogonal.relativeVariance)")
    #expect(abs(gaussian.relativeVariance - orthogonal.relativeVariance - Double(depth)) < 1e-9)
    #expect(gaussian.meanEigenvalue == orthogonal.meanEigenvalue)
  }

  @Test("tanh approaches isometry as q → 0: μ₂/μ₁² − 1 ≈ 8q² per layer")
  func smallQ() {
    // φ′(u)² = sech⁴u ≈ 1 − 2u² for small u ~ N(0, q), so var φ′² ≈ 4·var u² = 8q² and μ₁ ≈ 1.
    for q in [1e-4, 1e-3] {
      let spectrum = JacobianSpectrum(
        activation: TheoryActivation(.tanh), layers: [LayerVariances(weight: 1, bias: 0)], inputMeanSquare: q,
        weights: .orthogonal)
      #expect(abs(spectrum.relativeVariance / (8 * q * q) - 1) < 0.05, "q = \(q): \(spectrum.relativeVariance)")
    }
  }

  /// Sampled square nets (N = 96, L = 4, Gaussian weights, 24 draws): mean and var/mean² of
  /// JJᵀ's eigenvalues from traces (mean = tr M/N, var = tr M²/N − mean², M = JJᵀ), against
  /// the large-N formula; tolerance 10 % (O(L/N) finite-width excess plus sampling).
  @Test("Monte Carlo: linear and tanh nets with Gaussian weights", arguments: [TheoryActivationKind.identity, .tanh])
  func monteCarlo(kind: TheoryActivationKind) {
    let n = 96, depth = 4, draws = 24
    let phi = TheoryActivation(kind)
    var random = TestRandom(seed: 2017)
    var means: [Double] = [], relatives: [Double] = []
    for _ in 0..<draws {
      var x = (0..<n).map { _ in random.normal() }  // q⁰ ≈ 1
      let scale = (1 / x.map { $0 * $0 }.reduce(0, +) * Double(n)).squareRoot()
      x = x.map { $0 * scale }  // q⁰ = 1 exactly
      var jacobian = [Double](repeating: 0, count: n * n)  // row-major, starts as I
      for i in 0..<n { jacobian[i * n + i] = 1 }
      var input = x
      for _ in 0..<depth {
        let w = (0..<(n * n)).map { _ in random.normal() / Double(n).squareRoot() }
        var h = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { h[i] += w[i * n + j] * input[j] } }
        var next = [Double](repeating: 0, count: n * n)  // D W J
        for i in 0..<n {
          let d = phi.derivative(h[i])
          for k in 0..<n {
            let wik = w[i * n + k] * d
            if wik == 0 { continue }
            for j in 0..<n { next[i * n + j] += wik * jacobian[k * n + j] }
          }
        }
        jacobian = next
        input = h.map(phi.value)
      }
      var m = [Double](repeating: 0, count: n * n)  // JJᵀ
      for i in 0..<n { for j in i..<n {
        var s = 0.0
        for k in 0..<n { s += jacobian[i * n + k] * jacobian[j * n + k] }
        m[i * n + j] = s
        m[j * n + i] = s
      } }
      let mean = (0..<n).map { m[$0 * n + $0] }.reduce(0, +) / Double(n)
      let second = m.map { $0 * $0 }.reduce(0, +) / Double(n)
      means.append(mean)
      relatives.append((second - mean * mean) / (mean * mean))
    }
    let predicted = JacobianSpectrum(
      activation: phi, layers: Array(repeating: LayerVariances(weight: 1, bias: 0), count: depth), inputMeanSquare: 1,
      weights: .gaussian)
    let mean = means.reduce(0, +) / Double(draws), relative = relatives.reduce(0, +) / Double(draws)
    #expect(abs(mean / predicted.meanEigenvalue - 1) < 0.1, "mean \(mean) vs \(predicted.meanEigenvalue)")
    #expect(abs(relative / predicted.relativeVariance - 1) < 0.1, "σ² \(relative) vs \(predicted.relativeVariance)")
  }
}
