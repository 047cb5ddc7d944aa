// The forward and backward passes of a network with normalisation, residual blocks or
// dropout (issue 8's cures). A network with none of them never comes here: it runs
// `forwardPass`/`backwardPass` unchanged, so the benchmark's plain nets pay one branch
// per pass. These passes give the same bits as the plain ones on a plain network (a
// test checks it), and differ only by the stages below, in this order per hidden layer:
//
//     forward   z = x·W + b                     stored in `preactivations`
//               pre:  z ← γ ⊙ x̂(z) + β          in place (z then holds the activation's input)
//               a = f(z), f′(z)
//               post: a ← γ ⊙ x̂(a) + β          in place
//               a ← m ⊙ a                        dropout, training only
//               a ← a + h_in                     at the end of a residual block
//     backward  the same stages in reverse on g = ∂L/∂h (`deltas`): g += the skip
//               gradient at a block's input (saved at its end), g ⊙= m, post-norm
//               backward, g ⊙= f′, pre-norm backward → δ = ∂L/∂z
//
// so every matrix product, the bias gradient Σ_rows δ and the weight gradient Xᵀδ are
// those of the plain network, with X = h of the layer below.

import GradKernels

/// How a training-mode pass treats dropout.
enum DropoutMasks: Equatable {
  /// No dropout (the network has none, or an inspection).
  case off
  /// Fresh masks from the dropout stream.
  case draw
  /// The masks of the previous pass (repeating a diverged step for its record).
  case reuse
}

/// `forwardPass` for networks with normalisation, residual blocks or dropout, in
/// training mode (batch norm uses the batch's statistics and records them; the running
/// statistics are updated by the caller once the update is applied).
func generalForwardPass(
  network: Network, workspace: Workspace, loss: ResolvedLoss, rows: Int,
  keepPreactivations: Bool, withGradient: Bool, collectStatistics: Bool,
  dropout: DropoutMasks, generator: inout Xoshiro256
) -> Double {
  let layers = network.layers
  let hiddenCount = layers.count - 1
  let kind = network.spec.activation.kind
  var input = UnsafePointer(workspace.input.pointer)
  for index in 0..<layers.count {
    let layer = layers[index]
    let width = layer.fanOut
    let count = rows * width
    let z = workspace.preactivations[index].pointer
    sgemm(
      .none, .none, m: rows, n: width, k: layer.fanIn, alpha: 1,
      a: input, lda: layer.fanIn, b: layer.weights.value.pointer, ldb: width,
      beta: 0, c: z, ldc: width)
    guard index < hiddenCount else {
      if let bias = layer.bias { addBias(z, bias: bias.value.pointer, rows: rows, width: width) }
      break
    }
    let a = workspace.activations[index].pointer
    let derivatives = workspace.derivatives[index].pointer
    let slope = network.activationSlope(index)
    var bias = layer.bias.map { UnsafePointer($0.value.pointer) }
    var preactivationSummary: ActivationSummary? = nil
    if let norm = layer.normalization, norm.position == .pre {
      if let b = bias {
        addBias(z, bias: b, rows: rows, width: width)
        bias = nil
      }
      // The logged pre-activation statistics describe z = x·W + b before normalisation.
      if collectStatistics { preactivationSummary = summarizeLogits(z, rows: rows, width: width) }
      normalizeForTraining(norm, z, layer: index, workspace: workspace, rows: rows)
    }
    if collectStatistics {
      var accumulator = ActivationStatisticsAccumulator(
        threshold: kind.saturationThreshold(slope: slope), aliveScratch: workspace.unitScratch.pointer, width: width)
      _ = activationForward(
        kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
        rows: rows, width: width, keepPreactivations: true, statistics: &accumulator)
      var summary = accumulator.summary(rows: rows, width: width)
      if let preactivationSummary {
        summary.preactMean = preactivationSummary.preactMean
        summary.preactStd = preactivationSummary.preactStd
      }
      workspace.summaries[index] = summary
    } else {
      _ = activationForward(
        kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
        rows: rows, width: width, keepPreactivations: keepPreactivations)
    }
    if let norm = layer.normalization, norm.position == .post {
      normalizeForTraining(norm, a, layer: index, workspace: workspace, rows: rows)
    }
    if dropout != .off, let mask = workspace.dropoutMasks[index] {
      if dropout == .draw {
        drawDropoutMask(mask.pointer, count: count, dropout: network.spec.dropout, using: &generator)
      }
      multiplyElementwise(a, by: mask.pointer, count: count)
    }
    if let source = network.residualLayout.skipSource[index] {
      addElementwise(a, workspace.activations[source].pointer, count: count)
    }
    workspace.inputAbsoluteSums[index + 1] = absoluteSum(a, count: count)
    input = UnsafePointer(a)
  }
  let last = layers.count - 1
  return loss.evaluate(
    logits: workspace.preactivations[last].pointer, targets: workspace.targets.pointer,
    rows: rows, width: layers[last].fanOut, outputs: workspace.activations[last].pointer,
    gradient: withGradient ? workspace.deltas[last].pointer : nil,
    gradientScale: 1 / Float(rows))
}

