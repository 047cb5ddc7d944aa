/// Trains a network from scratch on `data` following `plan`.
///
/// The schedule:
/// - **Batches.** Each epoch visits the training set in a fresh order: the identity
///   permutation shuffled by `shuffling` (Fisher–Yates, `Xoshiro256.shuffle`), cut into
///   ⌈count / batchSize⌉ consecutive batches; the last batch of an epoch is the
///   remainder (smaller, not dropped). `.steps(n)` continues across epochs.
/// - **Logging.** A record (`StepRecord` plus `LayerStatistics` for layers 1…L+1) at
///   step 0 (before any update: the first batch's loss, accuracy and gradients), at
///   every multiple of `logEvery`, and at the final step T, which takes one more batch
///   for a forward/backward pass without an update. A record of step t describes the
///   network after t updates on the batch of update t + 1, and that update's
///   ‖ΔW‖/‖W‖. With `validateAtLogSteps`, the whole validation set is evaluated at each
///   record. Logging never changes the trajectory: a run logged every step and one
///   logged only at 0 and T apply bitwise identical updates.
/// - **Stopping.** `observer.stopRequest()` is polled before each update: `.interrupt`
///   → `.interrupted(atStep:)`, with t updates applied; the final losses are then nan,
///   to stop quickly. `.stall(reason:)` → `.stalled(atStep:reason:)`, a result: its
///   final losses are evaluated as for a completed training. A NaN or ±∞ batch loss or gradient stops the training before
///   that update (→ `.diverged(atStep:reason:)`); that step's record is logged too. A
///   non-finite loss at the final record also reports `.diverged`.
/// - **Result.** Loss and accuracy over the whole training and validation sets after
///   the last update (forward passes in chunks of 256 rows), over the test set when one
///   is given and the training is a result (completed or stalled), and each layer's
///   initial weight standard deviation.
///
/// Deterministic: a fixed summation order, so the same plan, data and generator states
/// give the same bits. It trains on the calling thread; when that thread lends to a
/// `CoreBudget` (a sweep's run with idle workers beside it), large products are split by
/// columns across them, which changes no bit (GradKernels/ParallelGemm.swift).
///
/// A plan with dropout needs `train(_:on:validation:initialization:shuffling:dropout:observer:)`;
/// this form throws `EngineError` for it (every other plan trains identically in both).
///
/// - Parameters:
///   - initialization: draws the initial weights and biases.
///   - shuffling: draws the mini-batch order (a fresh permutation each epoch).
///   - observer: receives every logged step; its `stopRequest()` is polled before each update.
/// - Throws: `EngineError` (before anything is drawn) when the plan cannot train on this
///   data; otherwise only what the observer throws (e.g. a disk error). Divergence is an
///   outcome, not an error.
package func train<Observer: TrainingObserver>(
  _ plan: TrainingPlan, on data: Dataset, validation: Dataset?,
  initialization: inout Xoshiro256, shuffling: inout Xoshiro256,
  observer: inout Observer
) throws -> TrainingResult {
  let validated = try plan.validated(for: data, validation: validation)
  let session = try TrainingSession(validated: validated, initialization: &initialization)
  return try session.run(validated.validation, test: nil, shuffling: &shuffling, observer: &observer)
}

/// `train(_:on:validation:initialization:shuffling:observer:)` with the stream of the
/// dropout masks: a training step draws ⌈rows·width/2⌉ numbers per hidden layer from
/// `dropout` (see `drawDropoutMask`), the final record's pass one more set; nothing when
/// the plan has no dropout, so passing the run's `SeedStreams.generator(for: .dropout)`
/// always is correct and changes nothing for plans without dropout.
///
/// - Parameter test: a held-out set evaluated once at the end of a training that is a
///   result (`TrainingResult.test`); checked against the network like the others.
package func train<Observer: TrainingObserver>(
  _ plan: TrainingPlan, on data: Dataset, validation: Dataset?, test: Dataset? = nil,
  initialization: inout Xoshiro256, shuffling: inout Xoshiro256, dropout: inout Xoshiro256,
  observer: inout Observer
) throws -> TrainingResult {
  let validated = try plan.validated(for: data, validation: validation)
  if let test { try validated.check(test, role: "test") }
  let session = try TrainingSession(validated: validated, initialization: &initialization, dropout: dropout)
  defer { dropout = session.dropoutGenerator }
  return try session.run(validated.validation, test: test, shuffling: &shuffling, observer: &observer)
}

extension TrainingPlan {
  /// Updates per epoch: ⌈count / batchSize⌉.
  package func updatesPerEpoch(trainingCount: Int) -> Int {
    max(1, (trainingCount + batchSize - 1) / batchSize)
  }

  /// Total updates T of a training on `trainingCount` examples.
  package func totalSteps(trainingCount: Int) -> Int {
    switch length {
    case .epochs(let epochs): epochs * updatesPerEpoch(trainingCount: trainingCount)
    case .steps(let steps): steps
    }
  }

