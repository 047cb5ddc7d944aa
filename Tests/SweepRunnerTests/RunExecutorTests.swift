import Foundation
import GradData
import GradEngine
import SweepResults
import SweepSpec
import Testing

@testable import SweepRunner

/// Keeps every record in memory.
private struct Recorder: TrainingObserver {
  var records: [String] = []
  mutating func record(_ step: StepRecord, layers: [LayerStatistics]) throws {
    records.append("\(step) \(layers)")  // text: nan == nan
  }
  func shouldStop() -> Bool { false }
}

@Suite("Run executor")
struct RunExecutorTests {
  /// The executor keeps the engine's session (to evaluate stalled runs), so it repeats
  /// what `GradEngine.train` does; this holds the two equal, with every random stream
  /// in use (initialisation, shuffling, dropout) and batch norm's running statistics.
  @Test func trainsExactlyAsGradEngineTrain() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan("""
      name: same
      seed: 9
      data: {name: moons, samples: 160, validation: 0.25}
      model: {width: 12, depth: 3, activation: relu, initializer: he_normal, dropout: 0.2, normalization: batch}
      training: {optimizer: adam, learning_rate: 0.01, batch_size: 16, epochs: 3}
      log: {every: 2}
      """, in: dir)
    let run = plan.runs[0]
    let catalog = try DataCatalog(plan: plan, runs: plan.runs, sweepSeed: plan.seed)
    let data = try require(catalog[DataCatalog.key(for: run, sweepSeed: plan.seed)], "data")
    let trainingPlan = run.config.trainingPlan(for: data.train)
    let streams = SeedStreams(runSeed: run.config.seed)

    var initialization = streams.generator(for: .initialization)
    var shuffling = streams.generator(for: .shuffling)
    var dropout = streams.generator(for: .dropout)
    var engine = Recorder()
    let expected = try GradEngine.train(
      trainingPlan, on: data.train, validation: data.validation, initialization: &initialization,
      shuffling: &shuffling, dropout: &dropout, observer: &engine)

    initialization = streams.generator(for: .initialization)
    shuffling = streams.generator(for: .shuffling)
    var executor = Recorder()
    let (_, result) = try RunExecutor.train(
      trainingPlan, data: data, initialization: &initialization, shuffling: &shuffling,
      dropout: streams.generator(for: .dropout), observer: &executor)

    #expect("\(result)" == "\(expected)")
    #expect(executor.records.count == engine.records.count)
    let firstDifference = zip(executor.records, engine.records).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    #expect(firstDifference == nil, "record \(firstDifference ?? -1) differs")
    #expect(engine.records.count > 5)
  }
}
