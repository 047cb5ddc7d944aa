/// A fully connected network `input → hidden[0] → … → hidden[L−1] → output` with its
/// parameters: layers 1…L apply the hidden activation, layer L+1 produces the logits
/// that the output head (softmax, sigmoid, linear) turns into predictions.
///
/// Built from a `NetworkSpec` and the initialization stream, drawing in the documented
/// order (see Initializers.swift), so the same spec and seed give the same bits.
/// Not thread-safe: one network belongs to one training.
package final class Network {
  package let spec: NetworkSpec
  /// Layers 1…L+1 (index 0 is layer 1).
  let layers: [DenseLayer]
  /// The skip connections of `spec.residualBlocks`.
  let residualLayout: ResidualLayout

  /// Builds and initialises a network.
  /// - Throws: `EngineError` for a spec that cannot be built (zero widths, an orthogonal bias).
  package init(_ spec: NetworkSpec, initialization: inout Xoshiro256) throws(EngineError) {
    try spec.validate()
    self.spec = spec
    let sizes = [spec.inputSize] + spec.hiddenWidths + [spec.outputSize]
    let hiddenCount = spec.hiddenWidths.count
    let learnsSlope = spec.activation.kind == .prelu
    var layers: [DenseLayer] = []
    for index in 0...hiddenCount {
      let isHidden = index < hiddenCount
      let normalization =
        isHidden && spec.normalization != .none
        ? Normalization(kind: spec.normalization, position: spec.normPosition, width: sizes[index + 1]) : nil
      layers.append(
        DenseLayer(
          fanIn: sizes[index], fanOut: sizes[index + 1], useBias: spec.useBias,
          learnableSlope: isHidden && learnsSlope ? spec.activation.slope : nil, normalization: normalization))
    }
    self.layers = layers
    residualLayout = ResidualLayout(spec)
    let a = spec.negativeSlope
    for layer in layers {
      spec.weightInitializer.fillWeights(
        layer.weights.value.pointer, fanIn: layer.fanIn, fanOut: layer.fanOut, negativeSlope: a,
        using: &initialization)
      if let bias = layer.bias {
        spec.biasInitializer.fillBias(
          bias.value.pointer, fanIn: layer.fanIn, fanOut: layer.fanOut, negativeSlope: a,
          using: &initialization)
      }
    }
  }

  /// L + 1: the hidden layers and the output layer.
  package var layerCount: Int { layers.count }

  /// Layer `layer`'s weights (1-based), `fanIn × fanOut` row-major: entry (i, j) connects
  /// input i to unit j.
  package func weights(layer: Int) -> [Float] { layers[layer - 1].weights.value.array }

  /// Replaces layer `layer`'s weights (same shape as `weights(layer:)`).
  package func setWeights(_ values: [Float], layer: Int) { layers[layer - 1].weights.value.assign(values) }

  /// Layer `layer`'s biases (empty without biases).
  package func biases(layer: Int) -> [Float] { layers[layer - 1].bias?.value.array ?? [] }

  /// Replaces layer `layer`'s biases.
  package func setBiases(_ values: [Float], layer: Int) {
    precondition(layers[layer - 1].bias != nil, "the network has no biases")
    layers[layer - 1].bias!.value.assign(values)
  }

  /// The current PReLU slope of hidden layer `layer` (nil for other activations).
  package func preluSlope(layer: Int) -> Float? { layers[layer - 1].slope?.value.pointer[0] }

  /// Sets a PReLU slope.
  package func setPReLUSlope(_ value: Float, layer: Int) {
    precondition(layers[layer - 1].slope != nil, "not a PReLU layer")
    layers[layer - 1].slope!.value.pointer[0] = value
  }

  /// The normalisation scale γ of hidden layer `layer` (empty without normalisation).
  package func normalizationScale(layer: Int) -> [Float] { layers[layer - 1].normalization?.scale.value.array ?? [] }

  /// The normalisation shift β of hidden layer `layer` (empty without normalisation).
  package func normalizationShift(layer: Int) -> [Float] { layers[layer - 1].normalization?.shift.value.array ?? [] }

  /// Replaces a hidden layer's γ and β.
  package func setNormalization(scale: [Float], shift: [Float], layer: Int) {
    precondition(layers[layer - 1].normalization != nil, "the layer is not normalised")
    layers[layer - 1].normalization!.scale.value.assign(scale)
    layers[layer - 1].normalization!.shift.value.assign(shift)
  }

  /// Batch norm's running mean μ̄ and variance σ̄² of hidden layer `layer`, used by
  /// evaluation (nil without batch norm).
  package func runningStatistics(layer: Int) -> (mean: [Float], variance: [Float])? {
    guard let norm = layers[layer - 1].normalization, let mean = norm.runningMean, let variance = norm.runningVariance
    else { return nil }
    return (mean.array, variance.array)
  }

  /// Replaces a batch-normalised layer's running statistics.
  package func setRunningStatistics(mean: [Float], variance: [Float], layer: Int) {
    guard let norm = layers[layer - 1].normalization, let m = norm.runningMean, let v = norm.runningVariance else {
      preconditionFailure("the layer has no batch norm")
    }
    m.assign(mean)
    v.assign(variance)
  }

  /// Population standard deviation of each layer's weights (layers 1…L+1).
  package func weightStandardDeviations() -> [Double] {
    layers.map { layer in
      let w = layer.weights.value
      guard w.count > 0 else { return 0 }
      let n = Double(w.count)
      let mean = interleavedSum(w.pointer, count: w.count) { $0 } / n
      return (interleavedSum(w.pointer, count: w.count) { ($0 - mean) * ($0 - mean) } / n).squareRoot()
    }
  }

  /// All trainable tensors, layer by layer (weights, bias, slope, γ, β).
  var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// The hidden activation's negative-side slope on layer `index` (0-based), used by the
  /// forward pass: PReLU's learned value, the configured leaky slope otherwise.
  @inline(__always)
  func activationSlope(_ index: Int) -> Float {
    layers[index].slope?.value.pointer[0] ?? spec.activation.slope
  }
}

