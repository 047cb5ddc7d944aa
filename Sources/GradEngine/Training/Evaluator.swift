// Loss and accuracy of a network over a whole data set, by a forward pass in chunks of
// at most `Evaluator.chunkSize` rows, with buffers of its own (so evaluating between a
// step's backward pass and its update disturbs nothing).

import GradKernels

/// Mean loss and accuracy over a data set.
package struct Evaluation: Sendable, Equatable {
  /// Mean over examples of the training loss (NaN for an empty set).
  package var loss: Double
  /// Fraction of examples classified correctly; NaN for regression and empty sets.
  package var accuracy: Double
  package init(loss: Double, accuracy: Double) {
    self.loss = loss
    self.accuracy = accuracy
  }
}

final class Evaluator {
  /// Rows per forward pass: large enough for efficient products, fixed so that results
  /// do not depend on the training batch size.
  static let chunkSize = 256

  let network: Network
  let loss: ResolvedLoss
  private let input: FloatBuffer
  private let preactivations: FloatBuffer
  private let activations: (FloatBuffer, FloatBuffer)
  private let logits: FloatBuffer
  private let outputs: FloatBuffer
  private let targets: FloatBuffer
  private var labels: [Int32]
  /// The input of the residual block being evaluated (nil without residual blocks).
  private let residualInput: FloatBuffer?
  /// Where the products pack their operands, sized once for a chunk's (`GemmScratch`).
  private let scratch: GemmScratch

  init(network: Network, loss: ResolvedLoss) {
    self.network = network
    self.loss = loss
    let spec = network.spec
    let rows = Self.chunkSize
    let widest = spec.hiddenWidths.max() ?? 1
    input = FloatBuffer(count: rows * spec.inputSize)
    preactivations = FloatBuffer(count: rows * widest)
    activations = (FloatBuffer(count: rows * widest), FloatBuffer(count: rows * widest))
    logits = FloatBuffer(count: rows * spec.outputSize)
    outputs = FloatBuffer(count: rows * spec.outputSize)
    targets = FloatBuffer(count: rows * spec.outputSize)
    labels = [Int32](repeating: 0, count: rows)
    residualInput = network.residualLayout.isEmpty ? nil : FloatBuffer(count: rows * widest)
    scratch = GemmScratch(serving: Self.products(spec))
  }

  /// The bounds of the forward products over a chunk.
  static func products(_ spec: NetworkSpec) -> [GemmShape] {
    let fanOuts = spec.hiddenWidths + [spec.outputSize]
    let fanIns = [spec.inputSize] + spec.hiddenWidths
    return zip(fanIns, fanOuts).map { GemmShape(.none, .none, m: chunkSize, n: $1, k: $0) }
  }

  static func byteCount(spec: NetworkSpec) -> Int {
    let widest = spec.hiddenWidths.max() ?? 1
    let residual = spec.residualBlocks.isEmpty ? 0 : widest
    return chunkSize * (spec.inputSize + 3 * widest + residual + 3 * spec.outputSize) * MemoryLayout<Float>.stride
      + GemmScratch.byteCount(serving: products(spec))
  }

  /// Mean loss and accuracy over `data` (validated against the network by the caller).
  func evaluate(_ data: Dataset) -> Evaluation {
    let count = data.count
    guard count > 0 else { return Evaluation(loss: .nan, accuracy: .nan) }
    let outputSize = network.spec.outputSize
    var lossSum = 0.0
    var correct = 0
    var start = 0
    var indices = [Int](repeating: 0, count: Self.chunkSize)
    while start < count {
      let rows = min(Self.chunkSize, count - start)
      for i in 0..<rows { indices[i] = start + i }
      labels.withUnsafeMutableBufferPointer { labelBuffer in
        indices.withUnsafeBufferPointer { all in
          _ = gatherRows(
            UnsafeBufferPointer(rebasing: all[0..<rows]), from: data, outputSize: outputSize,
            input: input.pointer, targets: targets.pointer, labels: labelBuffer.baseAddress!)
        }
      }
      forward(rows: rows)
      lossSum += loss.evaluate(
        logits: logits.pointer, targets: targets.pointer, rows: rows, width: outputSize,
        outputs: outputs.pointer, gradient: nil, gradientScale: 1)
      if data.isClassification {
        correct += labels.withUnsafeBufferPointer {
          correctPredictions(outputs: outputs.pointer, labels: $0.baseAddress!, rows: rows, width: outputSize)
        }
      }
      start += rows
    }
    return Evaluation(
      loss: lossSum / Double(count),
      accuracy: data.isClassification ? Double(correct) / Double(count) : .nan)
  }

