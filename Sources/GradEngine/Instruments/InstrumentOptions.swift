// Which optional instruments a training computes at its logged steps (YAML `log:`), and
// what they produce. Every instrument is off by default: a run that asks for none logs
// exactly what it logged before they existed (same columns, same bits).

/// The optional per-layer and per-step instruments (issue 16). Each is computed only at
/// logged steps, on the network *before* that step's update, like every other statistic.
public struct InstrumentOptions: Sendable, Equatable {
  /// Mean over the batch of the per-example ‖∂ℓ_n/∂h^l‖ (`preactGradientNorm`).
  public var preactGradNorm = false
  /// c⁰ of the probe pair whose layer-by-layer cosine is logged (`pairCorrelations`);
  /// nil = off. In [−1, 1].
  public var correlation: Double? = nil
  /// The input–output Jacobian's singular values (`jacobianSpectrum`) at step 0 …
  public var jacobian = false
  /// … and at every logged step that is a multiple of this (0 = step 0 only).
  public var jacobianEvery = 0
  /// ‖W − W₀‖_F / ‖W₀‖_F per layer (`relativeDistance`), W₀ = the weights the session started with.
  public var weightDistance = false
  /// The largest singular value of W per layer (`spectralNorm`, power iteration).
  public var spectralNorm = false
  /// TensorBoard's nine bands of |∂L/∂W| per layer (`absoluteQuantileBands`).
  public var gradQuantiles = false

  public init(
    preactGradNorm: Bool = false, correlation: Double? = nil, jacobian: Bool = false, jacobianEvery: Int = 0,
    weightDistance: Bool = false, spectralNorm: Bool = false, gradQuantiles: Bool = false
  ) {
    self.preactGradNorm = preactGradNorm
    self.correlation = correlation
    self.jacobian = jacobian
    self.jacobianEvery = jacobianEvery
    self.weightDistance = weightDistance
    self.spectralNorm = spectralNorm
    self.gradQuantiles = gradQuantiles
  }

  /// No instrument is on.
  public var isEmpty: Bool { self == InstrumentOptions() }

  /// Whether the Jacobian is measured at (logged) step `step`.
  public func measuresJacobian(atStep step: Int) -> Bool {
    jacobian && (step == 0 || (jacobianEvery > 0 && step % jacobianEvery == 0))
  }

  /// Whether any instrument needs a forward pass of its own through a plain dense
  /// network (the probe pair, the Jacobian): not defined with normalisation or residual blocks.
  public var needsProbe: Bool { correlation != nil || jacobian }
}

/// The optional per-layer numbers of one logged step (nil where the instrument is off
/// or does not apply to the layer).
public struct LayerInstruments: Sendable, Equatable {
  public var preactGradNorm: Double?
  public var correlation: Double?
  public var weightDistance: Double?
  public var spectralNorm: Double?
  /// `QuantileBands.fractions` of |∂L/∂W|, in that order (9 values).
  public var gradQuantiles: [Double]?

  public init(
    preactGradNorm: Double? = nil, correlation: Double? = nil, weightDistance: Double? = nil,
    spectralNorm: Double? = nil, gradQuantiles: [Double]? = nil
  ) {
    self.preactGradNorm = preactGradNorm
    self.correlation = correlation
    self.weightDistance = weightDistance
    self.spectralNorm = spectralNorm
    self.gradQuantiles = gradQuantiles
  }
}
