// Independent Double-precision references the engine is checked against: the activation
// formulas straight from their definitions (libm), and a plain forward pass of a whole
// network with the loss, used for finite-difference gradient checks.

import Foundation
@testable import GradEngine

enum Reference {
  static let seluLambda = 1.0507009873554805
  static let seluAlpha = 1.6732632423543772

  /// f(z) by definition, in Double.
  static func activation(_ kind: ActivationKind, _ z: Double, slope: Double = 0.01) -> Double {
    switch kind {
    case .sigmoid: return 1 / (1 + exp(-z))
    case .tanh: return tanh(z)
    case .relu: return max(z, 0)
    case .leakyReLU, .prelu: return z > 0 ? z : slope * z
    case .elu: return z > 0 ? z : expm1(z)
    case .selu: return seluLambda * (z > 0 ? z : seluAlpha * expm1(z))
    case .gelu: return z * 0.5 * erfc(-z / 2.0.squareRoot())
    case .geluTanh:
      let u = (2 / Double.pi).squareRoot() * (z + 0.044715 * z * z * z)
      return 0.5 * z * (1 + tanh(u))
    case .silu: return z / (1 + exp(-z))
    case .softplus: return max(z, 0) + log1p(exp(-abs(z)))
    case .softsign: return z / (1 + abs(z))
    case .hardTanh: return min(max(z, -1), 1)
    case .identity: return z
    }
  }

  /// f′(z) by its closed form, in Double.
  static func derivative(_ kind: ActivationKind, _ z: Double, slope: Double = 0.01) -> Double {
    switch kind {
    case .sigmoid:
      let s = 1 / (1 + exp(-z))
      return s * (1 - s)
    case .tanh:
      let c = cosh(z)
      return 1 / (c * c)
    case .relu: return z > 0 ? 1 : 0
    case .leakyReLU, .prelu: return z > 0 ? 1 : slope
    case .elu: return z > 0 ? 1 : exp(z)
    case .selu: return seluLambda * (z > 0 ? 1 : seluAlpha * exp(z))
    case .gelu:
      return 0.5 * erfc(-z / 2.0.squareRoot()) + z * exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    case .geluTanh:
      let c = (2 / Double.pi).squareRoot()
      let u = c * (z + 0.044715 * z * z * z)
      let t = tanh(u)
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z)
    case .silu:
      let s = 1 / (1 + exp(-z))
      return s * (1 + z * (1 - s))
    case .softplus: return 1 / (1 + exp(-z))
    case .softsign: return 1 / ((1 + abs(z)) * (1 + abs(z)))
    case .hardTanh: return abs(z) < 1 ? 1 : 0
    case .identity: return 1
    }
  }

  /// The engine's f and f′ on scalars (through the 8-lane kernels).
  static func engine(_ kind: ActivationKind, _ zs: [Float], slope: Float = 0.01) -> (values: [Float], derivatives: [Float]) {
    var z = zs
    var a = [Float](repeating: 0, count: zs.count)
    var d = [Float](repeating: 0, count: zs.count)
    z.withUnsafeMutableBufferPointer { zb in
      a.withUnsafeMutableBufferPointer { ab in
        d.withUnsafeMutableBufferPointer { db in
          _ = activationForward(
            kind, slope: slope, preactivations: zb.baseAddress!, bias: nil, activations: ab.baseAddress!,
            derivatives: db.baseAddress!, rows: 1, width: zs.count, keepPreactivations: false)
        }
      }
    }
    return (a, d)
  }
}

/// A network's parameters in Double and its loss on a batch, computed from definitions.
struct ReferenceNetwork {
  var spec: NetworkSpec
  var weights: [[Double]]  // per layer, fanIn × fanOut row-major
  var biases: [[Double]]   // per layer (empty without bias)
  var slopes: [Double]     // PReLU slope per hidden layer

  init(_ network: Network) {
    spec = network.spec
    weights = (1...network.layerCount).map { network.weights(layer: $0).map(Double.init) }
    biases = (1...network.layerCount).map { network.biases(layer: $0).map(Double.init) }
    slopes = (1..<network.layerCount).map { Double(network.preluSlope(layer: $0) ?? network.spec.activation.slope) }
  }

  /// Mean over rows of the loss, with the head/loss pairing of Loss.swift.
  func loss(features: [Double], targets: [Double], rows: Int, loss kind: LossKind) -> Double {
    let sizes = [spec.inputSize] + spec.hiddenWidths + [spec.outputSize]
    var total = 0.0
    for row in 0..<rows {
      var x = Array(features[(row * spec.inputSize)..<((row + 1) * spec.inputSize)])
      for layer in 0..<(sizes.count - 1) {
        let fanIn = sizes[layer], fanOut = sizes[layer + 1]
        var z = [Double](repeating: 0, count: fanOut)
        for j in 0..<fanOut {
          var sum = biases[layer].isEmpty ? 0 : biases[layer][j]
          for i in 0..<fanIn { sum += x[i] * weights[layer][i * fanOut + j] }
          z[j] = sum
        }
        if layer < sizes.count - 2 {
          x = z.map { Reference.activation(spec.activation.kind, $0, slope: slopes[layer]) }
        } else {
          x = z
        }
      }
      let y = Array(targets[(row * spec.outputSize)..<((row + 1) * spec.outputSize)])
      total += exampleLoss(logits: x, targets: y, kind: kind)
    }
    return total / Double(rows)
  }

