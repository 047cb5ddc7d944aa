/// The learning rate as a function of the update number, η_t for update t + 1
/// (t = 0, 1, …, T − 1 updates applied before it), with η the optimizer's learning rate,
/// η_min = `minLearningRate` and T the training's total updates:
///
/// - `constant`:      η_t = η
/// - `step`:          η_t = η · γ^⌊t / S⌋,   S = `stepSize` (in updates, not epochs)
/// - `cosine`:        η_t = η_min + ½(η − η_min)(1 + cos(π · min(t, T) / T))
/// - `warmup_cosine`: η_t = η · (t + 1) / W for t < W (W = `warmupSteps`; the first
///                    update uses η/W, update W uses η), then the cosine over the
///                    remaining T − W updates: t → t − W, T → T − W
///
/// Properties: a deterministic function of (t, T) evaluated with IEEE arithmetic only
/// (γ^k by repeated squaring, the cosine by a fixed polynomial), so the same bits on
/// every machine; `constant` returns η itself, so a constant schedule trains bitwise as
/// before schedules existed. The cosine's last update (t = T − 1) uses a little more
/// than η_min, as PyTorch's `CosineAnnealingLR` with `T_max = T`; beyond T (a session
/// stepped past its plan) it stays at η_min.
package struct LearningRateSchedule: Sendable, Equatable {
  /// YAML `training.schedule`, default `constant`.
  package var kind: ScheduleKind
  /// S of `step`, in updates (YAML `training.step_size`, ≥ 1). nil: ⌈T/3⌉, so the rate
  /// is multiplied by γ twice during the training (the classic ÷10 at ⅓ and ⅔).
  package var stepSize: Int?
  /// γ of `step` (YAML `training.gamma`, in (0, 1], default 0.1).
  package var gamma: Double
  /// η_min of `cosine` and `warmup_cosine` (YAML `training.min_learning_rate`,
  /// in [0, learning rate], default 0).
  package var minLearningRate: Double
  /// W of `warmup_cosine`, in updates (YAML `training.warmup_steps`, ≥ 0; 0 is plain
  /// cosine). nil: ⌈T/10⌉.
  package var warmupSteps: Int?

  package init(
    _ kind: ScheduleKind = .constant, stepSize: Int? = nil, gamma: Double = 0.1,
    minLearningRate: Double = 0, warmupSteps: Int? = nil
  ) {
    self.kind = kind
    self.stepSize = stepSize
    self.gamma = gamma
    self.minLearningRate = minLearningRate
    self.warmupSteps = warmupSteps
  }

  /// S for a training of `totalSteps` updates: `stepSize`, or ⌈T/3⌉ (at least 1).
  package func resolvedStepSize(totalSteps: Int) -> Int {
    stepSize ?? max(1, (totalSteps + 2) / 3)
  }

  /// W for a training of `totalSteps` updates: `warmupSteps`, or ⌈T/10⌉.
  package func resolvedWarmupSteps(totalSteps: Int) -> Int {
    warmupSteps ?? (totalSteps + 9) / 10
  }

  /// η_t: the learning rate of the update that follows `step` updates.
  package func learningRate(at step: Int, base: Double, totalSteps: Int) -> Double {
    let t = max(step, 0)
    switch kind {
    case .constant:
      return base
    case .step:
      return base * power(gamma, t / resolvedStepSize(totalSteps: totalSteps))
    case .cosine:
      return cosineAnnealing(t, over: totalSteps, base: base)
    case .warmupCosine:
      let warmup = resolvedWarmupSteps(totalSteps: totalSteps)
      if t < warmup { return base * Double(t + 1) / Double(warmup) }
      return cosineAnnealing(t - warmup, over: totalSteps - warmup, base: base)
    }
  }

  private func cosineAnnealing(_ t: Int, over total: Int, base: Double) -> Double {
    guard total > 0 else { return base }
    let progress = Double(min(t, total)) / Double(total)
    return minLearningRate + 0.5 * (base - minLearningRate) * (1 + cosineOfPiTimes(progress))
  }

  /// Checks the parameters' ranges (all of them, whichever kind uses them, so a value
  /// out of range is caught even before it matters); η_min ≤ η only for the cosines.
  package func validate(learningRate: Double) throws(EngineError) {
    func require(_ ok: Bool, _ message: String) throws(EngineError) { if !ok { throw EngineError(message) } }
    if let stepSize { try require(stepSize >= 1, "step_size must be ≥ 1, not \(stepSize)") }
    try require(gamma.isFinite && gamma > 0 && gamma <= 1, "gamma must be in (0, 1], not \(gamma)")
    try require(
      minLearningRate.isFinite && minLearningRate >= 0, "min_learning_rate must be ≥ 0, not \(minLearningRate)")
    if let warmupSteps { try require(warmupSteps >= 0, "warmup_steps must be ≥ 0, not \(warmupSteps)") }
    if kind == .cosine || kind == .warmupCosine {
      try require(
        minLearningRate <= learningRate,
        "min_learning_rate (\(minLearningRate)) must not exceed the learning rate (\(learningRate))")
    }
  }
}

extension TrainingPlan {
  /// η_t of this plan on a training set of `trainingCount` examples (see `LearningRateSchedule`).
  package func learningRate(at step: Int, trainingCount: Int) -> Double {
    schedule.learningRate(
      at: step, base: optimizer.learningRate, totalSteps: totalSteps(trainingCount: trainingCount))
  }
}

/// xⁿ for n ≥ 0 by repeated squaring (exact operation order, no libm).
func power(_ x: Double, _ n: Int) -> Double {
  var result = 1.0, base = x, e = n
  while e > 0 {
    if e & 1 == 1 { result *= base }
    base *= base
    e >>= 1
  }
  return result
}

/// cos(πu) for u ∈ [0, 1], as −sin(π(u − ½)) by its Taylor polynomial to degree 23 on
/// [−π/2, π/2] (truncation < 10⁻²⁰): IEEE additions and multiplications in a fixed
/// order, so the same bits on every machine (libm's cos may differ in the last ulp).
func cosineOfPiTimes(_ u: Double) -> Double {
  let y = Double.pi * (min(max(u, 0), 1) - 0.5)
  let y2 = y * y
  // sin y = y(1 − y²/(2·3)(1 − y²/(4·5)(1 − …))), nested from the highest term.
  var series = 1.0
  var k = 23
  while k >= 3 {
    series = 1 - y2 / Double((k - 1) * k) * series
    k -= 2
  }
  return -(y * series)
}
