/// One row of a run's metrics log, describing the network after `step` updates.
package struct StepRecord: Sendable, Equatable {
  /// Updates applied so far (0 = the network at initialisation).
  package var step: Int
  /// Fractional epochs completed: step / updatesPerEpoch.
  package var epoch: Double
  /// Loss and accuracy on the mini-batch used for the next update (or, at the final
  /// step, on one more mini-batch), computed by the same forward pass as the gradients.
  package var loss: Double
  /// Fraction correct (nan for regression).
  package var accuracy: Double
  /// On the whole validation set (nil when there is none or it was not evaluated).
  package var validationLoss: Double?
  package var validationAccuracy: Double?
  /// Global L2 norm of all parameter gradients of that mini-batch (before clipping),
  /// γ, β and PReLU slopes included.
  package var gradientNorm: Double
  /// η_t of the schedule: the learning rate of the update that follows this record (at
  /// the final step, the rate an update would have used). nil only in records made
  /// outside the engine.
  package var learningRate: Double?
  /// The input–output Jacobian's spectrum, at the steps `InstrumentOptions.jacobian`
  /// asks for (nil otherwise).
  package var jacobian: JacobianSpectrum? = nil

  package init(
    step: Int, epoch: Double, loss: Double, accuracy: Double, validationLoss: Double?,
    validationAccuracy: Double?, gradientNorm: Double, learningRate: Double? = nil
  ) {
    self.learningRate = learningRate
    self.step = step
    self.epoch = epoch
    self.loss = loss
    self.accuracy = accuracy
    self.validationLoss = validationLoss
    self.validationAccuracy = validationAccuracy
    self.gradientNorm = gradientNorm
  }
}

/// Per-layer statistics at a logged step, over that step's mini-batch. Layer 1 is nearest
/// the input; the output layer is layer L+1, whose pre-activation and activation
/// statistics both describe the logits (the head's input), with deriv_mean = 1 and
/// saturated/dead fractions 0.
///
/// With the options of issue 8 (see `NetworkSpec`), for hidden layers: `preact*` always
/// describe z = x·W + b before any normalisation; `act*`, `derivMean`, `saturatedFraction`
/// and `deadFraction` describe the activation function itself — its input (the
/// normalised z in the `pre` position) and its output f(·) before a `post`
/// normalisation, dropout and the residual addition; gradient norms are those of the
/// parameters as before (‖∂L/∂b‖ with b the dense bias; under batch norm in the `pre`
/// position it is ≈ 0, and `gradBetaNorm` is the bias-like signal); the γ and β
/// fields are nil without normalisation.
package struct LayerStatistics: Sendable, Equatable {
  package var layer: Int
  /// ‖∂L/∂W‖₂ (Frobenius) and mean |∂L/∂W|.
  package var gradWNorm: Double
  package var gradWMeanAbs: Double
  /// ‖∂L/∂b‖₂: Nielsen's "speed of learning" of the layer (nan without biases).
  package var gradBNorm: Double
  /// ‖W‖₂ (Frobenius), before this step's update.
  package var weightNorm: Double
  /// ‖ΔW‖ / ‖W‖ of the update applied at this step, ‖W‖ before it (nan where no update
  /// follows: the final step, a diverged step; ∞ or nan when ‖W‖ = 0).
  package var updateRatio: Double
  /// Mean and standard deviation of the pre-activations z over batch × units.
  package var preactMean: Double
  package var preactStd: Double
  /// Mean and standard deviation of the activations f(z).
  package var actMean: Double
  package var actStd: Double
  /// Mean of f′(z).
  package var derivMean: Double
  /// Fraction of (example, unit) pairs with |f′(z)| < 1 % of max |f′| ("saturated"; for
  /// ReLU exactly z ≤ 0; see `ActivationKind.saturationThreshold`).
  package var saturatedFraction: Double
  /// Fraction of units with |f′(z)| < 1 % of max |f′| for every example of the batch.
  package var deadFraction: Double
  /// PReLU's learned negative-side slope of this layer (nil for other activations and
  /// for the output layer).
  package var preluSlope: Double?
  /// ‖∂L/∂γ‖₂ and ‖∂L/∂β‖₂ of the layer's normalisation (nil without). ∂L/∂β = Σ_rows of
  /// the gradient at the normalisation's output: in the `pre` position, the gradient
  /// reaching the activation's input — what ‖∂L/∂b‖ measures in a plain network.
  package var gradGammaNorm: Double?
  package var gradBetaNorm: Double?
  /// ‖γ‖₂ and ‖β‖₂ before this step's update (nil without normalisation).
  package var gammaNorm: Double?
  package var betaNorm: Double?
  /// The optional instruments of `TrainingPlan.instruments` (nil when none is on).
  package var instruments: LayerInstruments? = nil

  package init(
    layer: Int, gradWNorm: Double, gradWMeanAbs: Double, gradBNorm: Double, weightNorm: Double,
    updateRatio: Double, preactMean: Double, preactStd: Double, actMean: Double, actStd: Double,
    derivMean: Double, saturatedFraction: Double, deadFraction: Double, preluSlope: Double? = nil,
    gradGammaNorm: Double? = nil, gradBetaNorm: Double? = nil, gammaNorm: Double? = nil, betaNorm: Double? = nil
  ) {
    self.gradGammaNorm = gradGammaNorm
    self.gradBetaNorm = gradBetaNorm
    self.gammaNorm = gammaNorm
    self.betaNorm = betaNorm
    self.layer = layer
    self.gradWNorm = gradWNorm
    self.gradWMeanAbs = gradWMeanAbs
    self.gradBNorm = gradBNorm
    self.weightNorm = weightNorm
    self.updateRatio = updateRatio
    self.preactMean = preactMean
    self.preactStd = preactStd
    self.actMean = actMean
    self.actStd = actStd
    self.derivMean = derivMean
    self.saturatedFraction = saturatedFraction
    self.deadFraction = deadFraction
    self.preluSlope = preluSlope
  }
}

