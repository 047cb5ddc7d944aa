import Foundation
import GradEngine

/// A random deep "teacher" network labels Gaussian inputs, giving classification or
/// regression tasks of known difficulty (its depth and width) in any dimension.
///
///     x ~ N(0, I_d)          (d = features)
///     h₀ = x,  hₗ = φ(Wₗ hₗ₋₁ + bₗ)  for ℓ = 1…depth,  y = W_out h_depth + b_out
///     Wₗ ~ N(0, g²/fan_in),  bₗ ~ N(0, 0.1²),  g = √2 for rectifier-like φ, else 1
///
/// The gain keeps the signal's scale through depth (He for ReLU-like units, LeCun for
/// the rest), so a deep teacher is neither constant nor saturated. Each output is then
/// standardised over the generated set and N(0, noise²) is added.
///
/// - Regression: the `outputs` standardised outputs are the targets (predicting the
///   mean gives a mean squared error of 1 + noise²).
/// - Classification: one output s(x); the examples are ranked by it and cut at its
///   1/k, 2/k, … quantiles, so class c holds the c-th k-quantile band — exactly
///   balanced (counts differ by at most one), boundaries the teacher's level sets.
///
/// The teacher's weights come from their own generator, seeded by the first draw of
/// the data stream: changing `samples` never changes the teacher, and changing the
/// teacher never changes the inputs.
enum Teacher {
  static func generate(_ spec: DataSpec, using rng: inout Xoshiro256) -> Dataset {
    if !spec.singularValues.isEmpty { return LinearTeacher.generate(spec, using: &rng) }
    var weightRNG = Xoshiro256(seed: rng.next())
    let d = spec.features
    let outputCount = spec.task == .regression ? spec.outputs : 1
    let widths = [d] + Array(repeating: spec.teacherWidth, count: spec.teacherDepth) + [outputCount]
    let gain = rectifierLike(spec.teacherActivation) ? 2.0.squareRoot() : 1.0
    var layers: [(weights: [Double], biases: [Double], fanIn: Int, fanOut: Int)] = []
    for (fanIn, fanOut) in zip(widths, widths.dropFirst()) {
      let std = gain / Double(fanIn).squareRoot()
      let w = (0..<(fanIn * fanOut)).map { _ in std * weightRNG.nextNormal() }
      let b = (0..<fanOut).map { _ in 0.1 * weightRNG.nextNormal() }
      layers.append((w, b, fanIn, fanOut))
    }
    let phi = activation(spec.teacherActivation)

    let n = spec.samples
    var inputs = [Double]()
    inputs.reserveCapacity(n * d)
    for _ in 0..<(n * d) { inputs.append(rng.nextNormal()) }

    var outputs = [Double](repeating: 0, count: n * outputCount)
    for row in 0..<n {
      var h = Array(inputs[(row * d)..<((row + 1) * d)])
      for (index, layer) in layers.enumerated() {
        var next = layer.biases
        for o in 0..<layer.fanOut {
          var sum = next[o]
          for i in 0..<layer.fanIn { sum += layer.weights[o * layer.fanIn + i] * h[i] }
          next[o] = index == layers.count - 1 ? sum : phi(sum)
        }
        h = next
      }
      for o in 0..<outputCount { outputs[row * outputCount + o] = h[o] }
    }
    standardizeColumns(&outputs, columns: outputCount)
    for i in outputs.indices { outputs[i] += spec.noise * rng.nextNormal() }

    let features = inputs.map(Float.init)
    switch spec.task {
    case .regression:
      return Dataset(
        features: features, featureCount: d, targets: .values(outputs.map(Float.init), outputCount: outputCount))
    case .classification:
      let k = spec.classes
      let ranked = (0..<n).sorted { (outputs[$0], $0) < (outputs[$1], $1) }
      var labels = [Int32](repeating: 0, count: n)
      for (rank, row) in ranked.enumerated() { labels[row] = Int32(rank * k / n) }
      return Dataset(features: features, featureCount: d, targets: .classes(labels: labels, classCount: k))
    }
  }

  /// Activations whose negative half is (nearly) cut off, so they halve the signal's
  /// second moment and need the He gain √2.
  static func rectifierLike(_ kind: ActivationKind) -> Bool {
    switch kind {
    case .relu, .leakyReLU, .prelu, .elu, .gelu, .geluTanh, .silu, .softplus: true
    default: false
    }
  }

  /// The activation's forward function in Double (PReLU at its initial slope 0.25).
  static func activation(_ kind: ActivationKind) -> @Sendable (Double) -> Double {
    switch kind {
    case .sigmoid: { 1 / (1 + exp(-$0)) }
    case .tanh: { tanh($0) }
    case .relu: { max($0, 0) }
    case .leakyReLU: { $0 > 0 ? $0 : 0.01 * $0 }
    case .prelu: { $0 > 0 ? $0 : 0.25 * $0 }
    case .elu: { $0 > 0 ? $0 : expm1($0) }
    case .selu: { 1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * expm1($0)) }
    case .gelu: { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }
    case .geluTanh: { 0.5 * $0 * (1 + tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }
    case .silu: { $0 / (1 + exp(-$0)) }
    case .softplus: { max($0, 0) + log1p(exp(-abs($0))) }
    case .softsign: { $0 / (1 + abs($0)) }
    case .hardTanh: { min(max($0, -1), 1) }
    case .identity: { $0 }
    }
  }

  /// Each column to mean 0 and (population) standard deviation 1; a constant column is only centred.
  static func standardizeColumns(_ values: inout [Double], columns: Int) {
    let rows = values.count / columns
    guard rows > 0 else { return }
    for c in 0..<columns {
      var mean = 0.0
      for r in 0..<rows { mean += values[r * columns + c] }
      mean /= Double(rows)
      var ss = 0.0
      for r in 0..<rows { ss += (values[r * columns + c] - mean) * (values[r * columns + c] - mean) }
      let std = (ss / Double(rows)).squareRoot()
      let divisor = std > 1e-12 ? std : 1
      for r in 0..<rows { values[r * columns + c] = (values[r * columns + c] - mean) / divisor }
    }
  }
}
