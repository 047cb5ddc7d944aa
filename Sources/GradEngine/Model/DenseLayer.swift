/// One fully connected layer, z = x·W + b for a batch-major block x (`rows × fanIn`).
///
/// W is stored `fanIn × fanOut` row-major, so the forward pass is one `sgemm` without
/// transposes (Z = X·W), and the backward pass two: ∂L/∂W = Xᵀ·δ and ∂L/∂X = δ·Wᵀ.
final class DenseLayer {
  let fanIn: Int
  let fanOut: Int
  let weights: Parameter
  /// nil when the network has no biases.
  let bias: Parameter?
  /// PReLU's learnable negative-side slope (one per hidden layer), nil otherwise.
  let slope: Parameter?
  /// The hidden layer's batch or layer norm (γ, β, running statistics), nil otherwise.
  let normalization: Normalization?

  init(fanIn: Int, fanOut: Int, useBias: Bool, learnableSlope: Float?, normalization: Normalization? = nil) {
    self.normalization = normalization
    self.fanIn = fanIn
    self.fanOut = fanOut
    weights = Parameter(count: fanIn * fanOut, decays: true)
    bias = useBias ? Parameter(count: fanOut, decays: false) : nil
    if let learnableSlope {
      let slope = Parameter(count: 1, decays: false)
      slope.value.pointer[0] = learnableSlope
      self.slope = slope
    } else {
      slope = nil
    }
  }

  /// The trainable tensors in a fixed order (weights, bias, slope, γ, β).
  var parameters: [Parameter] {
    [weights] + (bias.map { [$0] } ?? []) + (slope.map { [$0] } ?? [])
      + (normalization.map { [$0.scale, $0.shift] } ?? [])
  }
}
