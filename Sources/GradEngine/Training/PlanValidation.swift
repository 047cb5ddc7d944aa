// What the engine checks before it allocates or draws anything. User settings are
// validated (with file positions) when a sweep loads; these checks make the engine safe
// to call directly and turn every impossible combination into a thrown `EngineError`,
// never a trap. They run once per training: `validated(for:validation:)` returns a
// `ValidatedPlan`, the only thing a `TrainingSession` is built from.

/// A training plan checked on its own and against its training set (and validation set),
/// with what the checks resolved: the loss the head computes and the number of updates.
/// Made only by `TrainingPlan.validated(for:validation:)`, so holding one proves the
/// checks passed; a data set given later (`TrainingSession.evaluate`, `run(validation:)`)
/// is checked against the network alone.
package struct ValidatedPlan: Sendable {
  package let plan: TrainingPlan
  /// The training set the plan was checked against (the batch indices refer to it).
  package let data: Dataset
  /// The validation set it was checked against, if any.
  package let validation: Dataset?
  /// The head's loss, resolved from `plan.network.head` and `plan.loss`.
  let loss: ResolvedLoss
  /// T: the updates of the whole training on `data` (the schedule's horizon).
  package let totalSteps: Int

  fileprivate init(plan: TrainingPlan, data: Dataset, validation: Dataset?, loss: ResolvedLoss) {
    self.plan = plan
    self.data = data
    self.validation = validation
    self.loss = loss
    totalSteps = plan.totalSteps(trainingCount: data.count)
  }

  /// Checks one more data set (evaluation, validation) against the network: features,
  /// rows and targets.
  package func check(_ other: Dataset, role: String) throws(EngineError) {
    try plan.check(other, role: role)
  }
}

extension TrainingPlan {
  /// Checks the plan on its own and against its data, once.
  package func validated(for data: Dataset, validation: Dataset? = nil) throws(EngineError) -> ValidatedPlan {
    try network.validate()
    let resolvedLoss = try ResolvedLoss.resolve(head: network.head, loss: loss)
    guard batchSize >= 1 else { throw EngineError("the batch size must be at least 1, not \(batchSize)") }
    switch length {
    case .epochs(let epochs) where epochs < 0: throw EngineError("epochs must be ≥ 0, not \(epochs)")
    case .steps(let steps) where steps < 0: throw EngineError("steps must be ≥ 0, not \(steps)")
    default: break
    }
    guard logEvery >= 0 else { throw EngineError("log every must be ≥ 0, not \(logEvery)") }
    try optimizer.validate()
    try schedule.validate(learningRate: optimizer.learningRate)
    if network.normalization == .batch && batchSize < 2 {
      throw EngineError(
        "batch normalization needs a batch size of at least 2, not \(batchSize) (one row has no batch statistics)")
    }
    guard data.count >= 1 else { throw EngineError("the training set is empty") }
    try check(data, role: "training")
    if let validation { try check(validation, role: "validation") }
    return ValidatedPlan(plan: self, data: data, validation: validation, loss: resolvedLoss)
  }

  fileprivate func check(_ data: Dataset, role: String) throws(EngineError) {
    guard data.featureCount == network.inputSize else {
      throw EngineError(
        "the \(role) set has \(data.featureCount) features but the network takes \(network.inputSize) inputs")
    }
    guard data.features.count == data.count * data.featureCount else {
      throw EngineError("the \(role) set's features are not a whole number of rows")
    }
    switch data.targets {
    case .classes(let labels, let classCount):
      guard labels.count == data.count else {
        throw EngineError("the \(role) set has \(data.count) rows but \(labels.count) labels")
      }
      let fits = network.outputSize == classCount || (network.outputSize == 1 && classCount == 2 && network.head != .softmax)
      guard fits else {
        throw EngineError(
          "the \(role) set has \(classCount) classes but the network has \(network.outputSize) outputs (use \(NetworkSpec.outputSize(head: network.head, for: data.targets)))")
      }
      if let bad = labels.first(where: { $0 < 0 || Int($0) >= classCount }) {
        throw EngineError("the \(role) set has label \(bad), outside 0..<\(classCount)")
      }
    case .values(let values, let outputCount):
      guard outputCount == network.outputSize else {
        throw EngineError(
          "the \(role) set has \(outputCount) targets per row but the network has \(network.outputSize) outputs")
      }
      guard values.count == data.count * outputCount else {
        throw EngineError("the \(role) set has \(data.count) rows but \(values.count / max(outputCount, 1)) target rows")
      }
    }
  }

  /// Bytes a training of this plan holds at once (parameters, gradients, optimizer
  /// state, batch and evaluation buffers), not counting the data sets: lets a caller
  /// refuse a model that would not fit before allocating anything.
  package var estimatedMemoryBytes: Int {
    let states: Int
    switch optimizer.kind {
    case .sgd: states = 0
    case .momentum, .nesterov, .rmsprop: states = 1
    case .adam: states = 2
    }
    let parameters = network.parameterCount * (2 + states) * MemoryLayout<Float>.stride
    return parameters + Workspace.byteCount(spec: network, capacity: batchSize)
      + Evaluator.byteCount(spec: network)
  }
}

extension OptimizerSpec {
  /// Checks the hyper-parameters' ranges.
  package func validate() throws(EngineError) {
    func require(_ ok: Bool, _ message: String) throws(EngineError) { if !ok { throw EngineError(message) } }
    try require(learningRate.isFinite && learningRate > 0, "the learning rate must be > 0, not \(learningRate)")
    try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), not \(momentum)")
    try require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), not \(beta1)")
    try require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), not \(beta2)")
    try require(epsilon.isFinite && epsilon > 0, "epsilon must be > 0, not \(epsilon)")
    try require(weightDecay.isFinite && weightDecay >= 0, "weight decay must be ≥ 0, not \(weightDecay)")
    if let clipGradNorm {
      try require(clipGradNorm.isFinite && clipGradNorm > 0, "clip_grad_norm must be > 0, not \(clipGradNorm)")
    }
  }
}
