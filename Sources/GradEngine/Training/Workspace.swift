// The buffers of one training pass (and the scratch of its products), allocated once per run.

import GradKernels

/// The buffers of one forward/backward pass over at most `capacity` rows, allocated once
/// per training (and regrown only when a caller inspects a larger batch).
///
/// Every block is batch-major, `rows × width` with row stride `width`, so a batch of
/// fewer rows (the last of an epoch) uses the leading part of each block.
final class Workspace {
  let capacity: Int
  /// The gathered input rows, `capacity × inputSize`.
  let input: FloatBuffer
  /// Per layer 1…L+1: z = x·W + b (the output layer's are the logits).
  let preactivations: [FloatBuffer]
  /// Per layer: f(z); for the output layer, the head's outputs.
  let activations: [FloatBuffer]
  /// Per hidden layer: f′(z).
  let derivatives: [FloatBuffer]
  /// Per layer: δ = ∂(batch mean loss)/∂z.
  let deltas: [FloatBuffer]
  /// Dense targets, `capacity × outputSize`: one-hot rows, a 0/1 label, or values.
  let targets: FloatBuffer
  /// Class labels of the rows (classification only).
  var labels: [Int32]
  /// Per layer: Σ|x| of the layer's input and Σ|δ|, from the last pass (overflow check).
  var inputAbsoluteSums: [Float]
  var deltaAbsoluteSums: [Float]
  /// `max width` floats of scratch for the dead-unit count.
  let unitScratch: FloatBuffer
  /// Per hidden layer: the statistics of the last forward pass that collected them.
  var summaries: [ActivationSummary]

  // The buffers of normalisation, residual blocks and dropout (nil when unused).
  /// Per hidden layer: x̂ of its normalisation, `capacity × width`.
  let normalized: [FloatBuffer?]
  /// Per hidden layer: 1/√(σ² + ε) of the last training pass: per unit (batch norm,
  /// `width`) or per row (layer norm, `capacity`).
  let normalizationInverseStd: [FloatBuffer?]
  /// Per batch-normalised layer: the last training batch's mean and biased variance.
  let batchMean: [FloatBuffer?]
  let batchVariance: [FloatBuffer?]
  /// Per hidden layer: the dropout mask of the last training pass (0 or 1/(1 − p)).
  let dropoutMasks: [FloatBuffer?]
  /// The gradient carried by a skip connection from the end of a block to its input.
  let skipGradient: FloatBuffer?
  /// A block of rows of a large weight gradient: where `blockedWeightUpdate` forms it a
  /// block at a time, to apply it while it is in cache.
  let gradientBlock: FloatBuffer
  /// 65,536 floats = 256 KiB, half of this machine's L2 (or one row, if longer).
  static let gradientBlockTarget = 65_536
  /// Where every product of a pass packs its operands (`GemmScratch`), sized once for
  /// the layers' products at `capacity` rows.
  let gemmScratch: GemmScratch

  init(spec: NetworkSpec, capacity: Int) {
    self.capacity = capacity
    let widths = spec.hiddenWidths + [spec.outputSize]
    input = FloatBuffer(count: capacity * spec.inputSize)
    preactivations = widths.map { FloatBuffer(count: capacity * $0) }
    activations = widths.map { FloatBuffer(count: capacity * $0) }
    derivatives = spec.hiddenWidths.map { FloatBuffer(count: capacity * $0) }
    deltas = widths.map { FloatBuffer(count: capacity * $0) }
    targets = FloatBuffer(count: capacity * spec.outputSize)
    labels = [Int32](repeating: 0, count: capacity)
    inputAbsoluteSums = [Float](repeating: 0, count: widths.count)
    deltaAbsoluteSums = [Float](repeating: 0, count: widths.count)
    unitScratch = FloatBuffer(count: widths.max() ?? 1)
    summaries = [ActivationSummary](repeating: ActivationSummary(), count: spec.hiddenWidths.count)
    let normalizes = spec.normalization != .none
    let batchNorm = spec.normalization == .batch
    normalized = spec.hiddenWidths.map { normalizes ? FloatBuffer(count: capacity * $0) : nil }
    normalizationInverseStd = spec.hiddenWidths.map { width in
      normalizes ? FloatBuffer(count: batchNorm ? width : capacity) : nil
    }
    batchMean = spec.hiddenWidths.map { batchNorm ? FloatBuffer(count: $0) : nil }
    batchVariance = spec.hiddenWidths.map { batchNorm ? FloatBuffer(count: $0) : nil }
    dropoutMasks = spec.hiddenWidths.map { spec.dropout > 0 ? FloatBuffer(count: capacity * $0) : nil }
    let residualWidth = spec.residualBlocks.first.map { spec.hiddenWidths[$0.lowerBound - 1] }
    skipGradient = residualWidth.map { FloatBuffer(count: capacity * $0) }
    gradientBlock = FloatBuffer(count: Self.gradientBlockFloats(spec))
    gemmScratch = GemmScratch(serving: Self.products(spec, capacity: capacity))
  }

