// The forward and backward passes of a batch, on a network and its workspace. Every
// matrix product is one `GradKernels.sgemm` call on batch-major blocks:
//
//     forward   Z_ℓ = A_{ℓ−1}·W_ℓ              (rows × fanIn)·(fanIn × fanOut)
//     backward  δ_{ℓ−1} = (δ_ℓ·W_ℓᵀ) ⊙ f′(Z_{ℓ−1})
//     gradient  ∂L/∂W_ℓ = A_{ℓ−1}ᵀ·δ_ℓ,  ∂L/∂b_ℓ = Σ_rows δ_ℓ
//
// with A₀ the input rows. All deltas are computed before any weight changes, so the
// weight update can be fused into the gradient product (W ← βW + α·A_{ℓ−1}ᵀδ_ℓ).
//
// These are the passes of a plain network. Batch/layer normalisation, residual blocks
// and dropout (issue 8) add stages around the activation without changing the products;
// networks that use any of them run `generalForwardPass`/`generalBackwardPass`
// (GeneralPasses.swift) instead, so a plain network keeps this exact path.

import GradKernels

/// Forward pass over the `rows` rows gathered in `workspace.input`.
///
/// Leaves z, f(z), f′(z) per hidden layer, the logits and head outputs, and — when
/// `withGradient` — δ of the output layer; records Σ|A| per layer input. With
/// `collectStatistics`, each hidden layer's `ActivationSummary` is accumulated in the
/// same sweep into `workspace.summaries` (z is then stored whatever `keepPreactivations`).
/// - Returns: Σ over rows of the per-example loss.
func forwardPass(
  network: Network, workspace: Workspace, loss: ResolvedLoss, rows: Int,
  keepPreactivations: Bool, withGradient: Bool, collectStatistics: Bool = false
) -> Double {
  let layers = network.layers
  let hiddenCount = layers.count - 1
  let kind = network.spec.activation.kind
  var input = UnsafePointer(workspace.input.pointer)
  for index in 0..<layers.count {
    let layer = layers[index]
    let z = workspace.preactivations[index].pointer
    sgemm(
      .none, .none, m: rows, n: layer.fanOut, k: layer.fanIn, alpha: 1,
      a: input, lda: layer.fanIn, b: layer.weights.value.pointer, ldb: layer.fanOut,
      beta: 0, c: z, ldc: layer.fanOut)
    if index < hiddenCount {
      let a = workspace.activations[index].pointer
      let slope = network.activationSlope(index)
      let bias = layer.bias.map { UnsafePointer($0.value.pointer) }
      let derivatives = workspace.derivatives[index].pointer
      if collectStatistics {
        var accumulator = ActivationStatisticsAccumulator(
          threshold: kind.saturationThreshold(slope: slope), aliveScratch: workspace.unitScratch.pointer,
          width: layer.fanOut)
        workspace.inputAbsoluteSums[index + 1] = activationForward(
          kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
          rows: rows, width: layer.fanOut, keepPreactivations: true, statistics: &accumulator)
        workspace.summaries[index] = accumulator.summary(rows: rows, width: layer.fanOut)
      } else {
        workspace.inputAbsoluteSums[index + 1] = activationForward(
          kind, slope: slope, preactivations: z, bias: bias, activations: a, derivatives: derivatives,
          rows: rows, width: layer.fanOut, keepPreactivations: keepPreactivations)
      }
      input = UnsafePointer(a)
    } else if let bias = layer.bias {
      addBias(z, bias: bias.value.pointer, rows: rows, width: layer.fanOut)
    }
  }
  let last = layers.count - 1
  return loss.evaluate(
    logits: workspace.preactivations[last].pointer, targets: workspace.targets.pointer,
    rows: rows, width: layers[last].fanOut, outputs: workspace.activations[last].pointer,
    gradient: withGradient ? workspace.deltas[last].pointer : nil,
    gradientScale: 1 / Float(rows))
}

