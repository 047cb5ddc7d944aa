import Foundation
import Testing
@testable import GradTheory

/// A random dense net in Double: W^l ~ N(0, σ_w²/fan_in), b^l ~ N(0, σ_b²), run forward
/// on two inputs and backward from a random δ^L, measuring what `SignalProfile` predicts.
private struct SampledNet {
  var q: [Double]  // mean over units of h², both inputs averaged, per hidden layer
  var c: [Double]  // h_a·h_b/√(‖h_a‖²‖h_b‖²) per hidden layer
  var squaredGradient: [Double]  // ‖δ^l‖²/‖δ^L‖², input a

  init(
    phi: TheoryActivation, widths: [Int], inputs: ([Double], [Double]), layers: [LayerVariances],
    random: inout TestRandom
  ) {
    let sizes = [inputs.0.count] + widths
    var weights: [[Double]] = []  // fanOut × fanIn, row-major
    var biases: [[Double]] = []
    for l in 0..<widths.count {
      let std = (layers[l].weight / Double(sizes[l])).squareRoot(), bstd = layers[l].bias.squareRoot()
      weights.append((0..<(sizes[l + 1] * sizes[l])).map { _ in std * random.normal() })
      biases.append((0..<sizes[l + 1]).map { _ in bstd * random.normal() })
    }
    func forward(_ x: [Double]) -> [[Double]] {
      var h: [[Double]] = []
      var input = x
      for l in 0..<widths.count {
        var out = biases[l]
        weights[l].withUnsafeBufferPointer { w in
          for i in 0..<sizes[l + 1] {
            var sum = 0.0
            let row = i * sizes[l]
            for j in 0..<sizes[l] { sum += w[row + j] * input[j] }
            out[i] += sum
          }
        }
        h.append(out)
        input = out.map(phi.value)
      }
      return h
    }
    let ha = forward(inputs.0), hb = forward(inputs.1)
    func dot(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
    q = (0..<widths.count).map { l in (dot(ha[l], ha[l]) + dot(hb[l], hb[l])) / Double(2 * widths[l]) }
    c = (0..<widths.count).map { l in dot(ha[l], hb[l]) / (dot(ha[l], ha[l]) * dot(hb[l], hb[l])).squareRoot() }
    var delta = (0..<widths[widths.count - 1]).map { _ in random.normal() }
    let top = dot(delta, delta)
    var squared = [Double](repeating: 1, count: widths.count)
    for l in stride(from: widths.count - 2, through: 0, by: -1) {
      var next = [Double](repeating: 0, count: widths[l])
      weights[l + 1].withUnsafeBufferPointer { w in
        for i in 0..<widths[l + 1] {
          let row = i * widths[l]
          for j in 0..<widths[l] { next[j] += w[row + j] * delta[i] }
        }
      }
      for j in 0..<widths[l] { next[j] *= phi.derivative(ha[l][j]) }
      delta = next
      squared[l] = dot(delta, delta) / top
    }
    squaredGradient = squared
  }
}

/// Two inputs of n entries with mean square exactly q0 and cosine exactly c0.
private func inputPair(n: Int, q0: Double, c0: Double, random: inout TestRandom) -> ([Double], [Double]) {
  func normalised(_ v: [Double]) -> [Double] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / norm }
  }
  let a = normalised((0..<n).map { _ in random.normal() })
  var b = (0..<n).map { _ in random.normal() }
  let projection = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
  b = normalised(zip(a, b).map { $1 - projection * $0 })
  let scale = (q0 * Double(n)).squareRoot()
  return (a.map { $0 * scale }, zip(a, b).map { scale * (c0 * $0 + (1 - c0 * c0).squareRoot() * $1) })
}

