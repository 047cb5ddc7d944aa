import Foundation
import GradKernels
import SweepResults
import SweepSpec
import Testing
import TidyCSV

@testable import SweepRunner

/// The scheduler called in-process (`SweepScheduler.run`): what the thread sanitizer
/// checks in `.ci/run`, and the guarantees that do not need the command line.
@Suite("Scheduler", .serialized)
struct SchedulerTests {
  /// 12 small runs: 3 activations × 2 depths × 2 replicates.
  static let sweep = """
    name: tiny
    seed: 7
    replicates: 2
    data: {name: spirals, samples: 200, classes: 3, noise: 0.1, validation: 0.25}
    model: {width: 8, depth: 2, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 16, epochs: 2}
    log: {every: 3}
    sweep:
      grid:
        model.activation: [tanh, relu, sigmoid]
        model.depth: [1, 3]
    """

  @Test func resultsDoNotDependOnTheNumberOfJobs() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan(Self.sweep, in: dir)
    let one = try runSweep(plan, into: dir.appendingPathComponent("one"), jobs: 1)
    let two = try runSweep(plan, into: dir.appendingPathComponent("two"), jobs: 2)
    let four = try runSweep(plan, into: dir.appendingPathComponent("four"), jobs: 4)
    #expect(one.statuses.count == 12 && one.completed == 12)
    #expect(two.statuses.count == 12 && four.statuses.count == 12)
    let a = try runContents(one.resultsFolder)
    #expect(a.count == 12 * 4)
    #expect(a == (try runContents(two.resultsFolder)))
    #expect(a == (try runContents(four.resultsFolder)))
    #expect(one.exitStatus.rawValue == 0)
  }

  /// Wide enough layers (96 units, batches of 64) that every hidden product has three
  /// column panels; logged every step, so the measured updates are split too.
  static let wideSweep = """
    name: wide
    seed: 11
    data: {name: spirals, samples: 400, classes: 3, noise: 0.2, validation: 0.25}
    model: {width: 96, depth: 3, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.05, batch_size: 64, epochs: 2}
    log: {every: 1}
    """

  /// Idle cores: a sweep of one run with 2 jobs (the second worker parks at once and
  /// takes column parts of every product, forced by a zero size threshold), and a sweep
  /// whose tail is one run, write the bytes of the same sweeps with 1 job.
  @Test func idleWorkersSplitProductsWithoutChangingABit() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let single = try loadPlan(Self.wideSweep, in: dir)
    let tail = try loadPlan(Self.wideSweep + "\nsweep:\n  grid:\n    model.depth: [1, 3]\n", in: dir)
    for (name, plan) in [("single", single), ("tail", tail)] {
      let one = try runSweep(plan, into: dir.appendingPathComponent("\(name)-1"), jobs: 1)
      let two = try runSweep(plan, into: dir.appendingPathComponent("\(name)-2"), jobs: 2, splitMinimumWork: 0)
      #expect(one.completed == plan.runs.count && two.completed == plan.runs.count)
      #expect(one.splitProducts == 0, "\(name): one job has no idle worker")
      #expect(try runContents(one.resultsFolder) == (try runContents(two.resultsFolder)), "\(name)")
      if name == "single" {
        #expect(two.splitProducts > 10, "\(name): \(two.splitProducts) products split")
      }
    }
  }

  @Test func resumeRedoesWhatIsMissingAndRetriesOnlyWhatItIsTold() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan(Self.sweep, in: dir)
    let out = dir.appendingPathComponent("out")
    let first = try runSweep(plan, into: out, jobs: 2)
    let original = try runContents(first.resultsFolder)
    let layout = ResultsLayout(root: first.resultsFolder)
    let ids = plan.runs.map(\.id)
    func mark(_ id: String, _ status: RunStatus) throws {
      try status.jsonData().write(to: layout.runFolder(id).appendingPathComponent("status.json"))
    }
    try FileManager.default.removeItem(at: layout.runFolder(ids[0]))  // missing
    try mark(ids[1], RunStatus(status: .interrupted, steps: 3, error: "interrupted by the user"))
    try mark(ids[2], RunStatus(status: .failed, steps: 0, error: "disk hiccup"))
    try mark(ids[3], RunStatus(status: .diverged, steps: 5, divergedAtStep: 5, error: "loss is nan"))
    try mark(ids[4], RunStatus(status: .stalled, steps: 9))

    let resumed = try runSweep(plan, into: out, jobs: 2, resume: true)
    #expect(Set(resumed.statuses.keys) == [ids[0], ids[1]], "missing and interrupted runs are redone")
    #expect(resumed.kept == 10, "failed, diverged and stalled runs are kept")

    let retried = try runSweep(plan, into: out, jobs: 2, resume: true, retryFailed: true)
    #expect(Set(retried.statuses.keys) == [ids[2]])
    let diverged = try runSweep(plan, into: out, jobs: 2, resume: true, retryDiverged: true)
    #expect(Set(diverged.statuses.keys) == [ids[3]])

    // Every redone run is the original, bit for bit; the stalled one was kept as marked.
    var now = try runContents(first.resultsFolder)
    #expect(now["\(ids[4])/status.json"]?.contains("stalled") == true)
    now["\(ids[4])/status.json"] = original["\(ids[4])/status.json"]
    #expect(now == original)
  }

  @Test func aChangedConfigIsNotKeptByResume() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let plan = try loadPlan(Self.sweep, in: dir)
    try runSweep(plan, into: out, jobs: 2)
    // Same run ids would need the same config; a different learning rate makes new runs.
    let changed = try loadPlan(Self.sweep.replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 0.2"), in: dir)
    let resumed = try runSweep(changed, into: out, jobs: 2, resume: true)
    #expect(resumed.kept == 0)
    #expect(resumed.statuses.count == 12)
  }

  @Test func aModelTooLargeForMemoryIsRefusedBeforeAnythingIsWritten() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan("""
      name: big
      data: {name: spirals, samples: 100}
      model: {width: 8, depth: 2}
      training: {epochs: 1}
      sweep:
        grid:
          model.width: [8, 256]
      """, in: dir)
    let out = dir.appendingPathComponent("out")
    // 256 wide: 2·256 + 256² + 256·3 weights + 515 biases ≈ 67 k parameters × 8 bytes
    // (SGD: weights and gradients) = 0.5 MiB, plus batch and evaluation buffers
    // (evaluation: 256 rows × 3·256 floats = 0.75 MiB) and the products' packing scratch
    // (GemmScratch: ≈ 0.2 MiB for 256 × 256 × 256) ≈ 1.7 MiB; the 8-wide model needs far less.
    #expect {
      try runSweep(plan, into: out, jobs: 1, memoryLimit: 256 * 1024)
    } throws: { error in
      guard case .tooLarge(let text) = error as? SchedulerError else { return false }
      let run = plan.runs.first { $0.config.model.width == 256 }!
      return text.hasPrefix(dir.appendingPathComponent("sweep.yaml").path + ":7:22: error: ")  // the 256 in the grid
        && text.contains("run \(run.id) needs 1.7 MiB of memory")
        && text.contains("more than the 0.2 MiB this machine has")
        && !text.contains(plan.runs.first { $0.config.model.width == 8 }!.id)
    }
    #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
  }

  @Test func anOutputFolderUnderARegularFileIsAClearError() throws {
    // ENOTDIR stops root too, unlike permissions.
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let plan = try loadPlan(Self.sweep, in: dir)
    #expect {
      try runSweep(plan, into: file.appendingPathComponent("out"), jobs: 1)
    } throws: { error in
      guard case .cannotWrite(let path, let reason) = error as? SchedulerError else { return false }
      return path.hasSuffix("a-file/out/tiny") && reason == "Not a directory"
        && (error as! SchedulerError).description.contains("then rerun with --resume")
    }
  }

  @Test func provenanceNamesTheBuildTheMachineTheFileTheConfigAndTheSeeds() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan(Self.sweep, in: dir)
    let outcome = try runSweep(plan, into: dir.appendingPathComponent("out"), jobs: 2)
    let sweepLevel = try Provenance.read(from: outcome.resultsFolder.appendingPathComponent("provenance.json"))
    #expect(sweepLevel.environment.sweepSHA256 == SHA256.hex(Array(Self.sweep.utf8)))
    #expect(sweepLevel.environment.sweepFile == dir.appendingPathComponent("sweep.yaml").standardizedFileURL.path)
    #expect(sweepLevel.environment.swiftVersion.hasPrefix("Swift 6"))
    #expect(!sweepLevel.environment.operatingSystem.isEmpty && !sweepLevel.environment.cpu.isEmpty)
    #expect(sweepLevel.environment.kernelFamily == KernelFamily.active.rawValue)
    #expect(sweepLevel.environment.gradsweepVersion == "test")
    #expect(sweepLevel.seeds == nil)

    for run in plan.runs {
      let folder = ResultsLayout(root: outcome.resultsFolder).runFolder(run.id)
      let provenance = try Provenance.read(from: folder.appendingPathComponent("provenance.json"))
      #expect(provenance.environment == sweepLevel.environment)
      let config = try Data(contentsOf: folder.appendingPathComponent("config.yaml"))
      #expect(provenance.configSHA256 == SHA256.hex(Array(config)))
      let seeds = try require(provenance.seeds, "seeds")
      #expect(seeds.run == run.config.seed)
      #expect(seeds.data == 7, "replicates share the sweep seed's data")
      #expect(Set([seeds.initialization, seeds.shuffling, seeds.dropout]).count == 3, "independent streams")
      let layers = try require(provenance.layers, "layers")
      #expect(layers.map(\.layer) == Array(1...(run.config.model.depth + 1)))
      #expect(layers.first?.fanIn == 2 && layers.last?.fanOut == 3)
      #expect(layers.allSatisfy { !$0.formula.isEmpty && $0.weightStd > 0 && $0.weightStd.isFinite })
    }
  }

  @Test func aRunWhoseLossStopsMovingIsStalledAndKeptByResume() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A 12-layer sigmoid net with Glorot's "standard" init: the gradient reaching the
    // first layers vanishes and the loss sits at ln 3 (three balanced classes).
    let plan = try loadPlan("""
      name: flat
      seed: 1
      data: {name: spirals, samples: 600, classes: 3, noise: 0.2, validation: 0.2}
      model: {width: 16, depth: 12, activation: sigmoid, initializer: standard}
      training: {optimizer: sgd, learning_rate: 0.05, batch_size: 32, epochs: 30}
      log: {every: 10}
      sweep:
        grid:
          training.stall: [null, {window: 5, min_improvement: 0.02}]
      """, in: dir)
    let out = dir.appendingPathComponent("out")
    let outcome = try runSweep(plan, into: out, jobs: 2)
    #expect(outcome.exitStatus.rawValue == 0, "stalled is a result")
    let layout = ResultsLayout(root: outcome.resultsFolder)
    let full = try require(plan.runs.first { $0.config.training.stall == nil }, "run without stall")
    let stopped = try require(plan.runs.first { $0.config.training.stall != nil }, "run with stall")
    #expect(outcome.statuses[full.id]?.status == .completed)
    #expect(outcome.statuses[full.id]?.steps == 450)  // 480 rows / 32 = 15 updates × 30 epochs
    let status = try require(outcome.statuses[stopped.id], "status")
    #expect(status.status == .stalled)
    #expect(status.error == nil && status.divergedAtStep == nil)
    let steps = try require(status.steps, "steps")
    #expect(steps > 50 && steps < 450, "stopped early, after at least window + 1 records")

    // The logs end at the logged step that fired the rule; the record of step t comes
    // with update t + 1, so the run stopped after last + 1 updates.
    let metrics = try CSVTable(contentsOf: layout.runFolder(stopped.id).appendingPathComponent("metrics.csv"))
    let loggedSteps = try metrics.numbers("step").map { Int($0!) }
    #expect(loggedSteps.last == steps - 1 && loggedSteps.last! % 10 == 0)
    // The same numbers as the full run up to there: the rule only stops, never alters.
    let fullMetrics = try CSVTable(contentsOf: layout.runFolder(full.id).appendingPathComponent("metrics.csv"))
    #expect(try metrics.column("loss") == Array(try fullMetrics.column("loss").prefix(loggedSteps.count)))
    // Final losses evaluated on the stopped network: ln 3 ≈ 1.0986, chance accuracy.
    #expect(abs((status.finalLoss ?? 0) - log(3)) < 0.01)
    #expect(abs((status.finalValAccuracy ?? 0) - 1.0 / 3) < 0.05)

    let resumed = try runSweep(plan, into: out, jobs: 2, resume: true, retryFailed: true, retryDiverged: true)
    #expect(resumed.kept == 2 && resumed.statuses.isEmpty)
  }
}
