/// One trainable tensor of the network (a weight matrix, a bias vector or a PReLU slope)
/// with its gradient and the optimizer's state for it.
final class Parameter {
  let count: Int
  let value: FloatBuffer
  /// ∂(batch mean loss)/∂value, written by the backward pass.
  let gradient: FloatBuffer
  /// Whether L2 weight decay applies: weights yes; biases and PReLU slopes no (He et al. 2015).
  let decays: Bool
  /// Momentum/Nesterov velocity, Adam's first moment m.
  var firstMoment: FloatBuffer?
  /// Adam's and RMSProp's second moment v.
  var secondMoment: FloatBuffer?

  init(count: Int, decays: Bool) {
    self.count = count
    self.value = FloatBuffer(count: count)
    self.gradient = FloatBuffer(count: count)
    self.decays = decays
  }
}