/// `backwardPass` after `generalForwardPass(withGradient: true)`: δ of every layer, the
/// bias, PReLU slope, γ and β gradients; records Σ|δ| per layer. `dropout`: whether the
/// forward pass applied the masks.
func generalBackwardPass(network: Network, workspace: Workspace, rows: Int, dropout: Bool) {
  let layers = network.layers
  let layout = network.residualLayout
  let last = layers.count - 1
  workspace.deltaAbsoluteSums[last] = absoluteSum(
    workspace.deltas[last].pointer, count: rows * layers[last].fanOut)
  var index = last
  while index > 0 {
    let layer = layers[index]
    let below = index - 1
    let target = propagateDelta(below: index, network: network, workspace: workspace, rows: rows)
    let count = rows * layer.fanIn
    // target = ∂L/∂h of the layer below; first the skip connection whose input h is.
    if let skip = workspace.skipGradient {
      if layout.isBlockInput[below] { addElementwise(target, skip.pointer, count: count) }
      if layout.skipSource[below] != nil { skip.pointer.update(from: target, count: count) }
    }
    if dropout, let mask = workspace.dropoutMasks[below] {
      multiplyElementwise(target, by: mask.pointer, count: count)
    }
    let norm = layers[below].normalization
    if let norm, norm.position == .post {
      normalizeBackward(norm, target, layer: below, workspace: workspace, rows: rows)
    }
    if let slope = layers[below].slope {
      // The activation's input is in `preactivations` (after a pre-normalisation).
      slope.gradient.pointer[0] = preluSlopeGradient(
        target, preactivations: workspace.preactivations[below].pointer, count: count)
    }
    var absoluteSum = multiplyByDerivatives(target, derivatives: workspace.derivatives[below].pointer, count: count)
    if let norm, norm.position == .pre {
      normalizeBackward(norm, target, layer: below, workspace: workspace, rows: rows)
      absoluteSum = GradEngine.absoluteSum(target, count: count)
    }
    workspace.deltaAbsoluteSums[below] = absoluteSum
    index -= 1
  }
  for index in 0..<layers.count {
    if let bias = layers[index].bias {
      columnSums(workspace.deltas[index].pointer, rows: rows, width: layers[index].fanOut, into: bias.gradient.pointer)
    }
  }
}

/// Batch norm (training mode, batch statistics recorded) or layer norm of hidden layer
/// `index`, in place on `x`.
private func normalizeForTraining(
  _ norm: Normalization, _ x: UnsafeMutablePointer<Float>, layer index: Int, workspace: Workspace, rows: Int
) {
  switch norm.kind {
  case .batch:
    batchNormTrainingForward(
      x, rows: rows, width: norm.width, scale: norm.scale.value.pointer, shift: norm.shift.value.pointer,
      normalized: workspace.normalized[index]!.pointer, mean: workspace.batchMean[index]!.pointer,
      variance: workspace.batchVariance[index]!.pointer,
      inverseStd: workspace.normalizationInverseStd[index]!.pointer)
  case .layer:
    layerNormForward(
      x, rows: rows, width: norm.width, scale: norm.scale.value.pointer, shift: norm.shift.value.pointer,
      normalized: workspace.normalized[index]!.pointer,
      inverseStd: workspace.normalizationInverseStd[index]!.pointer)
  case .none:
    break
  }
}

/// The backward pass of `normalizeForTraining`, in place on g, writing ∂L/∂γ and ∂L/∂β.
private func normalizeBackward(
  _ norm: Normalization, _ g: UnsafeMutablePointer<Float>, layer index: Int, workspace: Workspace, rows: Int
) {
  let normalized = UnsafePointer(workspace.normalized[index]!.pointer)
  let inverseStd = UnsafePointer(workspace.normalizationInverseStd[index]!.pointer)
  switch norm.kind {
  case .batch:
    batchNormBackward(
      g, normalized: normalized, inverseStd: inverseStd, scale: norm.scale.value.pointer, rows: rows,
      width: norm.width, scaleGradient: norm.scale.gradient.pointer, shiftGradient: norm.shift.gradient.pointer)
  case .layer:
    layerNormBackward(
      g, normalized: normalized, inverseStd: inverseStd, scale: norm.scale.value.pointer, rows: rows,
      width: norm.width, scaleGradient: norm.scale.gradient.pointer, shiftGradient: norm.shift.gradient.pointer)
  case .none:
    break
  }
}

/// Folds the last training pass's batch statistics into every batch norm's running
/// statistics (after an applied update).
func updateRunningStatistics(network: Network, workspace: Workspace, rows: Int) {
  for (index, layer) in network.layers.enumerated() {
    guard let norm = layer.normalization, norm.kind == .batch else { continue }
    norm.updateRunningStatistics(
      mean: workspace.batchMean[index]!.pointer, variance: workspace.batchVariance[index]!.pointer, rows: rows)
  }
}
