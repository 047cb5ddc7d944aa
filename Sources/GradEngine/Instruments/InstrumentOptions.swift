// Which optional instruments a training computes at its logged steps (YAML `log:`), and
// what they produce. Every instrument is off by default: a run that asks for none logs
// exactly what it logged before they existed (same columns, same bits).

/// The optional per-layer and per-step instruments (issue 16). Each is computed only at
/// logged steps, on the network *before* that step's update, like every other statistic.
package struct InstrumentOptions: Sendable, Equatable {
  /// Mean over the batch of the per-example ‖∂ℓ_n/∂h^l‖ (`preactGradientNorm`).
  package var preactGradNorm = false
  /// c⁰ of the probe pair whose layer-by-layer cosine is logged (`pairCorrelations`);
  /// nil = off. In [−1, 1].
  package var correlation: Double? = nil
  /// The input–output Jacobian's singular values (`jacobianSpectrum`) at step 0 …
  package var jacobian = false
  /// … and at every logged step that is a multiple of this (0 = step 0 only).
  package var jacobianEvery = 0
  /// ‖W − W₀‖_F / ‖W₀‖_F per layer (`relativeDistance`), W₀ = the weights the session started with.
  package var weightDistance = false
  /// The largest singular value of W per layer (`spectralNorm`, power iteration).
  package var spectralNorm = false
  /// TensorBoard's nine bands of |∂L/∂W| per layer (`absoluteQuantileBands`).
  package var gradQuantiles = false

  package init(
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
  package var isEmpty: Bool { self == InstrumentOptions() }

  /// Whether the Jacobian is measured at (logged) step `step`.
  package func measuresJacobian(atStep step: Int) -> Bool {
    jacobian && (step == 0 || (jacobianEvery > 0 && step % jacobianEvery == 0))
  }

  /// Whether any instrument needs a forward pass of its own through a plain dense
  /// network (the probe pair, the Jacobian): not defined with normalisation or residual blocks.
  package var needsProbe: Bool { correlation != nil || jacobian }
}

/// The optional per-layer numbers of one logged step (nil where the instrument is off
/// or does not apply to the layer).
package struct LayerInstruments: Sendable, Equatable {
  package var preactGradNorm: Double?
  package var correlation: Double?
  package var weightDistance: Double?
  package var spectralNorm: Double?
  /// `QuantileBands.fractions` of |∂L/∂W|, in that order (9 values).
  package var gradQuantiles: [Double]?

  package init(
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