extension NetworkSpec {
  /// The slope a in He's initialisation: the negative-side slope of leaky ReLU and PReLU.
  var negativeSlope: Double {
    switch activation.kind {
    case .leakyReLU, .prelu: Double(activation.slope)
    default: 0
    }
  }

  /// The number of output units for a head and targets: one per class, except a sigmoid
  /// head on two classes, which uses one unit (p = P(class 1)); the target count for
  /// regression.
  package static func outputSize(head: OutputHead, for targets: Dataset.Targets) -> Int {
    switch targets {
    case .classes(_, let classCount): head == .sigmoid && classCount == 2 ? 1 : classCount
    case .values(_, let outputCount): outputCount
    }
  }

  /// The weight distribution of each layer 1…L+1 in words, e.g. "N(0, 0.0505^2)", for
  /// provenance (the bias distributions follow from `biasInitializer` the same way).
  package var weightInitializationFormulas: [String] {
    let sizes = [inputSize] + hiddenWidths + [outputSize]
    return zip(sizes, sizes.dropFirst()).map { fanIn, fanOut in
      weightInitializer.formula(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope)
    }
  }

  /// Checks what the engine needs of an architecture.
  package func validate() throws(EngineError) {
    guard inputSize >= 1 else { throw EngineError("the input size must be at least 1, not \(inputSize)") }
    guard outputSize >= 1 else { throw EngineError("the output size must be at least 1, not \(outputSize)") }
    if let bad = hiddenWidths.first(where: { $0 < 1 }) {
      throw EngineError("every hidden layer needs at least 1 unit, not \(bad)")
    }
    if head == .softmax && outputSize < 2 {
      throw EngineError("a softmax head needs at least 2 outputs; use a sigmoid head for one")
    }
    guard activation.slope.isFinite else { throw EngineError("the activation slope must be finite") }
    guard dropout.isFinite && dropout >= 0 && dropout < 1 else {
      throw EngineError("dropout must be in [0, 1), not \(dropout)")
    }
    try validateResidual()
    if useBias && biasInitializer.kind == .orthogonal {
      throw EngineError("the 'orthogonal' initializer is for weight matrices, not biases")
    }
    for (name, initializer) in [("weight", weightInitializer), ("bias", biasInitializer)] {
      for (field, value) in [("gain", initializer.gain), ("std", initializer.std), ("limit", initializer.limit), ("value", initializer.value)]
      where !value.isFinite {
        throw EngineError("the \(name) initializer's \(field) must be finite, not \(value)")
      }
    }
  }
}

/// Σ term(xᵢ) in Double over 8 interleaved partial sums (entry i into sum i mod 8, the
/// last count mod 8 entries into sums 0…), the sums then added in order 0…7: a fixed
/// order, so the same bits on every machine, and 8 independent chains instead of one.
@inline(__always)
func interleavedSum(
  _ x: UnsafePointer<Float>, count: Int, _ term: (SIMD8<Double>) -> SIMD8<Double>
) -> Double {
  var sums = SIMD8<Double>()
  var i = 0
  while i + 8 <= count {
    sums += term(SIMD8<Double>(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)))
    i += 8
  }
  if i < count {
    var tail = SIMD8<Double>()
    for j in 0..<(count - i) { tail[j] = Double(x[i + j]) }
    // The tail's missing lanes are 0 before the term; mask them after it.
    let terms = term(tail)
    for j in 0..<(count - i) { sums[j] += terms[j] }
  }
  var total = 0.0
  for j in 0..<8 { total += sums[j] }
  return total
}
