import GradData
import GradEngine
import SweepSpec

/// A planned run with its loaded data and its engine plan, resolved once: the memory
/// check, the queue's cost estimate and the executor all read the same `TrainingPlan`
/// (the engine then checks it once more, against the data, when the training starts).
struct PreparedRun: Sendable {
  let run: PlannedRun
  let data: DataSplit
  /// `run.config.trainingPlan(for: data.train)`: built once per run.
  let plan: TrainingPlan

  init(_ run: PlannedRun, data: DataSplit) {
    self.run = run
    self.data = data
    plan = run.config.trainingPlan(for: data.train)
  }
}
