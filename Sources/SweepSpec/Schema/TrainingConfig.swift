import GradEngine

/// The `training:` section: optimizer, its hyper-parameters, batch size, how long, loss.
///
/// The property initialisers below ARE the documented defaults (docs/sweep-file.md).
/// Length: `steps`, when set, replaces `epochs`; setting both explicitly is an error.
/// A decoded value is normalised so that exactly one of them is non-nil.
package struct TrainingConfig: Codable, Sendable, Hashable {
  /// Epochs trained when neither `epochs` nor `steps` is given.
  package static let defaultEpochs = 10

  /// Update rule (`OptimizerKind`).
  package var optimizer: OptimizerKind = .sgd
  /// Step size η. Greater than 0.
  package var learningRate: Double = 0.1
  /// Momentum μ of `momentum` and `nesterov`. In [0, 1).
  package var momentum: Double = 0.9
  /// Adam's β₁. In [0, 1).
  package var beta1: Double = 0.9
  /// Adam's β₂, RMSProp's decay ρ. In [0, 1).
  package var beta2: Double = 0.999
  /// Adam's and RMSProp's ε. Greater than 0.
  package var epsilon: Double = 1e-8
  /// L2 weight decay λ (weights only). At least 0.
  package var weightDecay: Double = 0
  /// Rescale gradients whose global L2 norm exceeds this; nil = never. Greater than 0.
  package var clipGradNorm: Double? = nil
  /// Examples per update. At least 1.
  package var batchSize: Int = 32
  /// Passes over the training set (nil when `steps` is set). At least 1.
  package var epochs: Int? = TrainingConfig.defaultEpochs
  /// Parameter updates; replaces `epochs` when set. At least 1.
  package var steps: Int? = nil
  /// `auto` (from the output head and the data's task; see `RunConfig.trainingPlan(for:)`),
  /// or `cross_entropy`, `binary_cross_entropy`, `mse`.
  package var loss: AutoOr<LossKind> = .auto
  /// Learning-rate schedule: `constant`, `step` (× gamma every step_size updates),
  /// `cosine` (to min_learning_rate over the training), `warmup_cosine`.
  package var schedule: ScheduleKind = .constant
  /// `step`: updates between decays (nil: a third of the training). At least 1.
  package var stepSize: Int? = nil
  /// `step`: the decay factor. Greater than 0.
  package var gamma: Double = 0.1
  /// `cosine`, `warmup_cosine`: the final learning rate. At least 0.
  package var minLearningRate: Double = 0
  /// `warmup_cosine`: updates of linear warm-up (nil: a tenth of the training). At least 0.
  package var warmupSteps: Int? = nil
  /// Stop a run whose logged loss has stopped improving, as `stalled` (`StallConfig`);
  /// nil = never.
  package var stall: StallConfig? = nil

  package init() {}

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case optimizer, learningRate = "learning_rate", momentum, beta1, beta2, epsilon
    case weightDecay = "weight_decay", clipGradNorm = "clip_grad_norm", batchSize = "batch_size"
    case epochs, steps, loss
    case schedule, stepSize = "step_size", gamma, minLearningRate = "min_learning_rate"
    case warmupSteps = "warmup_steps", stall
  }

  /// How long to train, as the engine takes it.
  package var length: TrainingLength {
    if let steps { return .steps(steps) }
    return .epochs(epochs ?? Self.defaultEpochs)
  }

  /// Makes exactly one of `epochs` and `steps` non-nil: steps win; neither → the default epochs.
  mutating func normalizeLength() {
    if steps != nil {
      epochs = nil
    } else if epochs == nil {
      epochs = Self.defaultEpochs
    }
  }

  static let bothLengthsMessage = "both training.epochs and training.steps are set; set only one"
  static let bothLengthsNote = "steps, when set, replaces epochs: remove epochs (or set it to null)"

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = TrainingConfig()
    let s = Self.sectionName
    optimizer = try c.name(.optimizer, default: d.optimizer, kind: "optimizer", in: s)
    learningRate = try c.real(.learningRate, default: d.learningRate, .positive, in: s)
    momentum = try c.real(.momentum, default: d.momentum, .unitHalfOpen, in: s)
    beta1 = try c.real(.beta1, default: d.beta1, .unitHalfOpen, in: s)
    beta2 = try c.real(.beta2, default: d.beta2, .unitHalfOpen, in: s)
    epsilon = try c.real(.epsilon, default: d.epsilon, .positive, in: s)
    weightDecay = try c.real(.weightDecay, default: d.weightDecay, .nonNegative, in: s)
    clipGradNorm = try c.optionalReal(.clipGradNorm, default: d.clipGradNorm, .positive, in: s)
    batchSize = try c.integer(.batchSize, default: d.batchSize, in: Limits.batchSize, in: s)
    epochs = try c.optionalInteger(.epochs, default: d.epochs, in: Limits.epochs, in: s)
    steps = try c.optionalInteger(.steps, default: d.steps, in: Limits.steps, in: s)
    if try c.hasValue(.epochs), steps != nil {
      throw c.fail(.steps, Self.bothLengthsMessage, note: Self.bothLengthsNote)
    }
    normalizeLength()
    loss = try c.autoOrName(.loss, default: d.loss, kind: "loss", in: s)
    schedule = try c.name(.schedule, default: d.schedule, kind: "schedule", in: s)
    stepSize = try c.optionalInteger(.stepSize, default: d.stepSize, in: Limits.stepSize, in: s)
    gamma = try c.real(.gamma, default: d.gamma, .positive, in: s)
    minLearningRate = try c.real(.minLearningRate, default: d.minLearningRate, .nonNegative, in: s)
    warmupSteps = try c.optionalInteger(.warmupSteps, default: d.warmupSteps, in: Limits.warmupSteps, in: s)
    stall = try c.optional(.stall, default: d.stall)
  }

  /// Every key, nil values as `null`.
  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(optimizer, forKey: .optimizer)
    try c.encode(learningRate, forKey: .learningRate)
    try c.encode(momentum, forKey: .momentum)
    try c.encode(beta1, forKey: .beta1)
    try c.encode(beta2, forKey: .beta2)
    try c.encode(epsilon, forKey: .epsilon)
    try c.encode(weightDecay, forKey: .weightDecay)
    try c.encode(clipGradNorm, forKey: .clipGradNorm)
    try c.encode(batchSize, forKey: .batchSize)
    try c.encode(epochs, forKey: .epochs)
    try c.encode(steps, forKey: .steps)
    try c.encode(loss, forKey: .loss)
    try c.encode(schedule, forKey: .schedule)
    try c.encode(stepSize, forKey: .stepSize)
    try c.encode(gamma, forKey: .gamma)
    try c.encode(minLearningRate, forKey: .minLearningRate)
    try c.encode(warmupSteps, forKey: .warmupSteps)
    try c.encode(stall, forKey: .stall)
  }
}

extension TrainingConfig: ConfigSection {
  typealias Keys = CodingKeys
  static var sectionName: String { "training" }

  static var fieldAccess: [String: FieldAccess<TrainingConfig>] {
    [
      "optimizer": .plain(\.optimizer),
      "learning_rate": .real(\.learningRate),
      "momentum": .real(\.momentum),
      "beta1": .real(\.beta1),
      "beta2": .real(\.beta2),
      "epsilon": .real(\.epsilon),
      "weight_decay": .real(\.weightDecay),
      "clip_grad_norm": .optionalReal(\.clipGradNorm),
      "batch_size": .integer(\.batchSize),
      "epochs": .optionalInteger(\.epochs),
      "steps": .optionalInteger(\.steps),
      "loss": .plain(\.loss),
      "schedule": .plain(\.schedule),
      "step_size": .optionalInteger(\.stepSize),
      "gamma": .real(\.gamma),
      "min_learning_rate": .real(\.minLearningRate),
      "warmup_steps": .optionalInteger(\.warmupSteps),
      "stall": .plain(\.stall),
    ]
  }
}