/// Backward pass after `forwardPass(withGradient: true)`: δ of every layer, the bias
/// gradients and PReLU slope gradients; records Σ|δ| per layer. Weights are not read
/// after this returns, so they may be updated in any order.
func backwardPass(network: Network, workspace: Workspace, rows: Int) {
  let layers = network.layers
  let last = layers.count - 1
  workspace.deltaAbsoluteSums[last] = absoluteSum(
    workspace.deltas[last].pointer, count: rows * layers[last].fanOut)
  var index = last
  while index > 0 {
    let layer = layers[index]
    let below = index - 1
    let target = propagateDelta(below: index, network: network, workspace: workspace, rows: rows)
    let count = rows * layer.fanIn
    if let slope = layers[below].slope {
      slope.gradient.pointer[0] = preluSlopeGradient(
        target, preactivations: workspace.preactivations[below].pointer, count: count)
    }
    workspace.deltaAbsoluteSums[below] = multiplyByDerivatives(
      target, derivatives: workspace.derivatives[below].pointer, count: count)
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
    b: layer.weights.value.pointer, ldb: layer.fanOut, beta: 0, c: target, ldc: layer.fanIn)
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
    beta: 0, c: layer.weights.gradient.pointer, ldc: layer.fanOut)
}

/// Weight gradients of more entries than this (256 KiB) are formed and applied a block
/// of inputs at a time (`blockedWeightUpdate`); smaller ones stay in cache whole.
let blockedUpdateThreshold = 65_536

/// Whether a layer of `fanIn × fanOut` weights is updated by `blockedWeightUpdate`.
func usesBlockedUpdate(fanIn: Int, fanOut: Int) -> Bool {
  fanIn * fanOut > blockedUpdateThreshold
}

/// Forms layer `index`'s weight gradient a block of rows (inputs) at a time — about
/// `Workspace.gradientBlockTarget` entries, contiguous in the row-major gradient — into
/// `workspace.gradientBlock`, and applies the optimizer to each block while it is still
/// in cache, instead of writing the whole gradient to memory and reading it back. Row
/// blocks keep each product as wide as the layer (the kernels' efficient shape). Each
/// entry gets the same product and the same update as `weightGradient` followed by
/// `Optimizer.update` (a test checks the bits); the measure's sums are grouped by block.
/// The layer's own gradient buffer is not written. With `measuring`, a block whose Float
/// sums overflowed is summed again in Double from the block (as the whole-tensor path
/// does from the gradient buffer), so the returned sums are finite for a finite gradient.
func blockedWeightUpdate(
  layer index: Int, network: Network, workspace: Workspace, rows: Int, optimizer: Optimizer, measuring: Bool
) -> Optimizer.Measure {
  let layer = network.layers[index]
  let block = workspace.gradientBlock.pointer
  let inputsPerBlock = max(1, Workspace.gradientBlockTarget / layer.fanOut)
  var measure = Optimizer.Measure()
  var first = 0
  while first < layer.fanIn {
    let inputs = min(inputsPerBlock, layer.fanIn - first)
    sgemm(
      .transposed, .none, m: inputs, n: layer.fanOut, k: rows, alpha: 1,
      a: layerInput(index, workspace) + first, lda: layer.fanIn,
      b: workspace.deltas[index].pointer, ldb: layer.fanOut,
      beta: 0, c: block, ldc: layer.fanOut)
    let count = inputs * layer.fanOut
    let region = Optimizer.UpdateRegion(offset: first * layer.fanOut, count: count, gradient: UnsafePointer(block))
    var part = optimizer.update(layer.weights, along: 1, measuring: measuring, region: region)
    if measuring && !part.gradientSquares.isFinite {
      let sums = gradientSums(block, count: count)
      part.gradientSquares = sums.squares
      part.gradientAbsoluteSum = sums.absolute
    }
    measure += part
    first += inputs
  }
  return measure
}