  func exampleLoss(logits z: [Double], targets y: [Double], kind: LossKind) -> Double {
    let k = Double(z.count)
    switch (kind, spec.head) {
    case (.crossEntropy, .softmax):
      let m = z.max()!
      let lse = m + log(z.map { exp($0 - m) }.reduce(0, +))
      return zip(z, y).map { $1 * (lse - $0) }.reduce(0, +)
    case (.crossEntropy, .sigmoid), (.binaryCrossEntropy, .sigmoid):
      return zip(z, y).map { z, y in -(y * log(1 / (1 + exp(-z))) + (1 - y) * log(1 / (1 + exp(z)))) }.reduce(0, +)
    case (.meanSquaredError, let head):
      let h: [Double]
      switch head {
      case .softmax:
        let m = z.max()!
        let e = z.map { exp($0 - m) }
        let s = e.reduce(0, +)
        h = e.map { $0 / s }
      case .sigmoid: h = z.map { 1 / (1 + exp(-$0)) }
      case .linear: h = z
      }
      return zip(h, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / k
    default:
      fatalError("unsupported pair in the reference")
    }
  }
}

/// An observer that keeps everything it is given and can ask to stop after some records
/// (`stopAfterRecords`, with `request`).
struct RecordingObserver: TrainingObserver {
  var records: [StepRecord] = []
  var layers: [[LayerStatistics]] = []
  var stopAfterRecords: Int? = nil
  var request = StopRequest.interrupt
  var polls = 0

  mutating func record(_ step: StepRecord, layers: [LayerStatistics]) throws {
    records.append(step)
    self.layers.append(layers)
  }

  func stopRequest() -> StopRequest? {
    if let stopAfterRecords, records.count >= stopAfterRecords { return request }
    return nil
  }

  /// Every logged number as bits (NaN-safe equality of whole trainings).
  var fingerprint: [UInt64] {
    var bits: [UInt64] = []
    func add(_ x: Double?) { bits.append(x.map(\.bitPattern) ?? 0xDEAD) }
    for (record, layers) in zip(records, self.layers) {
      bits.append(UInt64(record.step))
      [record.epoch, record.loss, record.accuracy, record.validationLoss, record.validationAccuracy, record.gradientNorm].forEach(add)
      for l in layers {
        [l.gradWNorm, l.gradWMeanAbs, l.gradBNorm, l.weightNorm, l.updateRatio, l.preactMean, l.preactStd,
         l.actMean, l.actStd, l.derivMean, l.saturatedFraction, l.deadFraction, l.preluSlope].forEach(add)
      }
    }
    return bits
  }
}

/// Deterministic test data.
enum TestData {
  /// `rows × features` standard normal features and class labels from a seed.
  static func classification(rows: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var g = Xoshiro256(seed: seed)
    let x = (0..<(rows * features)).map { _ in Float(g.nextNormal()) }
    let labels = (0..<rows).map { _ in Int32(g.nextIndex(below: classes)) }
    return Dataset(features: x, featureCount: features, targets: .classes(labels: labels, classCount: classes))
  }

  /// `rows × features` standard normal features, two classes split by x₀ + x₁ > 0.
  static func separable(rows: Int, features: Int, seed: UInt64) -> Dataset {
    var g = Xoshiro256(seed: seed)
    let x = (0..<(rows * features)).map { _ in Float(g.nextNormal()) }
    let labels = (0..<rows).map { Int32(x[$0 * features] + x[$0 * features + 1] > 0 ? 1 : 0) }
    return Dataset(features: x, featureCount: features, targets: .classes(labels: labels, classCount: 2))
  }

  /// `rows × features` standard normal features, `classes` classes by the largest of
  /// the first `classes` features (learnable: the tests of training behaviour use it).
  static func learnable(rows: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var g = Xoshiro256(seed: seed)
    let x = (0..<(rows * features)).map { _ in Float(g.nextNormal()) }
    let labels = (0..<rows).map { row in
      Int32((0..<classes).max { x[row * features + $0] < x[row * features + $1] }!)
    }
    return Dataset(features: x, featureCount: features, targets: .classes(labels: labels, classCount: classes))
  }

  static func regression(rows: Int, features: Int, outputs: Int, seed: UInt64, unitInterval: Bool = false) -> Dataset {
    var g = Xoshiro256(seed: seed)
    let x = (0..<(rows * features)).map { _ in Float(g.nextNormal()) }
    let y = (0..<(rows * outputs)).map { _ in Float(unitInterval ? g.nextUnit() : g.nextNormal()) }
    return Dataset(features: x, featureCount: features, targets: .values(y, outputCount: outputs))
  }

  /// XOR on {0,1}², two classes.
  static var xor: Dataset {
    Dataset(
      features: [0, 0, 0, 1, 1, 0, 1, 1], featureCount: 2,
      targets: .classes(labels: [0, 1, 1, 0], classCount: 2))
  }
}
