// One training step as a sequence of stages, read top to bottom in `performStep`:
//
//     batch → forward (+ loss) → backward → divergence check → update → statistics
//
// The update strategy (fused plain SGD, blocked or whole gradients, clipping) was chosen
// once when the session started (UpdateStrategy.swift); a step only asks the divergence
// check whether this batch's gradients must be formed and measured before the update.

import GradKernels

extension TrainingSession {
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
  /// norm is NaN or ±∞ (see `checkDivergence`); every path applies bitwise the same update.
  func performStep(
    _ batch: UnsafeBufferPointer<Int>, update: Bool, collect: Bool, validation: Dataset?,
    dropout requestedMasks: DropoutMasks = .draw
  ) -> StepOutcome {
    let rows = loadBatch(batch)
    let masks = plan.network.dropout > 0 ? requestedMasks : .off
    let batchLoss = forward(rows: rows, collect: collect, dropout: masks)
    backwardPass(network: network, workspace: workspace, rows: rows, dropout: masks != .off)
    let learningRate = plan.schedule.learningRate(
      at: updatesApplied, base: plan.optimizer.learningRate, totalSteps: totalSteps)
    // The record describes the network before this step's update.
    let slopesBefore = collect ? network.layers.map { $0.slope.map { Double($0.value.pointer[0]) } } : []
    var gradients = checkDivergence(loss: batchLoss, rows: rows, update: update, measure: collect)
    // The optional instruments read W_t, so they run here, before the update.
    let measured = collect ? instruments?.measure(network: network, workspace: workspace, rows: rows, step: updatesApplied) : nil
    let validationResult = validation.map { evaluator.evaluate($0) }
    let updated = update && gradients.divergence == nil
    if updated { applyUpdate(&gradients, rows: rows, learningRate: learningRate, measuring: collect) }
    var layers =
      collect ? statistics(of: stepBuffers(rows: rows, gradients, updated: updated), gradients, slopes: slopesBefore) : []
    if let measured { for index in layers.indices { layers[index].instruments = measured.layers[index] } }
    return StepOutcome(
      loss: batchLoss, accuracy: collect ? batchAccuracy(rows: rows) : .nan, gradientNorm: gradients.norm,
      layers: layers, divergence: gradients.divergence, validation: validationResult, learningRate: learningRate,
      jacobian: measured?.jacobian)
  }

  /// Gathers the rows `batch` into the workspace (regrown for a larger batch); returns
  /// the row count.
  private func loadBatch(_ batch: UnsafeBufferPointer<Int>) -> Int {
    let rows = batch.count
    precondition(rows > 0, "empty batch")
    if rows > workspace.capacity { workspace = Workspace(spec: plan.network, capacity: rows) }
    let inputSum = workspace.labels.withUnsafeMutableBufferPointer { labels in
      gatherRows(
        batch, from: data, outputSize: plan.network.outputSize, input: workspace.input.pointer,
        targets: workspace.targets.pointer, labels: labels.baseAddress!)
    }
    workspace.inputAbsoluteSums[0] = inputSum
    return rows
  }

  /// The forward pass and the loss (with δ of the output layer): the batch's mean loss.
  private func forward(rows: Int, collect: Bool, dropout: DropoutMasks) -> Double {
    let lossSum = forwardPass(
      network: network, workspace: workspace, loss: loss, rows: rows,
      keepPreactivations: collect || needsPreactivations, collectStatistics: collect,
      dropout: dropout, generator: &dropoutGenerator)
    return lossSum / Double(rows)
  }

  /// What the divergence check and the update learned about a step's gradients.
  struct GradientState {
    /// Why the step diverges ("loss is nan", …), nil when its gradients are finite.
    var divergence: String? = nil
    /// Whether every weight gradient is formed in its buffer (false when the update will
    /// form each layer's in cache: fused, or a block at a time).
    var formed = false
    /// Σg² and Σ|g| per parameter, in `parameters` order (when measured).
    var sums: [(squares: Double, absolute: Double)] = []
    /// Global ‖∇‖ (nan when nothing needed it).
    var norm = Double.nan
    /// What the update measured per parameter (at a logged step with an update).
    var measures: [Optimizer.Measure] = []
  }

  /// The divergence check. The weight gradients are provably finite without forming them
  /// when the loss is finite and the overflow bound of `weightGradientsAreBounded` holds
  /// (and the slope, γ and β gradients are finite); then, if the step updates and the
  /// strategy needs no global norm first, the update forms each layer's gradient in cache.
  /// Otherwise every weight gradient is formed here, and measured when `measure`, clipping
  /// or the failed bound needs it; the step diverges when the loss or that norm is not
  /// finite. Either way the same steps diverge.
  private func checkDivergence(loss: Double, rows: Int, update: Bool, measure: Bool) -> GradientState {
    let bounded =
      loss.isFinite && weightGradientsAreBounded(workspace) && slopeGradientsAreFinite
      && (!hasNormalization || normalizationGradientsAreFinite)
    var state = GradientState()
    if update && bounded && !updateStrategy.needsGlobalNorm { return state }
    for index in network.layers.indices {
      weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
    }
    state.formed = true
    if measure {
      state.sums = parameters.map { gradientSums($0.gradient.pointer, count: $0.count) }
      state.norm = state.sums.reduce(0) { $0 + $1.squares }.squareRoot()
    } else if updateStrategy.needsGlobalNorm || !bounded {
      var squares = 0.0
      for parameter in parameters { squares += gradientSums(parameter.gradient.pointer, count: parameter.count).squares }
      state.norm = squares.squareRoot()
    }
    if !loss.isFinite {
      state.divergence = "loss is \(describe(loss))"
    } else if !state.norm.isFinite && !bounded {
      state.divergence = "gradient norm is \(describe(state.norm))"
    }
    return state
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

  /// The fraction of the batch's rows classified correctly (nan for regression).
  private func batchAccuracy(rows: Int) -> Double {
    guard case .classes = data.targets else { return .nan }
    let correct = workspace.labels.withUnsafeBufferPointer {
      correctPredictions(
        outputs: workspace.activations[network.layerCount - 1].pointer, labels: $0.baseAddress!,
        rows: rows, width: plan.network.outputSize)
    }
    return Double(correct) / Double(rows)
  }

  /// Evaluates the data set without checking it (the caller did).
  func evaluateUnchecked(_ data: Dataset) -> Evaluation { evaluator.evaluate(data) }
}
