/// Trains a network from scratch on `data` following `plan`.
///
/// - Parameters:
///   - initialization: draws the initial weights and biases.
///   - shuffling: draws the mini-batch order (a fresh permutation each epoch).
///   - observer: receives every logged step; its `shouldStop()` is polled before each update.
/// - Throws: only what the observer throws (e.g. a disk error); divergence is an outcome.
public func train<Observer: TrainingObserver>(
  _ plan: TrainingPlan, on data: Dataset, validation: Dataset?,
  initialization: inout Xoshiro256, shuffling: inout Xoshiro256,
  observer: inout Observer
) throws -> TrainingResult {
  fatalError("GradEngine.train is being implemented (issue 2)")
}