  /// Whether step t (of T) is logged: 0, multiples of `logEvery`, and T.
  package func isLogged(step: Int, totalSteps: Int) -> Bool {
    step == 0 || step == totalSteps || (logEvery > 0 && step % logEvery == 0)
  }
}

/// The batch order of a training: epoch by epoch, each a shuffled identity permutation.
struct BatchSchedule {
  let batchSize: Int
  private(set) var order: [Int]
  private var position: Int

  init(count: Int, batchSize: Int, shuffling: inout Xoshiro256) {
    self.batchSize = batchSize
    order = Array(0..<count)
    shuffling.shuffle(&order)
    position = 0
  }

  /// The range of `order` holding the next batch (a new epoch's order when one ends).
  mutating func next(shuffling: inout Xoshiro256) -> Range<Int> {
    if position >= order.count {
      for i in order.indices { order[i] = i }
      shuffling.shuffle(&order)
      position = 0
    }
    let end = min(position + batchSize, order.count)
    defer { position = end }
    return position..<end
  }
}

extension TrainingSession {
  /// Runs the whole schedule of `plan` (see `train(_:on:…)`); `validation` is checked
  /// against the network (the plan was checked when the session started).
  package func run<Observer: TrainingObserver>(
    validation: Dataset?, shuffling: inout Xoshiro256, observer: inout Observer
  ) throws -> TrainingResult {
    if let validation { try validated.check(validation, role: "validation") }
    return try run(validation, test: nil, shuffling: &shuffling, observer: &observer)
  }

  /// `run(validation:shuffling:observer:)` on checked sets, evaluating `test` at the end
  /// of a training that is a result.
  func run<Observer: TrainingObserver>(
    _ validation: Dataset?, test: Dataset?, shuffling: inout Xoshiro256, observer: inout Observer
  ) throws -> TrainingResult {
    let initialWeightStd = network.weightStandardDeviations()
    let perEpoch = plan.updatesPerEpoch(trainingCount: data.count)
    let total = totalSteps
    let validationSet = plan.validateAtLogSteps ? validation : nil
    var schedule = BatchSchedule(count: data.count, batchSize: plan.batchSize, shuffling: &shuffling)
    var outcome = TrainingOutcome.completed

    func emit(_ step: Int, _ result: StepOutcome) throws {
      var record = StepRecord(
        step: step, epoch: Double(step) / Double(perEpoch), loss: result.loss,
        accuracy: result.accuracy, validationLoss: result.validation?.loss,
        validationAccuracy: result.validation?.accuracy, gradientNorm: result.gradientNorm,
        learningRate: result.learningRate)
      record.jacobian = result.jacobian
      try observer.record(record, layers: result.layers)
    }

    let startStep = updatesApplied
    var step = 0
    while step < total {
      if let request = observer.stopRequest() {
        outcome = request.outcome(atStep: updatesApplied)
        break
      }
      let range = schedule.next(shuffling: &shuffling)
      let logged = plan.isLogged(step: step, totalSteps: total)
      let result = schedule.order.withUnsafeBufferPointer { order in
        performStep(
          UnsafeBufferPointer(rebasing: order[range]), update: true, collect: logged,
          validation: logged ? validationSet : nil)
      }
      if let reason = result.divergence {
        var record = result
        if !logged {
          // Repeat the pass with statistics for the record (no update; same numbers,
          // with the same dropout masks).
          record = schedule.order.withUnsafeBufferPointer { order in
            performStep(
              UnsafeBufferPointer(rebasing: order[range]), update: false, collect: true,
              validation: validationSet, dropout: .reuse)
          }
        }
        try emit(step, record)
        outcome = .diverged(atStep: step, reason: reason)
        break
      }
      if logged { try emit(step, result) }
      step += 1
    }

    if outcome == .completed {
      let range = schedule.next(shuffling: &shuffling)
      let final = schedule.order.withUnsafeBufferPointer { order in
        performStep(
          UnsafeBufferPointer(rebasing: order[range]), update: false, collect: true,
          validation: validationSet)
      }
      try emit(total, final)
      if let reason = final.divergence { outcome = .diverged(atStep: total, reason: reason) }
    }

    var finalTrain = Evaluation(loss: .nan, accuracy: .nan)
    var finalValidation: Evaluation? = nil
    if case .interrupted = outcome {
      finalValidation = validation.map { _ in Evaluation(loss: .nan, accuracy: .nan) }
    } else {
      finalTrain = evaluateUnchecked(data)
      finalValidation = validation.map { evaluateUnchecked($0) }
    }
    let testResult = outcome.isResult ? test.map { evaluateUnchecked($0) } : nil
    return TrainingResult(
      outcome: outcome, steps: updatesApplied - startStep, finalTrainLoss: finalTrain.loss,
      finalTrainAccuracy: finalTrain.accuracy, finalValidationLoss: finalValidation?.loss,
      finalValidationAccuracy: finalValidation?.accuracy, test: testResult, initialWeightStd: initialWeightStd)
  }
}
