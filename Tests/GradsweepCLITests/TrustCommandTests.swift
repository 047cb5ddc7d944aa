import Foundation
import SweepResults
import Testing
import TidyCSV

/// The trust features end to end, through the real executable: `status`, `rerun`,
/// `--resume --retry-failed/--retry-diverged`, oversized models, an output folder that
/// stops accepting writes.
@Suite("Trust: status, rerun, retry, bad output", .serialized)
struct TrustCommandTests {
  /// Four runs; the last learning rate diverges.
  static let mixedSweep = """
    name: mixed
    seed: 2
    data: {name: spirals, samples: 200, validation: 0.2}
    model: {width: 8, depth: 2, activation: relu, initializer: he_normal}
    training: {optimizer: sgd, batch_size: 20, epochs: 3}
    log: {every: 5}
    sweep:
      grid:
        training.learning_rate: [0.05, 0.1, 0.2, 1.0e+6]
    """

  /// run id by learning rate, from the summary.
  static func runIDs(_ root: URL) throws -> [String: String] {
    let summary = try CSVTable(contentsOf: root.appendingPathComponent("summary.csv"))
    return Dictionary(uniqueKeysWithValues: summary.records.map { ($0["training.learning_rate"]!, $0["run_id"]!) })
  }

  static func status(_ root: URL, _ id: String) throws -> RunStatus? {
    try RunStatus.read(from: root.appendingPathComponent("runs/\(id)/status.json"))
  }

