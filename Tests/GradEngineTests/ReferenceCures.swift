// A Double-precision reference of the network with normalisation, residual blocks and
// dropout, written from the definitions on whole batches (batch norm couples the rows),
// independent of the engine's kernels and buffers.

import Foundation
@testable import GradEngine

struct CuredReference {
  /// Weights, biases, PReLU slopes and the loss of the plain reference.
  var base: ReferenceNetwork
  /// γ and β per hidden layer (empty without normalisation).
  var gammas: [[Double]]
  var betas: [[Double]]
  /// Batch norm's running statistics per hidden layer (evaluation mode).
  var runningMeans: [[Double]]
  var runningVariances: [[Double]]
  /// Dropout masks per hidden layer, rows × width (empty: no dropout).
  var masks: [[Double]] = []
  /// Batch norm on the batch's statistics (training) or the running ones (evaluation).
  var training = true

  var spec: NetworkSpec { base.spec }

  init(_ network: Network) {
    base = ReferenceNetwork(network)
    let hidden = 1..<network.layerCount
    gammas = hidden.map { network.normalizationScale(layer: $0).map(Double.init) }
    betas = hidden.map { network.normalizationShift(layer: $0).map(Double.init) }
    runningMeans = hidden.map { network.runningStatistics(layer: $0)?.mean.map(Double.init) ?? [] }
    runningVariances = hidden.map { network.runningStatistics(layer: $0)?.variance.map(Double.init) ?? [] }
  }

  /// γ ⊙ x̂ + β of a `rows × width` block (row-major), by the definitions.
  func normalize(_ x: [Double], rows: Int, width: Int, layer: Int) -> [Double] {
    let eps = 1e-5
    var y = x
    switch spec.normalization {
    case .none:
      return x
    case .batch:
      for j in 0..<width {
        let column = (0..<rows).map { x[$0 * width + j] }
        let mean: Double, variance: Double
        if training {
          mean = column.reduce(0, +) / Double(rows)
          variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows)
        } else {
          mean = runningMeans[layer][j]
          variance = runningVariances[layer][j]
        }
        for r in 0..<rows {
          y[r * width + j] = gammas[layer][j] * (x[r * width + j] - mean) / (variance + eps).squareRoot() + betas[layer][j]
        }
      }
    case .layer:
      for r in 0..<rows {
        let row = Array(x[(r * width)..<((r + 1) * width)])
        let mean = row.reduce(0, +) / Double(width)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
        for j in 0..<width {
          y[r * width + j] = gammas[layer][j] * (row[j] - mean) / (variance + eps).squareRoot() + betas[layer][j]
        }
      }
    }
    return y
  }

  /// The logits of `rows` examples, rows × outputSize.
  func logits(features: [Double], rows: Int) -> [Double] {
    let sizes = [spec.inputSize] + spec.hiddenWidths + [spec.outputSize]
    let blocks = spec.residualBlocks
    var outputs: [[Double]] = []  // h of each hidden layer
    var h = features
    for layer in 0..<(sizes.count - 1) {
      let fanIn = sizes[layer], fanOut = sizes[layer + 1]
      var z = [Double](repeating: 0, count: rows * fanOut)
      for r in 0..<rows {
        for j in 0..<fanOut {
          var sum = base.biases[layer].isEmpty ? 0 : base.biases[layer][j]
          for i in 0..<fanIn { sum += h[r * fanIn + i] * base.weights[layer][i * fanOut + j] }
          z[r * fanOut + j] = sum
        }
      }
      if layer == sizes.count - 2 { return z }
      let isPre = spec.normPosition == .pre
      if isPre { z = normalize(z, rows: rows, width: fanOut, layer: layer) }
      var a = z.map { Reference.activation(spec.activation.kind, $0, slope: base.slopes[layer]) }
      if !isPre { a = normalize(a, rows: rows, width: fanOut, layer: layer) }
      if !masks.isEmpty { a = zip(a, masks[layer]).map { $0 * $1 } }
      if let block = blocks.first(where: { $0.upperBound == layer + 1 }) {
        let input = outputs[block.lowerBound - 2]
        a = zip(a, input).map { $0 + $1 }
      }
      outputs.append(a)
      h = a
    }
    fatalError("unreachable")
  }

  /// Mean over rows of the loss.
  func loss(features: [Double], targets: [Double], rows: Int, loss kind: LossKind) -> Double {
    let z = logits(features: features, rows: rows)
    let k = spec.outputSize
    var total = 0.0
    for r in 0..<rows {
      total += base.exampleLoss(
        logits: Array(z[(r * k)..<((r + 1) * k)]), targets: Array(targets[(r * k)..<((r + 1) * k)]), kind: kind)
    }
    return total / Double(rows)
  }
}
