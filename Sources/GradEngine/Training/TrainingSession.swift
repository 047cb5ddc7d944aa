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
public final class TrainingSession {
  public let plan: TrainingPlan
  public let network: Network
  /// The training set the batch indices refer to.
  public let data: Dataset
  /// Updates applied so far.
  public private(set) var updatesApplied = 0

  let loss: ResolvedLoss
  private(set) var optimizer: Optimizer
  private var workspace: Workspace
  private lazy var evaluator = Evaluator(network: network, loss: loss)
  /// Every trainable tensor, layer by layer.
  private let parameters: [Parameter]
  /// Plain SGD without clipping: the weight update can be fused into the gradient product.
  private let updateCanBeFused: Bool
  /// PReLU reads its pre-activations in the backward pass, so they are always stored.
  private let needsPreactivations: Bool
  /// The stream of the dropout masks (unused without dropout).
  private(set) var dropoutGenerator: Xoshiro256
  /// T of the plan on this data set (the learning-rate schedule's horizon).
  let totalSteps: Int
  /// Whether any hidden layer is normalised (γ and β to check, update and report).
  private let hasNormalization: Bool
  /// The optional instruments' state (nil when the plan asks for none).
  private let instruments: SessionInstruments?

  /// A session on a freshly initialised network (weights drawn from `initialization`).
  /// - Parameter dropout: the stream of the dropout masks; required when
  ///   `plan.network.dropout > 0`, ignored otherwise.
  /// - Throws: `EngineError` when the plan and data do not fit together (or dropout has
  ///   no stream); nothing is drawn then.
  public convenience init(
    plan: TrainingPlan, data: Dataset, initialization: inout Xoshiro256, dropout: Xoshiro256? = nil
  ) throws(EngineError) {
    try plan.validate(for: data)
    try Self.checkDropoutStream(plan, dropout)
    let network = try Network(plan.network, initialization: &initialization)
    try self.init(plan: plan, data: data, network: network, dropout: dropout)
  }

  /// A session continuing from an existing network (built from `plan.network`).
  /// - Parameter dropout: as for `init(plan:data:initialization:dropout:)`.
  public init(plan: TrainingPlan, data: Dataset, network: Network, dropout: Xoshiro256? = nil) throws(EngineError) {
    guard network.spec == plan.network else {
      throw EngineError("the network was built from a different spec than the plan's")
    }
    try plan.validate(for: data)
    try Self.checkDropoutStream(plan, dropout)
    dropoutGenerator = dropout ?? Xoshiro256(seed: 0)
    totalSteps = plan.totalSteps(trainingCount: data.count)
    hasNormalization = plan.network.normalization != .none
    self.plan = plan
    self.network = network
    self.data = data
    loss = try ResolvedLoss.resolve(head: plan.network.head, loss: plan.loss)
    optimizer = Optimizer(plan.optimizer)
    parameters = network.parameters
    for parameter in parameters { optimizer.prepare(parameter) }
    workspace = Workspace(spec: plan.network, capacity: min(plan.batchSize, max(data.count, 1)))
    updateCanBeFused =
      Self.fusesPlainSGDUpdate && plan.optimizer.kind == .sgd && plan.optimizer.clipGradNorm == nil
    needsPreactivations = plan.network.activation.kind == .prelu
    instruments =
      plan.instruments.isEmpty ? nil : SessionInstruments(options: plan.instruments, network: network, data: data)
  }

  /// Whether plain SGD folds the weight update into the gradient product
  /// (W ← βW + α·Aᵀδ in one `sgemm`; at logged steps `sgemmUpdateSums`, which also
  /// measures it). It saves a write and a read of every weight gradient per step. It relies on `sgemm` evaluating α·Σ + β·c with the
  /// same Σ for β = 0 and β ≠ 0, which the test "logging does not change the trajectory"
  /// checks; a kernel that breaks it can be accommodated by setting this to false.
  static let fusesPlainSGDUpdate = true

  private static func checkDropoutStream(_ plan: TrainingPlan, _ dropout: Xoshiro256?) throws(EngineError) {
    if plan.network.dropout > 0 && dropout == nil {
      throw EngineError(
        "dropout \(plan.network.dropout) needs a random stream for its masks: pass `dropout:` "
          + "(SeedStreams.generator(for: .dropout)) to TrainingSession.init or train(…dropout:…)")
    }
  }

  // MARK: - Public steps

  /// Whether a step's update was applied.
  public enum StepStatus: Sendable, Equatable {
    case updated
    /// The loss or a gradient was NaN or ±∞; no update was applied.
    case diverged(reason: String)
  }