  @Test func statusListsWhatNeedsAttentionAndResumeRetriesOnlyWhatItIsTold() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.mixedSweep, in: dir)
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let root = dir.appendingPathComponent("out/mixed")
    let ids = try Self.runIDs(root)
    #expect(Set(ids.keys) == ["0.05", "0.1", "0.2", "1000000.0"])
    let divergedID = try #require(ids["1000000.0"])
    let diverged = try #require(try Self.status(root, divergedID))
    #expect(diverged.status == .diverged)
    let originalMetrics = try CommandHarness.runLogsWithoutTimes(root)

    // A failure written by hand (what a crash of the data loader or a full disk leaves),
    // and a run that is missing.
    try RunStatus(status: .failed, steps: 0, error: "simulated: disk hiccup", seconds: 0.1).jsonData()
      .write(to: root.appendingPathComponent("runs/\(ids["0.1"]!)/status.json"))
    try FileManager.default.removeItem(at: root.appendingPathComponent("runs/\(ids["0.2"]!)"))

    let status = try CommandHarness.run(["status", "out/mixed"], in: dir)
    #expect(status.status == 0, "\(status.stderr)")
    let text = status.stdout
    for line in ["  completed    1", "  diverged     1", "  stalled      0", "  failed       1", "  interrupted  0", "  missing      1"] {
      #expect(text.contains(line + "\n"), "\(line) in:\n\(text)")
    }
    #expect(text.contains("failed:\n  \(ids["0.1"]!): simulated: disk hiccup\n"))
    #expect(text.contains("diverged:\n  \(divergedID): at step \(diverged.divergedAtStep!)\n"))
    #expect(text.contains("missing:\n  \(ids["0.2"]!)\n"))
    #expect(text.contains("to finish: gradsweep run \(sweep.standardizedFileURL.path) --out \(dir.appendingPathComponent("out").standardizedFileURL.path) --resume --retry-failed"))

    // --resume: only the missing run; the failed and diverged ones are kept.
    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("1 run trained: 1 completed, 0 diverged, 0 failed; 3 kept from before"))
    #expect(try Self.status(root, ids["0.1"]!)?.status == .failed)

    // --retry-failed: the failed one, which now completes with the original numbers.
    let retried = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume", "--retry-failed"], in: dir)
    #expect(retried.stdout.contains("1 run trained: 1 completed, 0 diverged, 0 failed; 3 kept from before"))
    #expect(try Self.status(root, ids["0.1"]!)?.status == .completed)

    // --retry-diverged: the diverged one, which diverges again at the same step.
    let again = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume", "--retry-diverged"], in: dir)
    #expect(again.stdout.contains("1 run trained: 0 completed, 1 diverged, 0 failed; 3 kept from before"))
    #expect(try Self.status(root, divergedID)?.divergedAtStep == diverged.divergedAtStep)

    #expect(try CommandHarness.runLogsWithoutTimes(root) == originalMetrics, "every redone run is bit-identical")
    let done = try CommandHarness.run(["status", "out/mixed"], in: dir)
    #expect(done.stdout.contains("  missing      0\n") && !done.stdout.contains("to finish"))
    #expect(try CommandHarness.run(["status", "nowhere"], in: dir).status == 2)
    // A folder that is not a results folder: one located message, exit 2 (invalid input).
    let notResults = try CommandHarness.run(["report", "."], in: dir)
    #expect(notResults.status == 2)
    #expect(notResults.stderr.hasPrefix("error: ") && notResults.stderr.contains("manifest.json' is missing"), "\(notResults.stderr)")
  }

  @Test func aStalledRunIsAResultListedByStatus() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep("""
      name: flat
      data: {name: spirals, samples: 600, classes: 3, noise: 0.2, validation: 0.2}
      model: {width: 16, depth: 12, activation: sigmoid, initializer: standard}
      training: {learning_rate: 0.05, epochs: 30, stall: {window: 5, min_improvement: 0.02}}
      log: {every: 10}
      """, in: dir)
    let run = try CommandHarness.run(["run", sweep.path, "--out", "out"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("1 run trained: 0 completed, 0 diverged, 1 stalled, 0 failed"))
    let status = try CommandHarness.run(["status", "out/flat"], in: dir)
    #expect(status.stdout.contains("  stalled      1\n"))
    #expect(status.stdout.contains(#/stalled:\n  [^\n]+: after \d+ steps\n/#))
    #expect(!status.stdout.contains("to finish"))
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/flat/summary.csv"))
    #expect(try summary.column("status") == ["stalled"])
  }

  /// A sweep reading a CSV file by a path relative to the sweep file.
  static let csvSweep = """
    name: replay
    seed: 4
    data: {name: csv, path: data/points.csv, label_column: last, validation: 0.25}
    model: {width: 6, depth: 2, activation: tanh, initializer: xavier_normal}
    training: {optimizer: adam, learning_rate: 0.01, batch_size: 8, epochs: 3}
    log: {every: 2}
    """

  @Test func rerunRepeatsARunFromItsFolderAloneFromAnyDirectory() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let project = dir.appendingPathComponent("project")
    try FileManager.default.createDirectory(at: project.appendingPathComponent("data"), withIntermediateDirectories: true)
    let rows = (0..<60).map { i in "\(Double(i % 11) / 3),\(Double(i % 7) / 2),\(i % 3 == 0 ? 1 : 0)" }
    try (["a,b,label"] + rows).joined(separator: "\n").write(
      to: project.appendingPathComponent("data/points.csv"), atomically: true, encoding: .utf8)
    let sweep = try CommandHarness.writeSweep(Self.csvSweep, in: project)
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: project).status == 0)
    let runs = project.appendingPathComponent("out/replay/runs")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first { !$0.hasPrefix(".") })
    let folder = runs.appendingPathComponent(id)

    // From another directory: the data path resolves against the sweep file's folder,
    // which provenance.json recorded.
    let elsewhere = dir.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
    let same = try CommandHarness.run(["rerun", folder.path], in: elsewhere)
    #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
    #expect(same.stdout.contains("identical: metrics.csv and layers.csv match cell for cell"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "the temporary run is removed")

    // One changed cell is found and named.
    let metricsURL = folder.appendingPathComponent("metrics.csv")
    var lines = try String(contentsOf: metricsURL, encoding: .utf8).split(separator: "\n").map(String.init)
    var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let loss = cells[2]
    cells[2] = "0.5"
    lines[2] = cells.joined(separator: ",")
    try (lines.joined(separator: "\n") + "\n").write(to: metricsURL, atomically: true, encoding: .utf8)
    let different = try CommandHarness.run(["rerun", folder.path, "--out", "kept"], in: elsewhere)
    #expect(different.status == 1)
    #expect(different.stdout.contains("different: metrics.csv line 3 (step 2), column loss: old 0.5, new \(loss)"))
    #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("kept/runs/\(id)/metrics.csv").path))

    let notARun = try CommandHarness.run(["rerun", elsewhere.path], in: elsewhere)
    #expect(notARun.status == 2 && notARun.stderr.contains("config.yaml"))
  }

  @Test func aModelTooLargeToAllocateIsRefusedWithTheMemoryItWouldNeed() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep("""
      name: huge
      data: {name: spirals}
      model: {width: 65536, depth: 8}
      training: {optimizer: adam}
      """, in: dir)
    for command in [["validate", "sweep.yaml"], ["plan", "sweep.yaml"], ["run", "sweep.yaml", "--out", "out"]] {
      let result = try CommandHarness.run(command, in: dir)
      #expect(result.status == 2, "\(command)")
      // 2w + 7w² + 3w weights + 8w + 3 biases (w = 2¹⁶); Adam keeps 4 arrays of 4 bytes.
      #expect(result.stderr.hasPrefix("sweep.yaml:3:"), "\(result.stderr)")
      #expect(result.stderr.contains("error: model too large: 30,065,623,043 parameters would need 448.0 GiB"), "\(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  /// Three runs of which the first writes small logs (log.every 0: steps 0 and T only)
  /// and the others large ones (every step), so a file-size limit lets the first finish
  /// and stops the second.
  static let writeSweep = """
    name: full
    seed: 1
    data: {name: spirals, samples: 200, validation: 0.2}
    model: {width: 8, depth: 2, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 20, steps: 60}
    sweep:
      grid:
        log.every: [0, 1, 2]
    """

  /// Runs the executable with writes beyond `kibibytes` refused with EFBIG ("File too
  /// large"): a full disk, as seen by one process. Unlike permissions this stops root,
  /// which CI runs as. SIGXFSZ is ignored (an ignored signal stays ignored across exec)
  /// so the write fails with an error instead of killing the process.
  static func runWithFileSizeLimit(_ kibibytes: Int, _ arguments: [String], in dir: URL) throws -> CommandHarness.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(kibibytes); exec \"$@\"", "bash", CommandHarness.executable.path] + arguments
    process.currentDirectoryURL = dir
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandHarness.Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  static func finishedRuns(_ root: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs").path)) ?? []).sorted()
  }

  @Test func aFullDiskStopsTheSweepWithAClearErrorKeepsFinishedRunsAndResumeCompletes() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(Self.writeSweep, in: dir)
    let full = try Self.runWithFileSizeLimit(8, ["run", sweep.path, "--out", "out", "--jobs", "1", "--quiet"], in: dir)
    let root = dir.appendingPathComponent("out/full")
    #expect(full.status == 1)
    #expect(full.stderr.contains("error: cannot write to '\(root.path)': File too large; choose a writable folder with --out, or fix its permissions or free disk space, then rerun with --resume"), "\(full.stderr)")
    #expect(full.stderr.contains("1 runs saved this time, 0 kept from before"))
    let kept = Self.finishedRuns(root)
    #expect(kept.count == 1, "the small run finished, the large one left nothing, the third never started: \(kept)")
    let keptMetrics = try Data(contentsOf: root.appendingPathComponent("runs/\(kept[0])/metrics.csv"))

    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume", "--quiet"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(Self.finishedRuns(root).count == 3)
    #expect(try Data(contentsOf: root.appendingPathComponent("runs/\(kept[0])/metrics.csv")) == keptMetrics, "kept, not redone")
    let summary = try CSVTable(contentsOf: root.appendingPathComponent("summary.csv"))
    #expect(try summary.column("status") == ["completed", "completed", "completed"])
  }

  @Test(.enabled(if: getuid() != 0, "root writes into read-only folders; the full-disk test covers this path for root"))
  func aReadOnlyResultsFolderIsAClearErrorKeepsFinishedRunsAndResumeCompletes() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer {
      chmod(dir.appendingPathComponent("out/full/runs").path, 0o755)
      try? FileManager.default.removeItem(at: dir)
    }
    let sweep = try CommandHarness.writeSweep(Self.writeSweep, in: dir)
    #expect(try CommandHarness.run(["run", sweep.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let root = dir.appendingPathComponent("out/full")
    let all = Self.finishedRuns(root)
    for id in all.dropFirst() { try FileManager.default.removeItem(at: root.appendingPathComponent("runs/\(id)")) }
    let before = try CommandHarness.runLogsWithoutTimes(root)
    chmod(root.appendingPathComponent("runs").path, 0o555)

    let refused = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume", "--quiet"], in: dir)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("error: cannot write to '\(root.path)': Permission denied"), "\(refused.stderr)")
    #expect(Self.finishedRuns(root) == [all[0]])
    #expect(try CommandHarness.runLogsWithoutTimes(root) == before)

    chmod(root.appendingPathComponent("runs").path, 0o755)
    let resumed = try CommandHarness.run(["run", sweep.path, "--out", "out", "--resume"], in: dir)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("2 runs trained: 2 completed, 0 diverged, 0 failed; 1 kept from before"))
    #expect(Self.finishedRuns(root) == all)
  }
}
