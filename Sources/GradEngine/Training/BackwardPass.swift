// The backward pass of a training step and the weight-gradient product, for every
// network (see ForwardPass.swift for the stages). Every matrix product is one
// `GradKernels.sgemm` call on batch-major blocks:
//
//     backward  g_{ℓ−1} = δ_ℓ·W_ℓᵀ = ∂L/∂h_{ℓ−1}, then the stages of layer ℓ−1 in
//               reverse: g += the skip gradient at a block's input (saved at its end),
//               g ⊙= m (dropout), post-norm backward, g ⊙= f′, pre-norm backward → δ_{ℓ−1}
//     gradient  ∂L/∂W_ℓ = A_{ℓ−1}ᵀ·δ_ℓ,  ∂L/∂b_ℓ = Σ_rows δ_ℓ
//
// with A₀ the input rows and A_ℓ = h_ℓ the output of layer ℓ after its stages. A plain
// network has no stage but g ⊙= f′. All deltas are computed before any weight changes,
// so the weight update can be fused into the gradient product (WeightUpdates.swift).

import GradKernels

/// Backward pass after `forwardPass`: δ of every layer, the bias, PReLU slope, γ and β
/// gradients; records Σ|δ| per layer (the overflow bound). Weights are not read after
/// this returns, so they may be updated in any order. `dropout`: whether the forward pass
/// applied the masks.
func backwardPass(network: Network, workspace: Workspace, rows: Int, dropout: Bool) {
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

/// ∂L/∂h of the layer below layer `index` (its output, before its own derivative):
/// δ_index · Wᵀ into `workspace.deltas[index − 1]`, which it returns.
@inline(__always)
func propagateDelta(below index: Int, network: Network, workspace: Workspace, rows: Int) -> UnsafeMutablePointer<Float> {
  let layer = network.layers[index]
  let target = workspace.deltas[index - 1].pointer
  sgemm(
    .none, .transposed, m: rows, n: layer.fanIn, k: layer.fanOut, alpha: 1,
    a: workspace.deltas[index].pointer, lda: layer.fanOut,
    b: layer.weights.value.pointer, ldb: layer.fanOut, beta: 0, c: target, ldc: layer.fanIn,
    scratch: workspace.gemmScratch)
  return target
}

/// The input block of layer `index` (0-based): the gathered rows or the activations below.
@inline(__always)
func layerInput(_ index: Int, _ workspace: Workspace) -> UnsafePointer<Float> {
  UnsafePointer(index == 0 ? workspace.input.pointer : workspace.activations[index - 1].pointer)
}

/// ∂L/∂W_ℓ = A_{ℓ−1}ᵀ·δ_ℓ of layer `index` (0-based), into its weight gradient.
func weightGradient(layer index: Int, network: Network, workspace: Workspace, rows: Int) {
  let layer = network.layers[index]
  sgemm(
    .transposed, .none, m: layer.fanIn, n: layer.fanOut, k: rows, alpha: 1,
    a: layerInput(index, workspace), lda: layer.fanIn,
    b: workspace.deltas[index].pointer, ldb: layer.fanOut,
    beta: 0, c: layer.weights.gradient.pointer, ldc: layer.fanOut, scratch: workspace.gemmScratch)
}

/// The backward pass of a normalisation in training mode, in place on g, writing ∂L/∂γ
/// and ∂L/∂β.
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