  /// The bounds of a pass's products over at most `capacity` rows, per layer of
  /// `fanIn × fanOut` weights: the forward product X·W (`capacity × fanOut`, depth fanIn),
  /// the backward one δ·Wᵀ (`capacity × fanIn`, depth fanOut; not for the first layer)
  /// and the weight gradient Xᵀ·δ (`fanIn × fanOut`, depth `capacity`; row blocks of it
  /// when `blockedWeightUpdate` forms it).
  static func products(_ spec: NetworkSpec, capacity: Int) -> [GemmShape] {
    let fanOuts = spec.hiddenWidths + [spec.outputSize]
    let fanIns = [spec.inputSize] + spec.hiddenWidths
    var shapes: [GemmShape] = []
    for (index, (fanIn, fanOut)) in zip(fanIns, fanOuts).enumerated() {
      shapes.append(GemmShape(.none, .none, m: capacity, n: fanOut, k: fanIn))
      if index > 0 { shapes.append(GemmShape(.none, .transposed, m: capacity, n: fanIn, k: fanOut)) }
      shapes.append(GemmShape(.transposed, .none, m: fanIn, n: fanOut, k: capacity))
    }
    return shapes
  }

  /// Only a network with a layer that `usesBlockedUpdate` needs the block.
  static func gradientBlockFloats(_ spec: NetworkSpec) -> Int {
    let fanOuts = spec.hiddenWidths + [spec.outputSize]
    let fanIns = [spec.inputSize] + spec.hiddenWidths
    guard zip(fanIns, fanOuts).contains(where: { usesBlockedUpdate(fanIn: $0, fanOut: $1) }) else { return 0 }
    return max(gradientBlockTarget, fanOuts.max() ?? 1)
  }

  /// Bytes this workspace holds, for memory estimates.
  static func byteCount(spec: NetworkSpec, capacity: Int) -> Int {
    let widths = spec.hiddenWidths.reduce(0, +)
    var floats = capacity * (spec.inputSize + 4 * widths + 4 * spec.outputSize)
    if spec.normalization != .none { floats += capacity * widths + 3 * widths + capacity * spec.hiddenWidths.count }
    if spec.dropout > 0 { floats += capacity * widths }
    if let block = spec.residualBlocks.first { floats += capacity * spec.hiddenWidths[block.lowerBound - 1] }
    floats += gradientBlockFloats(spec)
    return floats * MemoryLayout<Float>.stride + GemmScratch.byteCount(serving: products(spec, capacity: capacity))
  }
}

/// Copies the rows `batch` of `data` into `input` and their targets into `targets`
/// (and `labels`); returns Σ|x| of the gathered block.
func gatherRows(
  _ batch: UnsafeBufferPointer<Int>, from data: Dataset, outputSize: Int,
  input: UnsafeMutablePointer<Float>, targets: UnsafeMutablePointer<Float>,
  labels: UnsafeMutablePointer<Int32>
) -> Float {
  let width = data.featureCount
  data.features.withUnsafeBufferPointer { features in
    for (row, index) in batch.enumerated() {
      (input + row * width).update(from: features.baseAddress! + index * width, count: width)
    }
  }
  switch data.targets {
  case .classes(let allLabels, _):
    targets.update(repeating: 0, count: batch.count * outputSize)
    for (row, index) in batch.enumerated() {
      let label = allLabels[index]
      labels[row] = label
      if outputSize == 1 {
        targets[row] = Float(label)
      } else {
        targets[row * outputSize + Int(label)] = 1
      }
    }
  case .values(let values, _):
    values.withUnsafeBufferPointer { source in
      for (row, index) in batch.enumerated() {
        (targets + row * outputSize).update(from: source.baseAddress! + index * outputSize, count: outputSize)
      }
    }
  }
  return absoluteSum(input, count: batch.count * width)
}
