// What the statistics need to know about each activation: the largest |f′| (the
// reference for "saturated") and the threshold derived from it.

extension ActivationKind {
  /// sup |f′(z)| over all z (for leaky ReLU and PReLU it depends on the slope a).
  ///
  /// sigmoid 1/4 · tanh 1 · relu 1 · leaky_relu, prelu max(1, |a|) · elu 1 ·
  /// selu λα ≈ 1.7581 · gelu ≈ 1.1289 · gelu_tanh ≈ 1.1290 · silu ≈ 1.0998 ·
  /// softplus 1 · softsign 1 · hard_tanh 1 · identity 1.
  package func maxAbsDerivative(slope: Float) -> Double {
    switch self {
    case .sigmoid: 0.25
    case .tanh, .relu, .elu, .softplus, .softsign, .hardTanh, .identity: 1
    case .leakyReLU, .prelu: max(1, Double(abs(slope)))
    case .selu: 1.050_700_987_355_480_5 * 1.673_263_242_354_377_2
    case .gelu: 1.128_904_145_185_155
    case .geluTanh: 1.128_993_068_658_771_5
    case .silu: 1.099_839_320_128_868
    }
  }

  /// A unit is *saturated* on an example when |f′(z)| < 1 % of max |f′|.
  ///
  /// Strictly less: a leaky ReLU with its conventional slope 0.01 passes exactly 1 % of
  /// the gradient on its negative side and is not counted as saturated (with ≤ it would
  /// look as dead as a ReLU, hiding the point of the comparison). For ReLU this is z ≤ 0;
  /// for sigmoid |z| ≳ 5.99; for tanh |z| ≳ 2.99.
  package func saturationThreshold(slope: Float) -> Float {
    Float(0.01 * maxAbsDerivative(slope: slope))
  }
}