@Suite("Mean field against sampled finite-width nets")
struct MonteCarloTests {
  /// Width 256, 8 hidden layers, 24 nets. A finite net's lengths fluctuate from net to
  /// net (for ReLU the relative variance grows like 5l/n, Hanin's law), so each check
  /// allows 4 standard errors of the mean over the nets plus 2 % for the O(1/n) bias of
  /// finite width. The standard errors come out at 0.3–8 % for q^l and c^l and 2–10 %
  /// for the squared-gradient ratio of layer 1 to layer 8, which a χ off by 10 % would
  /// move by 1.1⁷ − 1 = 95 %.
  @Test(
    "q^l, c^l and ‖δ^l‖²/‖δ^L‖² of width-256 nets match the layer-by-layer prediction",
    arguments: [
      (TheoryActivation(.tanh), 1.5, 0.05), (TheoryActivation(.tanh), 2.5, 0.05),
      (TheoryActivation(.relu), 2.0, 0.0), (TheoryActivation(.selu), 1.0, 0.0),
      (TheoryActivation(.hardTanh), 1.8, 0.1),
    ])
  func sampledNetsMatch(phi: TheoryActivation, weightVariance: Double, biasVariance: Double) {
    let width = 256, depth = 8, nets = 24, q0 = 1.3, c0 = 0.6
    var random = TestRandom(seed: 16)
    let inputs = inputPair(n: width, q0: q0, c0: c0, random: &random)
    let layers = Array(repeating: LayerVariances(weight: weightVariance, bias: biasVariance), count: depth)
    let widths = Array(repeating: width, count: depth)
    let samples = (0..<nets).map { _ in
      SampledNet(phi: phi, widths: widths, inputs: inputs, layers: layers, random: &random)
    }
    let profile = SignalProfile(activation: phi, layers: layers, inputMeanSquare: q0)
    let correlations = SignalProfile.correlations(
      activation: phi, layers: layers, inputMeanSquare: q0, inputCorrelation: c0)
    func agrees(_ values: [Double], _ predicted: Double, _ what: String) {
      let mean = values.reduce(0, +) / Double(values.count)
      let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
      let standardError = sd / Double(values.count).squareRoot()
      #expect(
        abs(mean - predicted) <= 4 * standardError + 0.02 * abs(predicted),
        "\(phi.kind) σ_w² \(weightVariance) \(what): \(mean) ± \(standardError) vs \(predicted)")
    }
    for l in 0..<depth {
      agrees(samples.map { $0.q[l] }, profile.preactivationVariance[l], "q^\(l + 1)")
      agrees(samples.map { $0.c[l] }, correlations[l], "c^\(l + 1)")
    }
    agrees(samples.map { $0.squaredGradient[0] }, profile.gradientSquaredNorm[0], "‖δ¹‖²/‖δ⁸‖²")
    agrees(samples.map { $0.squaredGradient[3] }, profile.gradientSquaredNorm[3], "‖δ⁴‖²/‖δ⁸‖²")
  }

  /// Hanin's law: widths 5 × 40 (β = 0.125), 100,000 Gaussian He nets: the variance of
  /// M_5/M_0 is ∏(1 + 5/40) − 1 = 0.802 (e^(5β) − 1 = 0.868). Sampling shortcut, exact
  /// for Gaussian weights: given x^(j−1), the pre-activations W^j x^(j−1) are i.i.d.
  /// N(0, 2‖x^(j−1)‖²/n_(j−1)) (rotation invariance), so a net's layer is drawn as n_j
  /// normals scaled by ‖x^(j−1)‖, not as a matrix (200× cheaper). The estimator's
  /// relative sd is ~1.2 % here (heavy tails); tolerance 5 %, so a law with 4.5 in place
  /// of 5 (−10 %) fails, and so does e^(5β) − 1 (+8 %).
  @Test("ReLU + He at finite width: Var[M_d/M₀] = ∏(1 + 5/n_j) − 1 and mean 1 over an ensemble")
  func haninVariance() {
    let widths = [40, 40, 40, 40, 40], samples = 100_000
    var random = TestRandom(seed: 2018)
    var sum = 0.0, sumSquares = 0.0
    for _ in 0..<samples {
      var meanSquare = 1.0  // M₀ = 1 (only ‖x⁰‖ matters)
      for n in widths {
        let std = (2 * meanSquare).squareRoot()  // Var = (2/fan_in)·‖x‖² = 2·M
        var squares = 0.0
        for _ in 0..<n {
          let h = std * random.normal()
          if h > 0 { squares += h * h }
        }
        meanSquare = squares / Double(n)
      }
      sum += meanSquare
      sumSquares += meanSquare * meanSquare
    }
    let mean = sum / Double(samples)
    let variance = sumSquares / Double(samples) - mean * mean
    let predicted = HaninLaw.lengthVariance(widths: widths)
    #expect(abs(mean - 1) < 0.015, "mean \(mean)")
    #expect(close(variance, predicted, relative: 0.05), "variance \(variance) vs \(predicted)")
    #expect(abs(HaninLaw.beta(widths: widths) - 0.125) < 1e-15)
    #expect(abs(HaninLaw.approximateLengthVariance(beta: 0.125) - (exp(0.625) - 1)) < 1e-15)
  }

  /// The log scale of Hanin's ensemble: E and Var of ln(M_d/M₀) for 5 layers of 10
  /// (β = 0.5) and 10 of 100 (β = 0.1), exact (polygamma mixture) against the values of an
  /// independent computation (scipy's polygamma, 2026-12-06: −1.5373, 4.3337; −0.2542,
  /// 0.5194) and against 40,000 sampled nets (the shortcut above; tolerance 4 standard
  /// errors of the sample mean and variance, from the same theory's κ₄). A law with 4.5 in
  /// place of 5, or the large-width 5β = 2.5, is far outside.
  @Test("ReLU + He at finite width: the mean and variance of ln(M_d/M₀) over an ensemble")
  func haninLogMoments() {
    #expect(abs(HalfIntegerPolygamma(upTo: 3).value(order: 0, twiceArgument: 3) - (2 - 0.57721566490153286 - 2 * log(2.0))) < 1e-14)
    #expect(abs(HalfIntegerPolygamma(upTo: 4).value(order: 1, twiceArgument: 4) - (Double.pi * Double.pi / 6 - 1)) < 1e-14)
    let narrow = HaninLaw.logLength(widths: Array(repeating: 10, count: 5))
    #expect(abs(narrow.mean - -1.5373) < 1e-4 && abs(narrow.variance - 4.3337) < 1e-4, "\(narrow)")
    let wide = HaninLaw.logLength(widths: Array(repeating: 100, count: 10))
    #expect(abs(wide.mean - -0.2542) < 1e-4 && abs(wide.variance - 0.5194) < 1e-4, "\(wide)")
    #expect(HaninLaw.logLength(widths: []) == LogLengthMoments())

    let samples = 40_000
    var random = TestRandom(seed: 1801)
    var logs: [Double] = []
    for _ in 0..<samples {
      var meanSquare = 1.0
      for _ in 0..<5 {
        let std = (2 * meanSquare).squareRoot()
        var squares = 0.0
        for _ in 0..<10 {
          let h = std * random.normal()
          if h > 0 { squares += h * h }
        }
        meanSquare = squares / 10
      }
      if meanSquare > 0 { logs.append(log(meanSquare)) }
    }
    let k = Double(logs.count)
    let mean = logs.reduce(0, +) / k
    let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (k - 1)
    #expect(abs(mean - narrow.mean) < 4 * narrow.meanStandardError(samples: logs.count), "mean \(mean)")
    #expect(abs(variance - narrow.variance) < 4 * narrow.varianceStandardError(samples: logs.count), "variance \(variance)")
  }
}
