/// The allowed range of every integer a sweep file (or a run's config.yaml) can set,
/// checked when the file loads. Every integer has an upper bound, so arithmetic on
/// user numbers (steps × batches, layer layouts, cost estimates) can never overflow;
/// docs/sweep-file.md states the same ranges.
///
/// Data-set sizes are checked by GradData's `DataLoader.validate` (samples at most
/// 2²⁸ values, teacher at most 4096 wide and 100 deep, …) at the same moment.
package enum Limits {
  /// `model.width` and each of `model.widths`.
  package static let width = 1...65_536
  /// `model.depth` and the length of `model.widths`.
  package static let depth = 0...10_000
  /// `model.residual_every`.
  package static let residualEvery = 1...10_000
  /// `replicates` (a sweep plans at most 100,000 runs anyway).
  package static let replicates = 1...100_000
  /// `log.every`.
  package static let logEvery = 0...1_000_000_000
  /// `training.stall.window`, in logged steps.
  package static let stallWindow = 1...1_000_000
  /// `training.batch_size`.
  package static let batchSize = 1...16_777_216
  /// `training.epochs`.
  package static let epochs = 1...1_000_000
  /// `training.steps`: 0 runs no update and measures the network at initialisation
  /// (an initialisation ensemble, with `replicates`).
  package static let steps = 0...1_000_000_000
  /// `training.step_size`.
  package static let stepSize = 1...1_000_000_000
  /// `training.warmup_steps`.
  package static let warmupSteps = 0...1_000_000_000
  /// Parameter updates of one run (epochs × batches per epoch, or steps): checked for
  /// generated data when the file loads and for file data once its size is known.
  package static let totalSteps = 1_000_000_000
}
