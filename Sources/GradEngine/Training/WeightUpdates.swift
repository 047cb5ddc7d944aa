// The weight-gradient products that apply an update while the gradient is in cache
// (fused plain SGD, blocked), and the overflow bounds that say when they may.

import GradKernels

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
      beta: 0, c: block, ldc: layer.fanOut, scratch: workspace.gemmScratch)
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
      beta: beta, c: layer.weights.value.pointer, ldc: layer.fanOut,
      scratch: workspace.gemmScratch)
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
