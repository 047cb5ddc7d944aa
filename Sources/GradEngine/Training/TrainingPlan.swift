// The engine's contract with its callers (the scheduler, the benchmark, the tests):
// what to train, what gets reported while training, and how it ended.

/// An initializer with its parameters. Unused parameters are ignored by a kind.
package struct Initializer: Sendable, Equatable, Codable {
  package var kind: InitializerKind
  /// Multiplies the initializer's standard deviation or limit (orthogonal: the gain;
  /// scaled_normal: σ_w, so that Var w = gain²/fan_in).
  package var gain: Double
  /// Standard deviation for `normal`.
  package var std: Double
  /// Half-width for `uniform`: U[−limit, limit].
  package var limit: Double
  /// Value for `constant`.
  package var value: Double

  package init(_ kind: InitializerKind, gain: Double = 1, std: Double = 0.01, limit: Double = 0.05, value: Double = 0) {
    self.kind = kind
    self.gain = gain
    self.std = std
    self.limit = limit
    self.value = value
  }
}

/// A hidden-layer activation with its parameters.
package struct Activation: Sendable, Equatable, Codable {
  package var kind: ActivationKind
  /// Negative-side slope of `leaky_relu`, and the initial slope of `prelu`.
  package var slope: Float
  package init(_ kind: ActivationKind, slope: Float? = nil) {
    self.kind = kind
    self.slope = slope ?? (kind == .prelu ? 0.25 : 0.01)
  }
}

/// The architecture of a fully connected network:
/// `input → hidden[0] → … → hidden[L−1] → output`, the activation after every hidden
/// layer and `head` after the output layer.
///
/// Hidden layer ℓ (1…L) computes, with the options of issue 8 (each off by default):
///
///     z = x·W + b                                  (the pre-activation, as without options)
///     pre:  a = f(N(z))      post: a = N(f(z))     (N = batch or layer norm, γ ⊙ x̂ + β)
///     a ← m ⊙ a                                    (dropout, training only; m ∈ {0, 1/(1−p)})
///     h = a + h_in  if ℓ ends a residual block whose input is h_in, else h = a
///
/// and passes h to the next layer. Without normalisation, residual blocks and dropout
/// this is exactly the plain network (same code path, same bits).
package struct NetworkSpec: Sendable, Equatable {
  package var inputSize: Int
  package var hiddenWidths: [Int]
  package var outputSize: Int
  package var activation: Activation
  package var head: OutputHead
  package var useBias: Bool
  package var weightInitializer: Initializer
  package var biasInitializer: Initializer
  /// Normalisation of every hidden layer (YAML `model.normalization`, default `none`).
  /// Each normalised layer has a learnable scale γ (initially 1) and shift β (initially
  /// 0) per unit, trained by the optimizer without weight decay. The dense bias b is
  /// kept: under batch norm in the `pre` position it is redundant (the batch mean
  /// removes it, so ∂L/∂b = 0 up to rounding and `gradBNorm` ≈ 0; β plays its role).
  package var normalization: NormalizationKind
  /// Before (`pre`, the default) or after (`post`) the activation (YAML `model.norm_position`).
  package var normPosition: NormPosition
  /// Skip connections (YAML `model.residual`, default `none`); see `residualBlocks`.
  package var residual: ResidualKind
  /// K, the hidden layers per residual block (YAML `model.residual_every`, ≥ 1, default 2:
  /// the basic block of He et al. 2016).
  package var residualEvery: Int
  /// Dropout probability p ∈ [0, 1) on every hidden layer's output during training
  /// (YAML `model.dropout`, default 0 = off). Inverted dropout: kept units are scaled by
  /// 1/(1 − p), so evaluation uses the network as is.
  package var dropout: Double

  package init(
    inputSize: Int, hiddenWidths: [Int], outputSize: Int, activation: Activation,
    head: OutputHead, useBias: Bool = true,
    weightInitializer: Initializer, biasInitializer: Initializer = Initializer(.zeros),
    normalization: NormalizationKind = .none, normPosition: NormPosition = .pre,
    residual: ResidualKind = .none, residualEvery: Int = 2, dropout: Double = 0
  ) {
    self.inputSize = inputSize
    self.hiddenWidths = hiddenWidths
    self.outputSize = outputSize
    self.activation = activation
    self.head = head
    self.useBias = useBias
    self.weightInitializer = weightInitializer
    self.biasInitializer = biasInitializer
    self.normalization = normalization
    self.normPosition = normPosition
    self.residual = residual
    self.residualEvery = residualEvery
    self.dropout = dropout
  }

  /// Number of trainable parameters: weights, biases, and the γ and β of normalised
  /// layers (PReLU's one slope per layer is not counted).
  package var parameterCount: Int {
    let sizes = [inputSize] + hiddenWidths + [outputSize]
    var total = 0
    for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
      total += fanIn * fanOut + (useBias ? fanOut : 0)
    }
    if normalization != .none { total += 2 * hiddenWidths.reduce(0, +) }
    return total
  }
}

/// An optimizer with its hyper-parameters.
package struct OptimizerSpec: Sendable, Equatable {
  package var kind: OptimizerKind
  package var learningRate: Double
  /// Momentum coefficient μ for `momentum` and `nesterov`.
  package var momentum: Double
  /// Adam's β₁, β₂; RMSProp uses `beta2` as its decay ρ.
  package var beta1: Double
  package var beta2: Double
  package var epsilon: Double
  /// L2 weight decay λ added to the weight gradient (λ·W), not applied to biases.
  package var weightDecay: Double
  /// Rescale all gradients when their global L2 norm exceeds this (nil = never).
  package var clipGradNorm: Double?

  package init(
    kind: OptimizerKind, learningRate: Double, momentum: Double = 0.9, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0, clipGradNorm: Double? = nil
  ) {
    self.kind = kind
    self.learningRate = learningRate
    self.momentum = momentum
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.clipGradNorm = clipGradNorm
  }
}

/// How long to train.
package enum TrainingLength: Sendable, Equatable {
  /// Passes over the training set; each pass is ⌈count / batchSize⌉ updates.
  case epochs(Int)
  /// Parameter updates.
  case steps(Int)
}

/// Everything one training needs besides its data and its random streams.
package struct TrainingPlan: Sendable, Equatable {
  package var network: NetworkSpec
  package var optimizer: OptimizerSpec
  package var loss: LossKind
  package var batchSize: Int
  package var length: TrainingLength
  /// Log metrics and per-layer statistics every this many steps (plus step 0 and the
  /// final step). 0 logs only step 0 and the final step.
  package var logEvery: Int
  /// Evaluate on the validation set at each logged step.
  package var validateAtLogSteps: Bool
  /// How the learning rate varies with the update number (YAML `training.schedule` and
  /// its parameters; default constant).
  package var schedule: LearningRateSchedule
  /// The optional instruments computed at logged steps (YAML `log:`; all off by default).
  package var instruments = InstrumentOptions()

  package init(
    network: NetworkSpec, optimizer: OptimizerSpec, loss: LossKind, batchSize: Int,
    length: TrainingLength, logEvery: Int, validateAtLogSteps: Bool = true,
    schedule: LearningRateSchedule = LearningRateSchedule()
  ) {
    self.network = network
    self.optimizer = optimizer
    self.loss = loss
    self.batchSize = batchSize
    self.length = length
    self.logEvery = logEvery
    self.validateAtLogSteps = validateAtLogSteps
    self.schedule = schedule
  }
}
