// Which hidden layers the identity skip connections wrap, and the checks that make
// h + block(h) well defined.

extension NetworkSpec {
  /// The hidden layers (1-based, as in layers.csv) wrapped by each residual block, in
  /// order; empty when `residual` is `none`.
  ///
  /// Layer 1 maps the input to the hidden width and is never inside a block. With
  /// K = `residualEvery`, the blocks are layers 2…K+1, K+2…2K+1, … as long as a whole
  /// block fits among layers 2…L; the remaining (L − 1) mod K layers after the last block
  /// are plain. A block 𝑠…𝑒 adds its input h_{𝑠−1} (the output of layer 𝑠 − 1) to the
  /// output of layer 𝑒: h_𝑒 = a_𝑒 + h_{𝑠−1}.
  ///
  /// Example: depth 8, K = 2 → [2…3, 4…5, 6…7], layer 8 plain; depth 32, K = 1 → [2…2, …, 32…32].
  package var residualBlocks: [ClosedRange<Int>] {
    guard residual == .identity, residualEvery >= 1 else { return [] }
    var blocks: [ClosedRange<Int>] = []
    var start = 2
    while start + residualEvery - 1 <= hiddenWidths.count {
      blocks.append(start...(start + residualEvery - 1))
      start += residualEvery
    }
    return blocks
  }

  /// Checks the residual settings: K ≥ 1, and every block's layers as wide as its input.
  func validateResidual() throws(EngineError) {
    guard residualEvery >= 1 else {
      throw EngineError("residual_every must be at least 1, not \(residualEvery)")
    }
    for block in residualBlocks {
      let inputWidth = hiddenWidths[block.lowerBound - 2]
      for layer in block where hiddenWidths[layer - 1] != inputWidth {
        throw EngineError(
          "an identity residual block needs equal widths, but layer \(layer) has \(hiddenWidths[layer - 1]) units "
            + "and the block's input (layer \(block.lowerBound - 1)) has \(inputWidth); "
            + "use equal widths or another residual_every")
      }
    }
  }
}

/// The residual blocks in the 0-based hidden-layer indices the passes use.
struct ResidualLayout {
  /// Per hidden layer: the index of the layer whose output is added to this layer's
  /// output (the input of the block this layer ends), or nil.
  let skipSource: [Int?]
  /// Per hidden layer: whether its output is the input of a block (so its gradient
  /// receives the skip connection's).
  let isBlockInput: [Bool]
  /// Whether any block exists.
  var isEmpty: Bool { !isBlockInput.contains(true) }

  init(_ spec: NetworkSpec) {
    var skipSource = [Int?](repeating: nil, count: spec.hiddenWidths.count)
    var isBlockInput = [Bool](repeating: false, count: spec.hiddenWidths.count)
    for block in spec.residualBlocks {
      skipSource[block.upperBound - 1] = block.lowerBound - 2
      isBlockInput[block.lowerBound - 2] = true
    }
    self.skipSource = skipSource
    self.isBlockInput = isBlockInput
  }
}