  /// The head's outputs for `rows` feature rows (row-major), `rows × outputSize`.
  func outputs(for features: [Float]) -> [Float] {
    let spec = network.spec
    let count = features.count / spec.inputSize
    var result = [Float]()
    result.reserveCapacity(count * spec.outputSize)
    var start = 0
    while start < count {
      let rows = min(Self.chunkSize, count - start)
      features.withUnsafeBufferPointer { source in
        input.pointer.update(from: source.baseAddress! + start * spec.inputSize, count: rows * spec.inputSize)
      }
      forward(rows: rows)
      _ = loss.evaluate(
        logits: logits.pointer, targets: logits.pointer, rows: rows, width: spec.outputSize,
        outputs: outputs.pointer, gradient: nil, gradientScale: 1)
      result.append(contentsOf: UnsafeBufferPointer(start: outputs.pointer, count: rows * spec.outputSize))
      start += rows
    }
    return result
  }

  /// Logits of the `rows` rows in `input`, in evaluation mode: the training pass's
  /// stages (ForwardPass.swift) with batch norm on its running statistics, layer norm on
  /// the example's own, and no dropout (inverted dropout needs no rescaling at
  /// evaluation). A plain network has no stage but the activation.
  private func forward(rows: Int) {
    let layers = network.layers
    let layout = network.residualLayout
    let kind = network.spec.activation.kind
    var source = UnsafePointer(input.pointer)
    for (index, layer) in layers.enumerated() {
      let isOutput = index == layers.count - 1
      let width = layer.fanOut
      let z = isOutput ? logits.pointer : preactivations.pointer
      sgemm(
        .none, .none, m: rows, n: width, k: layer.fanIn, alpha: 1,
        a: source, lda: layer.fanIn, b: layer.weights.value.pointer, ldb: width,
        beta: 0, c: z, ldc: width, scratch: scratch)
      if isOutput {
        if let bias = layer.bias { addBias(z, bias: bias.value.pointer, rows: rows, width: width) }
        break
      }
      let a = index % 2 == 0 ? activations.0.pointer : activations.1.pointer
      var bias = layer.bias.map { UnsafePointer($0.value.pointer) }
      if let norm = layer.normalization, norm.position == .pre {
        if let b = bias {
          addBias(z, bias: b, rows: rows, width: width)
          bias = nil
        }
        normalizeForEvaluation(norm, z, rows: rows)
      }
      _ = activationForward(
        kind, slope: network.activationSlope(index), preactivations: z, bias: bias, activations: a,
        derivatives: nil, rows: rows, width: width, keepPreactivations: false)
      if let norm = layer.normalization, norm.position == .post { normalizeForEvaluation(norm, a, rows: rows) }
      if let residualInput {
        if layout.skipSource[index] != nil { addElementwise(a, residualInput.pointer, count: rows * width) }
        if layout.isBlockInput[index] { residualInput.pointer.update(from: a, count: rows * width) }
      }
      source = UnsafePointer(a)
    }
  }

  private func normalizeForEvaluation(_ norm: Normalization, _ x: UnsafeMutablePointer<Float>, rows: Int) {
    switch norm.kind {
    case .batch:
      batchNormInferenceForward(
        x, rows: rows, width: norm.width, scale: norm.scale.value.pointer, shift: norm.shift.value.pointer,
        runningMean: norm.runningMean!.pointer, runningVariance: norm.runningVariance!.pointer)
    case .layer:
      layerNormForward(
        x, rows: rows, width: norm.width, scale: norm.scale.value.pointer, shift: norm.shift.value.pointer,
        normalized: nil, inverseStd: nil)
    case .none:
      break
    }
  }
}