/// Receives a training's logs as they are produced (the scheduler streams them to CSV).
package protocol TrainingObserver {
  /// Called at every logged step with the metrics and the per-layer statistics.
  mutating func record(_ step: StepRecord, layers: [LayerStatistics]) throws
  /// Polled before every update; a request stops the training there, and its kind
  /// decides how the training ends (`StopRequest`). nil: go on.
  func stopRequest() -> StopRequest?
}

/// Why an observer stops a training; the engine turns it into the outcome.
package enum StopRequest: Sendable, Equatable {
  /// Stop now (e.g. Ctrl-C): the training is `interrupted`, its final losses not computed.
  case interrupt
  /// The observer judged the training finished (e.g. its logged loss stopped moving, see
  /// `StallDetector`): the training is `stalled`, a result whose final losses are evaluated
  /// as for a completed one. `reason` says why, for the run's record.
  case stall(reason: String)

  /// How a training stopped by this request after `updates` updates ends.
  func outcome(atStep updates: Int) -> TrainingOutcome {
    switch self {
    case .interrupt: .interrupted(atStep: updates)
    case .stall(let reason): .stalled(atStep: updates, reason: reason)
    }
  }
}

/// How a training ended.
package enum TrainingOutcome: Sendable, Equatable {
  case completed
  /// A loss or gradient became NaN or ±Inf at this step (after this many updates);
  /// training stopped there, and that step's record was logged.
  case diverged(atStep: Int, reason: String)
  /// The observer asked to stop (e.g. Ctrl-C) after this many updates. The final
  /// losses of an interrupted training are nan (not computed, to stop quickly).
  case interrupted(atStep: Int)
  /// The observer judged the training finished after this many updates
  /// (`StopRequest.stall`); the final losses are evaluated, as for `completed`.
  case stalled(atStep: Int, reason: String)

  /// Whether the training is a result (completed or stalled): the held-out test set is
  /// evaluated only then.
  package var isResult: Bool {
    switch self {
    case .completed, .stalled: true
    case .diverged, .interrupted: false
    }
  }
}

/// What a finished training returns.
package struct TrainingResult: Sendable, Equatable {
  package var outcome: TrainingOutcome
  /// Updates applied.
  package var steps: Int
  /// Loss and accuracy over the whole training set after the last update (accuracy nan
  /// for regression; both nan when interrupted).
  package var finalTrainLoss: Double
  package var finalTrainAccuracy: Double
  package var finalValidationLoss: Double?
  package var finalValidationAccuracy: Double?
  /// Loss and accuracy over the held-out test set given to `train`, once, after a
  /// training that is a result (`TrainingOutcome.isResult`); nil otherwise.
  package var test: Evaluation?
  /// Per-layer standard deviation of the initial weights, layers 1…L+1 (for provenance;
  /// `NetworkSpec.weightInitializationFormulas` gives the distributions they came from).
  package var initialWeightStd: [Double]

  package init(
    outcome: TrainingOutcome, steps: Int, finalTrainLoss: Double, finalTrainAccuracy: Double,
    finalValidationLoss: Double?, finalValidationAccuracy: Double?, test: Evaluation? = nil,
    initialWeightStd: [Double]
  ) {
    self.test = test
    self.outcome = outcome
    self.steps = steps
    self.finalTrainLoss = finalTrainLoss
    self.finalTrainAccuracy = finalTrainAccuracy
    self.finalValidationLoss = finalValidationLoss
    self.finalValidationAccuracy = finalValidationAccuracy
    self.initialWeightStd = initialWeightStd
  }
}
