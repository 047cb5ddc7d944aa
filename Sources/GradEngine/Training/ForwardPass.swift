// The forward pass of a training step: one family of passes for every network. A hidden
// layer is a matrix product followed by stages around its activation, in this order:
//
//     z = x·W + b                     stored in `preactivations`        (always)
//     pre:  z ← γ ⊙ x̂(z) + β          in place (z then holds f's input)   pre-normalisation
//     a = f(z), f′(z)                                                     (always)
//     post: a ← γ ⊙ x̂(a) + β          in place                            post-normalisation
//     a ← m ⊙ a                        dropout, training only
//     a ← a + h_in                     at the end of a residual block
//
// A plain network is this pass with every optional stage empty: the same products and
// the same activation sweep, so no separate "plain" pass is kept — it did not pay.
// Measured against the engine with a plain and a general pass (646f920), release builds,
// Intel Xeon AVX-512 host (2 cores, load average ~13 from other builds): CPU time
// (`perf stat -e task-clock`) of fixed-step runs shaped like bench's W1, W2, W2b128, W3,
// W4 and a logged Adam run, 7 alternating pairs each: new/old medians 1.006, 1.010,
// 1.005, 1.006, 1.005, 1.002 (pair-to-pair spread ±2–5 %); `gradsweep bench` wall-clock
// steps/s, 3 alternating pairs, medians 0.74–1.08 with pairs from 0.69 to 2.07 under
// that load. BackwardPass.swift runs the same stages in reverse.

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

/// Forward pass over the `rows` rows gathered in `workspace.input`, in training mode
/// (batch norm on the batch's statistics, recorded for the running statistics, which the
/// caller updates once an update is applied).
///
/// Leaves z, f(z), f′(z) per hidden layer, the logits and head outputs, δ of the output
/// layer, and Σ|h| of every layer's input (the overflow bound of
/// `weightGradientsAreBounded`). With `collectStatistics`, each hidden layer's
/// `ActivationSummary` is accumulated in the activation's own sweep into
/// `workspace.summaries` (z is then stored whatever `keepPreactivations`); its
/// pre-activation statistics describe z = x·W + b before any normalisation.
/// - Parameter dropout: ignored for layers without a mask (a network without dropout).
/// - Returns: Σ over rows of the per-example loss.
func forwardPass(
  network: Network, workspace: Workspace, loss: ResolvedLoss, rows: Int,
  keepPreactivations: Bool, collectStatistics: Bool, dropout: DropoutMasks, generator: inout Xoshiro256
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
      beta: 0, c: z, ldc: width, scratch: workspace.gemmScratch)
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
      if collectStatistics { preactivationSummary = summarizeLogits(z, rows: rows, width: width) }
      normalizeForTraining(norm, z, layer: index, workspace: workspace, rows: rows)
    }
    var outputSum: Float
    if collectStatistics {
      var accumulator = ActivationStatisticsAccumulator(
        threshold: kind.saturationThreshold(slope: slope), aliveScratch: workspace.unitScratch.pointer, width: width)
      outputSum = activationForward(
        kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
        rows: rows, width: width, keepPreactivations: true, statistics: &accumulator)
      var summary = accumulator.summary(rows: rows, width: width)
      if let preactivationSummary {
        summary.preactMean = preactivationSummary.preactMean
        summary.preactStd = preactivationSummary.preactStd
      }
      workspace.summaries[index] = summary
    } else {
      outputSum = activationForward(
        kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
        rows: rows, width: width, keepPreactivations: keepPreactivations)
    }
    // The stages after the activation; Σ|a| is formed again only when one changed a.
    var changed = false
    if let norm = layer.normalization, norm.position == .post {
      normalizeForTraining(norm, a, layer: index, workspace: workspace, rows: rows)
      changed = true
    }
    if dropout != .off, let mask = workspace.dropoutMasks[index] {
      if dropout == .draw {
        drawDropoutMask(mask.pointer, count: count, dropout: network.spec.dropout, using: &generator)
      }
      multiplyElementwise(a, by: mask.pointer, count: count)
      changed = true
    }
    if let source = network.residualLayout.skipSource[index] {
      addElementwise(a, workspace.activations[source].pointer, count: count)
      changed = true
    }
    if changed { outputSum = absoluteSum(a, count: count) }
    workspace.inputAbsoluteSums[index + 1] = outputSum
    input = UnsafePointer(a)
  }
  let last = layers.count - 1
  return loss.evaluate(
    logits: workspace.preactivations[last].pointer, targets: workspace.targets.pointer,
    rows: rows, width: layers[last].fanOut, outputs: workspace.activations[last].pointer,
    gradient: workspace.deltas[last].pointer, gradientScale: 1 / Float(rows))
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

/// Folds the last training pass's batch statistics into every batch norm's running
/// statistics (after an applied update).
func updateRunningStatistics(network: Network, workspace: Workspace, rows: Int) {
  for (index, layer) in network.layers.enumerated() {
    guard let norm = layer.normalization, norm.kind == .batch else { continue }
    norm.updateRunningStatistics(
      mean: workspace.batchMean[index]!.pointer, variance: workspace.batchVariance[index]!.pointer, rows: rows)
  }
}