/// Plain SGD with the update fused into the gradient product of layer `index`:
/// W_ℓ ← (1 − ηλ)·W_ℓ + (−η)·A_{ℓ−1}ᵀ·δ_ℓ, one `sgemm`, no gradient stored. Bitwise
/// equal to `weightGradient` followed by `Optimizer.update`, which evaluates the same
/// expression, provided `sgemm` computes `α·(Σ products) + β·c` with the same sum for
/// β = 0 and β ≠ 0 (the reference kernel does; a test guards it).
///
/// With `measuring` (a logged step), the product is `sgemmUpdateSums`, which writes the
/// same bits and measures the update in the kernel's epilogue: Σg², Σ|g|, ‖W‖² before and
/// ‖ΔW‖², what `Optimizer.update(measuring: true)` reports, with the sums grouped by the
/// kernel's tiles. Callers check `fusedUpdateSumsStayFinite` first.
@discardableResult
func fusedSGDWeightUpdate(
  layer index: Int, network: Network, workspace: Workspace, rows: Int, optimizer: Optimizer, measuring: Bool = false
) -> Optimizer.Measure {
  let layer = network.layers[index]
  let (alpha, beta) = optimizer.sgdCoefficients(decays: true)
  guard measuring else {
    sgemm(
      .transposed, .none, m: layer.fanIn, n: layer.fanOut, k: rows, alpha: alpha,
      a: layerInput(index, workspace), lda: layer.fanIn,
      b: workspace.deltas[index].pointer, ldb: layer.fanOut,
      beta: beta, c: layer.weights.value.pointer, ldc: layer.fanOut)
    return Optimizer.Measure()
  }
  let sums = sgemmUpdateSums(
    .transposed, .none, m: layer.fanIn, n: layer.fanOut, k: rows, alpha: alpha,
    a: layerInput(index, workspace), lda: layer.fanIn,
    b: workspace.deltas[index].pointer, ldb: layer.fanOut,
    beta: beta, c: layer.weights.value.pointer, ldc: layer.fanOut)
  return Optimizer.Measure(
    valueSquaredNorm: sums.oldSquares, changeSquaredNorm: sums.changeSquares,
    gradientSquares: sums.sumSquares, gradientAbsoluteSum: sums.sumMagnitudes)
}

/// True when the Float sums of g² inside `sgemmUpdateSums` cannot overflow for layer
/// `index`: every |g_ij| ≤ ‖A‖₁·‖δ‖₁ (see `weightGradientsAreBounded`) and no Float
/// partial sum holds more than fanIn·fanOut of them. Otherwise the gradient is formed
/// whole, where an overflowing block can be summed again in Double.
func fusedUpdateSumsStayFinite(layer index: Int, network: Network, workspace: Workspace) -> Bool {
  let layer = network.layers[index]
  let bound = Double(workspace.inputAbsoluteSums[index]) * Double(workspace.deltaAbsoluteSums[index])
  return bound * bound * Double(layer.fanIn * layer.fanOut) < Double(Float.greatestFiniteMagnitude) / 2
}

/// True when every weight gradient of the last pass is provably finite without forming
/// it: |∂L/∂W_ij| = |Σ_rows a_ri δ_rj| ≤ ‖A‖₁·‖δ‖₁, the same bound holds for every
/// partial sum, and |∂L/∂b_j| ≤ ‖δ‖₁. (False also when a sum is NaN or ∞; then the caller forms the gradients
/// and checks them.)
func weightGradientsAreBounded(_ workspace: Workspace) -> Bool {
  let limit = Double(Float.greatestFiniteMagnitude) / 4
  for (inputSum, deltaSum) in zip(workspace.inputAbsoluteSums, workspace.deltaAbsoluteSums) {
    let bound = Double(inputSum) * Double(deltaSum)
    if !(bound < limit && Double(deltaSum) < limit) { return false }  // the bias gradient: |Σ δ| ≤ ‖δ‖₁
  }
  return true
}
