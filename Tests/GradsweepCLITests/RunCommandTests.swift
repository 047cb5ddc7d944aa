import Foundation
import Testing
import TidyCSV

/// End-to-end: the real executable on small sweeps, results read back with a CSV parser.
@Suite("gradsweep run", .serialized)
struct RunCommandTests {
  static let smallSweep = """
    name: small
    seed: 3
    replicates: 2
    data: {name: spirals, samples: 300, classes: 3, noise: 0.1, validation: 0.2}
    model: {width: 8, depth: 2, activation: sigmoid, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 32, epochs: 3}
    log: {every: 5}
    sweep:
      grid:
        model.activation: [sigmoid, relu]
        model.depth: [1, 3]
    """

  @Test func writesTheResultsContract() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.smallSweep, in: dir)
    let result = try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let root = dir.appendingPathComponent("out/small")
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("sweep.yaml").path))
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("report.md").path))
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("report.html").path))

    let summary = try CSVTable(contentsOf: root.appendingPathComponent("summary.csv"))
    #expect(summary.rows.count == 8)  // 2 activations × 2 depths × 2 replicates
    #expect(Array(summary.header.prefix(3)) == ["run_id", "model.activation", "model.depth"])
    #expect(Array(summary.header.dropFirst(3)) == [
      "seed", "status", "steps", "final_loss", "final_accuracy", "final_val_loss", "final_val_accuracy",
      "best_val_accuracy", "grad_ratio_init", "grad_ratio_final", "seconds",
      "predicted_grad_ratio_init", "chi1", "q_star", "xi_c", "test_loss", "test_accuracy",
      "jacobian_eig_mean_init", "jacobian_eig_var_init", "jacobian_sv_max_init", "jacobian_eig_var_rel_init",
    ])
    #expect(Set(try summary.column("seed")) == ["3", "4"])
    #expect(Set(try summary.column("status")) == ["completed"])

    for id in try summary.column("run_id") {
      let run = root.appendingPathComponent("runs/\(id)")
      let metrics = try CSVTable(contentsOf: run.appendingPathComponent("metrics.csv"))
      // The contract's columns, in order, then the learning rate of the next update.
      #expect(metrics.header == ["step", "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "grad_norm", "elapsed_s", "learning_rate"])
      #expect(try metrics.numbers("learning_rate").allSatisfy { $0 == 0.1 })
      let steps = try metrics.numbers("step").map { Int($0!) }
      // 240 training rows / 32 = 8 updates per epoch, 3 epochs: steps 0, 5, ..., 20 and the final 24.
      #expect(steps == [0, 5, 10, 15, 20, 24])
      #expect(try metrics.numbers("val_accuracy").allSatisfy { $0 != nil && (0...1).contains($0!) })

      let layers = try CSVTable(contentsOf: run.appendingPathComponent("layers.csv"))
      let row = try #require(summary.records.first { $0["run_id"] == id })
      let depth = try #require(Int(row["model.depth"] ?? ""))
      let atInit = layers.records.filter { $0["step"] == "0" }.map { Int($0["layer"]!)! }
      #expect(atInit == Array(1...(depth + 1)))  // hidden layers, then the output layer

      let status = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("status.json"))) as! [String: Any]
      #expect(status["status"] as? String == "completed")
      #expect(status["steps"] as? Int == 24)
      #expect(status.keys.contains("diverged_at_step"))

      let config = try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8)
      #expect(config.contains("seed:"))
    }
  }

  @Test func numbersDoNotDependOnJobs() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.smallSweep, in: dir)
    let one = try CommandHarness.run(["run", sweep.path, "--out", "one", "--jobs", "1", "--quiet"], in: dir)
    let two = try CommandHarness.run(["run", sweep.path, "--out", "two", "--jobs", "2", "--quiet"], in: dir)
    #expect(one.status == 0 && two.status == 0)
    let a = dir.appendingPathComponent("one/small"), b = dir.appendingPathComponent("two/small")
    #expect(try CommandHarness.summaryWithoutTimes(a) == CommandHarness.summaryWithoutTimes(b))
    let logsA = try CommandHarness.runLogsWithoutTimes(a), logsB = try CommandHarness.runLogsWithoutTimes(b)
    #expect(logsA.count == 16)
    #expect(logsA == logsB)
  }

  @Test func divergedRunIsRecordedAndTheSweepGoesOn() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep("""
      name: boom
      data: {name: spirals, samples: 200}
      model: {width: 16, depth: 3, activation: relu, initializer: he_normal}
      training: {optimizer: sgd, batch_size: 20, epochs: 5}
      sweep:
        grid:
          training.learning_rate: [0.05, 1.0e+6]
      """, in: dir)
    let result = try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "diverged runs are results, not failures: \(result.stderr)")
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/boom/summary.csv"))
    let byRate = Dictionary(uniqueKeysWithValues: summary.records.map { ($0["training.learning_rate"]!, $0) })
    #expect(byRate["0.05"]?["status"] == "completed")
    let diverged = try #require(byRate.first { $0.key != "0.05" }?.value)
    #expect(diverged["status"] == "diverged")
    let status = try JSONSerialization.jsonObject(
      with: Data(contentsOf: dir.appendingPathComponent("out/boom/runs/\(diverged["run_id"]!)/status.json"))) as! [String: Any]
    #expect(status["diverged_at_step"] is Int)
  }

  @Test func existingResultsNeedResumeOrForce() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.smallSweep, in: dir)
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let again = try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir)
    #expect(again.status != 0)
    #expect(again.stderr.contains("--resume"))
    #expect(again.stderr.contains("--force"))
    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume"], in: dir)
    #expect(resumed.status == 0)
    #expect(resumed.stdout.contains("0 runs trained"))
    #expect(resumed.stdout.contains("8 kept"))
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "out", "--force", "--quiet"], in: dir).status == 0)
  }

  @Test func invalidFileCreatesNothing() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep("""
      name: bad
      model: {activation: sigmiod}
      """, in: dir)
    let result = try CommandHarness.run(["run", sweep.path, "--out", "out"], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("sweep.yaml:2:"))
    #expect(result.stderr.contains("did you mean 'sigmoid'"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  /// A sweep whose runs take long enough to be killed in the middle.
  static let slowSweep = """
    name: slow
    seed: 5
    data: {name: spirals, samples: 1000, validation: 0.2}
    model: {width: 32, depth: 4, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.05, batch_size: 16, epochs: 8}
    log: {every: 20}
    sweep:
      grid:
        model.depth: [2, 3, 4, 5, 6, 7]
    """

  @Test func resumeAfterKillNineEqualsAnUninterruptedRun() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.slowSweep, in: dir)
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "whole", "--quiet"], in: dir).status == 0)

    let (child, _, _) = try CommandHarness.start(["run", sweep.path, "--out", "killed", "--jobs", "1", "--quiet"], in: dir)
    let runs = dir.appendingPathComponent("killed/slow/runs")
    let deadline = Date().addingTimeInterval(120)
    func finishedRuns() -> Int {
      ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter { !$0.hasPrefix(".") }.count
    }
    while finishedRuns() < 2 && child.isRunning && Date() < deadline { usleep(20_000) }
    #expect(child.isRunning, "the sweep finished before it could be killed; make slowSweep slower")
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    let partial = finishedRuns()
    #expect(partial >= 2 && partial < 6)

    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "killed", "--resume", "--quiet"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(try CommandHarness.summaryWithoutTimes(dir.appendingPathComponent("killed/slow"))
      == CommandHarness.summaryWithoutTimes(dir.appendingPathComponent("whole/slow")))
    // No leftovers of the killed process.
    #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasPrefix(".tmp") }.isEmpty)
  }

  @Test func ctrlCStopsPolitelyAndResumeCompletes() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.slowSweep, in: dir)
    let (child, _, _) = try CommandHarness.start(["run", sweep.path, "--out", "out", "--jobs", "1", "--quiet"], in: dir)
    let runs = dir.appendingPathComponent("out/slow/runs")
    let deadline = Date().addingTimeInterval(120)
    while ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter({ !$0.hasPrefix(".") }).count < 1
      && child.isRunning && Date() < deadline
    {
      usleep(20_000)
    }
    kill(child.processIdentifier, SIGINT)
    child.waitUntilExit()
    #expect(child.terminationStatus == 130)
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/slow/summary.csv"))
    #expect(summary.rows.count >= 1 && summary.rows.count < 6)
    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume", "--quiet"], in: dir)
    #expect(resumed.status == 0)
    let done = try CSVTable(contentsOf: dir.appendingPathComponent("out/slow/summary.csv"))
    #expect(done.rows.count == 6)
    #expect(Set(try done.column("status")) == ["completed"])
  }
}
