/// A network being trained on one data set: its buffers, optimizer state and step count.
///
/// `train(_:on:…)` drives one of these through the schedule; benchmarks and studies
/// can drive it directly:
///
///     var initialization = Xoshiro256(seed: 1)
///     let session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
///     session.step(batch: Array(0..<32))                     // one update
///     let state = session.inspect(batch: Array(0..<1000))    // gradients & statistics, no update
///     print(state.layers.map(\.gradBNorm))                     // Nielsen's ‖∂C/∂b‖ per layer
///
/// Everything is allocated in `init` for batches of up to `plan.batchSize` rows (a
/// larger batch passed to `step` or `inspect` regrows the buffers once). A step
/// allocates nothing. Single-threaded and deterministic: the same calls on the same
/// initial network (and dropout stream) give the same bits. Not thread-safe; one
/// session per thread.
///
/// A plan with dropout needs its own random stream for the masks, given to `init` as
/// `dropout:` (the run's `SeedStreams.generator(for: .dropout)`); each training step
/// draws its masks from it. Batch norm runs in training mode (batch statistics) in
/// `step` and `inspect`, and in evaluation mode (running statistics) in `evaluate`,
/// `predict` and the validation of `run`.
package final class TrainingSession {
  package let plan: TrainingPlan
  package let network: Network
  /// The training set the batch indices refer to.
  package let data: Dataset
  /// Updates applied so far.
  package internal(set) var updatesApplied = 0

  /// The plan with what its checks resolved (loss, T), checked once when the session starts.
  let validated: ValidatedPlan
  var loss: ResolvedLoss { validated.loss }
  /// T of the plan on this data set (the learning-rate schedule's horizon).
  var totalSteps: Int { validated.totalSteps }
  var optimizer: Optimizer
  /// How every update is applied, chosen once from the plan (UpdateStrategy.swift).
  let updateStrategy: UpdateStrategy
  var workspace: Workspace
  private(set) lazy var evaluator = Evaluator(network: network, loss: loss)
  /// Every trainable tensor, layer by layer.
  let parameters: [Parameter]
  /// PReLU reads its pre-activations in the backward pass, so they are always stored.
  let needsPreactivations: Bool
  /// The stream of the dropout masks (unused without dropout).
  var dropoutGenerator: Xoshiro256
  /// Whether any hidden layer is normalised (γ and β to check, update and report).
  let hasNormalization: Bool
  /// The optional instruments' state (nil when the plan asks for none).
  let instruments: SessionInstruments?

  /// A session on a freshly initialised network (weights drawn from `initialization`).
  /// - Parameter dropout: the stream of the dropout masks; required when
  ///   `plan.network.dropout > 0`, ignored otherwise.
  /// - Throws: `EngineError` when the plan and data do not fit together (or dropout has
  ///   no stream); nothing is drawn then.
  package convenience init(
    plan: TrainingPlan, data: Dataset, initialization: inout Xoshiro256, dropout: Xoshiro256? = nil
  ) throws(EngineError) {
    try self.init(validated: plan.validated(for: data), initialization: &initialization, dropout: dropout)
  }

  /// A session on a freshly initialised network, from a plan already checked against its data.
  package convenience init(
    validated: ValidatedPlan, initialization: inout Xoshiro256, dropout: Xoshiro256? = nil
  ) throws(EngineError) {
    try Self.checkDropoutStream(validated.plan, dropout)
    let network = try Network(validated.plan.network, initialization: &initialization)
    try self.init(validated: validated, network: network, dropout: dropout)
  }

  /// A session continuing from an existing network (built from `plan.network`).
  /// - Parameter dropout: as for `init(plan:data:initialization:dropout:)`.
  package convenience init(plan: TrainingPlan, data: Dataset, network: Network, dropout: Xoshiro256? = nil)
    throws(EngineError)
  {
    try self.init(validated: plan.validated(for: data), network: network, dropout: dropout)
  }

  /// A session continuing from an existing network, from a checked plan.
  package init(validated: ValidatedPlan, network: Network, dropout: Xoshiro256? = nil) throws(EngineError) {
    let plan = validated.plan
    guard network.spec == plan.network else {
      throw EngineError("the network was built from a different spec than the plan's")
    }
    try Self.checkDropoutStream(plan, dropout)
    self.validated = validated
    dropoutGenerator = dropout ?? Xoshiro256(seed: 0)
    hasNormalization = plan.network.normalization != .none
    self.plan = plan
    self.network = network
    self.data = validated.data
    optimizer = Optimizer(plan.optimizer)
    parameters = network.parameters
    for parameter in parameters { optimizer.prepare(parameter) }
    workspace = Workspace(spec: plan.network, capacity: min(plan.batchSize, max(data.count, 1)))
    updateStrategy = UpdateStrategy(plan: plan, network: network)
    needsPreactivations = plan.network.activation.kind == .prelu
    instruments =
      plan.instruments.isEmpty ? nil : SessionInstruments(options: plan.instruments, network: network, data: data)
  }

  private static func checkDropoutStream(_ plan: TrainingPlan, _ dropout: Xoshiro256?) throws(EngineError) {
    if plan.network.dropout > 0 && dropout == nil {
      throw EngineError(
        "dropout \(plan.network.dropout) needs a random stream for its masks: pass `dropout:` "
          + "(SeedStreams.generator(for: .dropout)) to TrainingSession.init or train(…dropout:…)")
    }
  }

  // MARK: - Public steps

  /// Whether a step's update was applied.
  package enum StepStatus: Sendable, Equatable {
    case updated
    /// The loss or a gradient was NaN or ±∞; no update was applied.
    case diverged(reason: String)
  }

  /// One optimizer update on the training rows `batch`: forward, backward, update.
  /// The benchmark's unit of work; computes no statistics.
  @discardableResult
  package func step(batch: [Int]) -> StepStatus {
    checkIndices(batch)
    let outcome = batch.withUnsafeBufferPointer { performStep($0, update: true, collect: false, validation: nil) }
    return outcome.divergence.map { .diverged(reason: $0) } ?? .updated
  }

  /// One update that also computes everything a logged step records — per-layer
  /// gradient and activation statistics, ‖W‖ and the update ratio, what `train` does
  /// every `logEvery` steps — and returns them. Applies bitwise the same update as
  /// `step(batch:)`; the benchmark times the two against each other.
  @discardableResult
  package func loggedStep(batch: [Int]) -> (status: StepStatus, layers: [LayerStatistics]) {
    checkIndices(batch)
    let outcome = batch.withUnsafeBufferPointer { performStep($0, update: true, collect: true, validation: nil) }
    return (outcome.divergence.map { .diverged(reason: $0) } ?? .updated, outcome.layers)
  }

  /// Forward and backward on the training rows `batch` without updating: the batch's
  /// loss, accuracy, global gradient norm and per-layer statistics (`updateRatio` nan).
  /// With the whole batch at once, ‖∂C/∂b‖ per layer is that of the batch's mean cost,
  /// the quantity of Nielsen's chapter 5.
  ///
  /// The gradients of the network itself: no dropout (no masks drawn, the dropout
  /// stream is untouched), batch norm on the batch's statistics, running statistics
  /// unchanged.
  package func inspect(batch: [Int]) -> BatchInspection {
    checkIndices(batch)
    let outcome = batch.withUnsafeBufferPointer {
      performStep($0, update: false, collect: true, validation: nil, dropout: .off)
    }
    return BatchInspection(
      loss: outcome.loss, accuracy: outcome.accuracy, gradientNorm: outcome.gradientNorm,
      layers: outcome.layers)
  }

  /// Mean loss and accuracy of the current network over a whole data set (validated
  /// against the plan; a set that does not fit gives `EngineError`), in evaluation
  /// mode: batch norm on its running statistics, no dropout.
  package func evaluate(_ data: Dataset) throws(EngineError) -> Evaluation {
    try validated.check(data, role: "validation")
    return evaluator.evaluate(data)
  }

  /// The head's outputs (probabilities for softmax/sigmoid, values for linear) for
  /// feature rows, `rows × outputSize`, in evaluation mode (as `evaluate`).
  package func predict(_ features: [Float]) -> [Float] {
    precondition(features.count % plan.network.inputSize == 0, "features are not whole rows")
    return evaluator.outputs(for: features)
  }

  /// The dropout mask of hidden layer `layer` (1-based) from the last training pass,
  /// rows × width with entries 0 or 1/(1 − p) (nil without dropout): for gradient checks.
  func lastDropoutMask(layer: Int, rows: Int) -> [Float]? {
    guard let mask = workspace.dropoutMasks[layer - 1] else { return nil }
    return Array(UnsafeBufferPointer(start: mask.pointer, count: rows * network.layers[layer - 1].fanOut))
  }

  /// Batch indices come from code, not users: a bad one is a programming error, caught
  /// here rather than read out of bounds.
  private func checkIndices(_ batch: [Int]) {
    precondition(!batch.isEmpty, "empty batch")
    let count = data.count
    precondition(batch.allSatisfy { $0 >= 0 && $0 < count }, "batch index outside the training set")
  }
}

/// A batch's loss, accuracy, gradient norm and per-layer statistics, without an update.
package struct BatchInspection: Sendable, Equatable {
  package var loss: Double
  /// nan for regression.
  package var accuracy: Double
  /// Global L2 norm of all parameter gradients.
  package var gradientNorm: Double
  /// Layers 1…L+1.
  package var layers: [LayerStatistics]
}

/// "nan", "inf" or "-inf", as the CSV files spell them.
func describe(_ value: Double) -> String {
  value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
}
