import GradEngine

// Turning a run's config into the engine's `TrainingPlan` once its data is loaded.

extension RunConfig {
  /// The output head and loss this run trains with, `auto` resolved:
  ///
  /// | model.output | training.loss | classes (classification)   | regression    |
  /// |--------------|---------------|----------------------------|---------------|
  /// | auto         | auto          | softmax + cross_entropy    | linear + mse  |
  /// | auto         | cross_entropy | softmax                    | (load error)  |
  /// | auto         | binary_c._e.  | sigmoid                    | (load error)  |
  /// | auto         | mse           | sigmoid (Nielsen's setup)  | linear        |
  /// | softmax      | auto          | cross_entropy              | (load error)  |
  /// | sigmoid      | auto          | binary_cross_entropy       | mse           |
  /// | linear       | auto          | mse                        | mse           |
  ///
  /// Contradictions (cross_entropy without softmax, binary_cross_entropy without sigmoid,
  /// class losses on regression data) are refused when the sweep loads.
  package func resolvedHeadAndLoss(classification: Bool) -> (head: OutputHead, loss: LossKind) {
    switch (model.output, training.loss) {
    case (.fixed(let head), .fixed(let loss)):
      return (head, loss)
    case (.fixed(let head), .auto):
      switch head {
      case .softmax: return (head, .crossEntropy)
      case .sigmoid: return (head, classification ? .binaryCrossEntropy : .meanSquaredError)
      case .linear: return (head, .meanSquaredError)
      }
    case (.auto, .fixed(let loss)):
      switch loss {
      case .crossEntropy: return (.softmax, loss)
      case .binaryCrossEntropy: return (.sigmoid, loss)
      case .meanSquaredError: return (classification ? .sigmoid : .linear, loss)
      }
    case (.auto, .auto):
      return classification ? (.softmax, .crossEntropy) : (.linear, .meanSquaredError)
    }
  }

  /// Width of the output layer: the class count for softmax (and sigmoid with more than
  /// two classes, one-vs-rest), **1 for two classes with a sigmoid head** (the output is
  /// P(class 1)), the target count for regression.
  package func outputSize(for train: Dataset, head: OutputHead) -> Int {
    let count = train.outputCount
    if train.isClassification, head == .sigmoid, count == 2 { return 1 }
    return count
  }

  /// The engine's plan for this run on `train`: input width = `train.featureCount`,
  /// output width and head/loss resolved as documented in `resolvedHeadAndLoss` and
  /// `outputSize(for:head:)`.
  package func trainingPlan(for train: Dataset) -> TrainingPlan {
    let (head, loss) = resolvedHeadAndLoss(classification: train.isClassification)
    let network = NetworkSpec(
      inputSize: train.featureCount,
      hiddenWidths: model.hiddenWidths,
      outputSize: outputSize(for: train, head: head),
      activation: Activation(model.activation, slope: model.slope.map { Float($0) }),
      head: head,
      useBias: model.bias,
      weightInitializer: model.resolvedWeightInitializer,
      biasInitializer: model.resolvedBiasInitializer,
      normalization: model.normalization, normPosition: model.normPosition, residual: model.residual,
      residualEvery: model.residualEvery, dropout: model.dropout)
    let optimizer = OptimizerSpec(
      kind: training.optimizer, learningRate: training.learningRate, momentum: training.momentum,
      beta1: training.beta1, beta2: training.beta2, epsilon: training.epsilon,
      weightDecay: training.weightDecay, clipGradNorm: training.clipGradNorm)
    var plan = TrainingPlan(
      network: network, optimizer: optimizer, loss: loss, batchSize: training.batchSize,
      length: training.length, logEvery: log.every, validateAtLogSteps: log.validate,
      schedule: LearningRateSchedule(
        training.schedule, stepSize: training.stepSize, gamma: training.gamma,
        minLearningRate: training.minLearningRate, warmupSteps: training.warmupSteps))
    plan.instruments = log.instruments
    return plan
  }

  /// The model-size check with the real input and output widths (the load-time check
  /// only knows them for generated data): a message when the network is too large.
  package func modelSizeProblem(for train: Dataset) -> String? {
    let (head, _) = resolvedHeadAndLoss(classification: train.isClassification)
    return ModelSize.problem(
      model: model, optimizer: training.optimizer, inputSize: train.featureCount,
      outputSize: outputSize(for: train, head: head))?.message
  }
}

extension ModelConfig {
  /// The weight initializer: N(0, σ_w²/fan_in) when `weight_variance` is set
  /// (scaled_normal with gain σ_w), else `initializer` with its settings.
  package var resolvedWeightInitializer: Initializer {
    if let variance = weightVariance {
      return Initializer(.scaledNormal, gain: variance.squareRoot(), std: 0, limit: 0, value: 0)
    }
    return Initializer(initializer, gain: initGain, std: initStd, limit: initLimit, value: initValue)
  }

  /// The bias initializer: N(0, σ_b²) when `bias_variance` is set, else
  /// `bias_initializer` with its settings.
  package var resolvedBiasInitializer: Initializer {
    if let variance = biasVariance {
      return Initializer(.normal, gain: 1, std: variance.squareRoot(), limit: 0, value: 0)
    }
    return Initializer(biasInitializer, gain: 1, std: biasStd, limit: biasLimit, value: biasValue)
  }
}