  /// One optimizer update on the training rows `batch`: forward, backward, update.
  /// The benchmark's unit of work; computes no statistics.
  @discardableResult
  public func step(batch: [Int]) -> StepStatus {
    checkIndices(batch)
    let outcome = batch.withUnsafeBufferPointer { performStep($0, update: true, collect: false, validation: nil) }
    return outcome.divergence.map { .diverged(reason: $0) } ?? .updated
  }

  /// One update that also computes everything a logged step records — per-layer
  /// gradient and activation statistics, ‖W‖ and the update ratio, what `train` does
  /// every `logEvery` steps — and returns them. Applies bitwise the same update as
  /// `step(batch:)`; the benchmark times the two against each other.
  @discardableResult
  public func loggedStep(batch: [Int]) -> (status: StepStatus, layers: [LayerStatistics]) {
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
  public func inspect(batch: [Int]) -> BatchInspection {
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
  public func evaluate(_ data: Dataset) throws(EngineError) -> Evaluation {
    try plan.validate(for: self.data, validation: data)
    return evaluator.evaluate(data)
  }

  /// The head's outputs (probabilities for softmax/sigmoid, values for linear) for
  /// feature rows, `rows × outputSize`, in evaluation mode (as `evaluate`).
  public func predict(_ features: [Float]) -> [Float] {
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

  // MARK: - The step

  /// What one step produced.
  struct StepOutcome {
    var loss: Double
    var accuracy: Double
    /// Global ‖∇‖ (nan when it was not needed and not computed).
    var gradientNorm: Double
    var layers: [LayerStatistics]
    var divergence: String?
    var validation: Evaluation?
    /// η_t of the update that follows (see `StepRecord.learningRate`).
    var learningRate: Double
    /// The Jacobian's spectrum when `plan.instruments` asks for it at this step.
    var jacobian: JacobianSpectrum? = nil
  }

  /// Evaluates the data set without validating it (the caller did).
  func evaluateUnchecked(_ data: Dataset) -> Evaluation { evaluator.evaluate(data) }

  /// Forward and backward on `batch`, then (when `update`) one optimizer update.
  ///
  /// - Parameters:
  ///   - collect: compute the statistics (gradient norms, activation statistics, ‖W‖ and
  ///     the update ratio); without it the step computes only what the update needs.
  ///   - validation: evaluated after the gradients and before the update (the record
  ///     describes the network before this step's update).
  ///   - dropout: `.draw` fresh masks (training), `.reuse` the last pass's, or `.off`;
  ///     ignored for a network without dropout.
  ///
  /// A step diverges, and applies no update, when the batch loss or the global gradient
  /// norm is NaN or ±∞. The norm is formed before the update only when something needs
  /// it (clipping) or when the overflow bound of `weightGradientsAreBounded` fails, so a
  /// bounded step skips that pass; either way the same steps diverge, and every path
  /// applies bitwise the same update.
  func performStep(
    _ batch: UnsafeBufferPointer<Int>, update: Bool, collect: Bool, validation: Dataset?,
    dropout requestedMasks: DropoutMasks = .draw
  ) -> StepOutcome {
    let rows = batch.count
    precondition(rows > 0, "empty batch")
    if rows > workspace.capacity { workspace = Workspace(spec: plan.network, capacity: rows) }
    let outputSize = plan.network.outputSize
    let inputSum = workspace.labels.withUnsafeMutableBufferPointer { labels in
      gatherRows(
        batch, from: data, outputSize: outputSize, input: workspace.input.pointer,
        targets: workspace.targets.pointer, labels: labels.baseAddress!)
    }
    workspace.inputAbsoluteSums[0] = inputSum
    let lossSum: Double
    if network.usesGeneralPasses {
      let masks = plan.network.dropout > 0 ? requestedMasks : .off
      lossSum = generalForwardPass(
        network: network, workspace: workspace, loss: loss, rows: rows,
        keepPreactivations: collect || needsPreactivations, withGradient: true, collectStatistics: collect,
        dropout: masks, generator: &dropoutGenerator)
      generalBackwardPass(network: network, workspace: workspace, rows: rows, dropout: masks != .off)
    } else {
      lossSum = forwardPass(
        network: network, workspace: workspace, loss: loss, rows: rows,
        keepPreactivations: collect || needsPreactivations, withGradient: true, collectStatistics: collect)
      backwardPass(network: network, workspace: workspace, rows: rows)
    }
    let batchLoss = lossSum / Double(rows)
    let bounded =
      batchLoss.isFinite && weightGradientsAreBounded(workspace) && slopeGradientsAreFinite
      && (!hasNormalization || normalizationGradientsAreFinite)
    let learningRate = plan.schedule.learningRate(
      at: updatesApplied, base: plan.optimizer.learningRate, totalSteps: totalSteps)

    let clip = plan.optimizer.clipGradNorm
    // The record describes the network before this step's update.
    let measured =
      collect ? instruments?.measure(network: network, workspace: workspace, rows: rows, step: updatesApplied) : nil
    let slopesBefore: [Double?] = collect ? network.layers.map { $0.slope.map { Double($0.value.pointer[0]) } } : []
    var measures: [Optimizer.Measure] = []
    var sums: [(squares: Double, absolute: Double)] = []
    var gradientNorm = Double.nan
    var divergence: String? = nil
    var validationResult: Evaluation? = nil

    if update && bounded && clip == nil {
      // The gradients are known to be finite and nothing needs their norm first, so each
      // layer's weight gradient is formed and applied while it is still in cache (and,
      // for plain SGD, never formed: fused into the product, and at a logged step
      // measured in its epilogue unless the Float sums could overflow).
      validationResult = validation.map { evaluator.evaluate($0) }
      optimizer.learningRate = learningRate
      optimizer.beginUpdate()
      for (index, layer) in network.layers.enumerated() {
        let fuses =
          updateCanBeFused
          && (!collect || fusedUpdateSumsStayFinite(layer: index, network: network, workspace: workspace))
        if fuses {
          let measure = fusedSGDWeightUpdate(
            layer: index, network: network, workspace: workspace, rows: rows, optimizer: optimizer, measuring: collect)
          if collect { measures.append(measure) }
        } else if usesBlockedUpdate(fanIn: layer.fanIn, fanOut: layer.fanOut) {
          let measure = blockedWeightUpdate(
            layer: index, network: network, workspace: workspace, rows: rows, optimizer: optimizer, measuring: collect)
          if collect { measures.append(measure) }
        } else {
          weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
          let measure = optimizer.update(layer.weights, along: 1, measuring: collect)
          if collect { measures.append(measure) }
        }
        if let bias = layer.bias {
          let measure = optimizer.update(bias, along: 1, measuring: collect)
          if collect { measures.append(measure) }
        }
        if let slope = layer.slope {
          let measure = optimizer.update(slope, along: 1, measuring: collect)
          if collect { measures.append(measure) }
        }
        if let norm = layer.normalization {
          for parameter in [norm.scale, norm.shift] {
            let measure = optimizer.update(parameter, along: 1, measuring: collect)
            if collect { measures.append(measure) }
          }
        }
      }
      if hasNormalization { updateRunningStatistics(network: network, workspace: workspace, rows: rows) }
      updatesApplied += 1
      if collect {
        // A Float block that overflowed is summed again in Double (the gradient is intact).
        sums = zip(parameters, measures).map { parameter, measure in
          measure.gradientSquares.isFinite
            ? (measure.gradientSquares, measure.gradientAbsoluteSum)
            : gradientSums(parameter.gradient.pointer, count: parameter.count)
        }
        gradientNorm = sums.reduce(0) { $0 + $1.squares }.squareRoot()
      }
    } else {
      for index in network.layers.indices {
        weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
      }
      if collect {
        sums = parameters.map { gradientSums($0.gradient.pointer, count: $0.count) }
        gradientNorm = sums.reduce(0) { $0 + $1.squares }.squareRoot()
      } else if clip != nil || !bounded {
        var squares = 0.0
        for parameter in parameters { squares += gradientSums(parameter.gradient.pointer, count: parameter.count).squares }
        gradientNorm = squares.squareRoot()
      }
      if !batchLoss.isFinite {
        divergence = "loss is \(describe(batchLoss))"
      } else if !gradientNorm.isFinite && !bounded {
        divergence = "gradient norm is \(describe(gradientNorm))"
      }
      validationResult = validation.map { evaluator.evaluate($0) }
      if update && divergence == nil {
        var scale: Float = 1
        if let clip, gradientNorm > clip { scale = Float(clip / gradientNorm) }
        optimizer.learningRate = learningRate
        optimizer.beginUpdate()
        for parameter in parameters {
          let measure = optimizer.update(parameter, along: scale, measuring: collect)
          if collect { measures.append(measure) }
        }
        if hasNormalization { updateRunningStatistics(network: network, workspace: workspace, rows: rows) }
        updatesApplied += 1
      }
    }

    var accuracy = Double.nan
    var layers: [LayerStatistics] = []
    if collect {
      if case .classes = data.targets {
        let correct = workspace.labels.withUnsafeBufferPointer {
          correctPredictions(
            outputs: workspace.activations[network.layerCount - 1].pointer, labels: $0.baseAddress!,
            rows: rows, width: outputSize)
        }
        accuracy = Double(correct) / Double(rows)
      }
      layers = layerStatistics(
        rows: rows, gradientSums: sums, measures: measures.isEmpty ? nil : measures, slopes: slopesBefore)
      if let measured { for index in layers.indices { layers[index].instruments = measured.layers[index] } }
    }
    return StepOutcome(
      loss: batchLoss, accuracy: accuracy, gradientNorm: gradientNorm, layers: layers,
      divergence: divergence, validation: validationResult, learningRate: learningRate, jacobian: measured?.jacobian)
  }

  private var slopeGradientsAreFinite: Bool {
    network.layers.allSatisfy { $0.slope?.gradient.pointer[0].isFinite ?? true }
  }

  /// Whether every γ and β gradient is finite (their sums are NaN or ∞ otherwise).
  private var normalizationGradientsAreFinite: Bool {
    network.layers.allSatisfy { layer in
      guard let norm = layer.normalization else { return true }
      return absoluteSum(norm.scale.gradient.pointer, count: norm.width).isFinite
        && absoluteSum(norm.shift.gradient.pointer, count: norm.width).isFinite
    }
  }

  /// Assembles layers 1…L+1's statistics from the buffers of the step just taken.
  /// `gradientSums` and `measures` are per parameter, in `parameters` order.
  private func layerStatistics(
    rows: Int, gradientSums sums: [(squares: Double, absolute: Double)], measures: [Optimizer.Measure]?,
    slopes: [Double?]
  ) -> [LayerStatistics] {
    var parameterIndex = 0
    var result: [LayerStatistics] = []
    for (index, layer) in network.layers.enumerated() {
      let weightSums = sums[parameterIndex]
      let weightMeasure = measures?[parameterIndex]
      parameterIndex += 1
      var biasNorm = Double.nan
      if layer.bias != nil {
        biasNorm = sums[parameterIndex].squares.squareRoot()
        parameterIndex += 1
      }
      if layer.slope != nil { parameterIndex += 1 }
      var gradGammaNorm: Double? = nil, gradBetaNorm: Double? = nil
      var gammaNorm: Double? = nil, betaNorm: Double? = nil
      if let norm = layer.normalization {
        // Norms before this step's update: measured by the update, else read now.
        func valueNorm(_ parameter: Parameter, _ index: Int) -> Double {
          measures.map { $0[index].valueSquaredNorm.squareRoot() }
            ?? gradientSums(parameter.value.pointer, count: parameter.count).squares.squareRoot()
        }
        gradGammaNorm = sums[parameterIndex].squares.squareRoot()
        gammaNorm = valueNorm(norm.scale, parameterIndex)
        gradBetaNorm = sums[parameterIndex + 1].squares.squareRoot()
        betaNorm = valueNorm(norm.shift, parameterIndex + 1)
        parameterIndex += 2
      }
      let weightNorm =
        weightMeasure.map { $0.valueSquaredNorm.squareRoot() }
        ?? gradientSums(layer.weights.value.pointer, count: layer.weights.count).squares.squareRoot()
      let updateRatio = weightMeasure.map { $0.changeSquaredNorm.squareRoot() / weightNorm } ?? .nan
      let isOutput = index == network.layerCount - 1
      let summary: ActivationSummary
      if isOutput {
        summary = summarizeLogits(workspace.preactivations[index].pointer, rows: rows, width: layer.fanOut)
      } else {
        summary = workspace.summaries[index]
      }
      result.append(
        LayerStatistics(
          layer: index + 1, gradWNorm: weightSums.squares.squareRoot(),
          gradWMeanAbs: weightSums.absolute / Double(max(layer.weights.count, 1)),
          gradBNorm: biasNorm, weightNorm: weightNorm, updateRatio: updateRatio,
          preactMean: summary.preactMean, preactStd: summary.preactStd,
          actMean: summary.actMean, actStd: summary.actStd, derivMean: summary.derivMean,
          saturatedFraction: summary.saturatedFraction, deadFraction: summary.deadFraction,
          preluSlope: slopes[index], gradGammaNorm: gradGammaNorm, gradBetaNorm: gradBetaNorm,
          gammaNorm: gammaNorm, betaNorm: betaNorm))
    }
    return result
  }
}

/// A batch's loss, accuracy, gradient norm and per-layer statistics, without an update.
public struct BatchInspection: Sendable, Equatable {
  public var loss: Double
  /// nan for regression.
  public var accuracy: Double
  /// Global L2 norm of all parameter gradients.
  public var gradientNorm: Double
  /// Layers 1…L+1.
  public var layers: [LayerStatistics]
}

/// "nan", "inf" or "-inf", as the CSV files spell them.
func describe(_ value: Double) -> String {
  value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
}
