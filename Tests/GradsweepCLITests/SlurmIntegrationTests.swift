import Foundation
import Testing
import TidyCSV

/// `gradsweep slurm` through the real executable. The first suite needs no cluster
/// (stand-in `sbatch` scripts on PATH); the second submits to a real Slurm and runs
/// only when `GRADSWEEP_SLURM_CONF` names its slurm.conf (`.ci/run` starts one with
/// scripts/slurm-local.sh and checks that the test really ran).
enum SlurmTesting {
  /// Six quick runs: 2 activations × 3 depths.
  static let sweep = """
    name: slurm-small
    seed: 11
    data: {name: spirals, samples: 300, classes: 3, noise: 0.1, validation: 0.2}
    model: {width: 8, depth: 2, activation: sigmoid, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 32, epochs: 3}
    log: {every: 5}
    sweep:
      grid:
        model.activation: [sigmoid, relu]
        model.depth: [1, 2, 3]
    """

  /// Runs the built `gradsweep` with extra environment variables (the harness's
  /// executable, the caller's environment plus `environment`).
  static func run(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CommandHarness.Result {
    try runProgram(CommandHarness.executable, arguments, in: directory, environment: environment)
  }

  static func runProgram(
    _ program: URL, _ arguments: [String], in directory: URL, environment: [String: String]
  ) throws -> CommandHarness.Result {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let errorFile = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandHarness.Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
  }

  /// A folder holding an executable `sbatch` with the given shell body.
  static func fakeSbatch(_ body: String, in folder: URL) throws -> URL {
    let bin = folder.appendingPathComponent("fake-bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let sbatch = bin.appendingPathComponent("sbatch")
    try "#!/bin/sh\n\(body)\n".write(to: sbatch, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sbatch.path)
    return bin
  }

  /// The value after `label` on its own output line, e.g. "array job: 12" → "12".
  static func value(after label: String, in output: String) -> String? {
    output.split(separator: "\n").first { $0.hasPrefix(label) }.map {
      String($0.dropFirst(label.count)).trimmingCharacters(in: .whitespaces)
    }
  }
}

@Suite("gradsweep slurm (no cluster needed)", .serialized)
struct SlurmCommandTests {
  @Test func writesBothScriptsWithAbsolutePaths() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let result = try CommandHarness.run(
      [
        "slurm", "sweep.yaml", "--tasks", "3", "--out", "out", "--cpus-per-task", "2", "--time", "00:10:00",
        "--extra", "#SBATCH --qos=low", "--extra", "--mail-type=END",
      ], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let out = dir.appendingPathComponent("out").standardizedFileURL.resolvingSymlinksInPath()
    let arrayScript = out.appendingPathComponent("slurm-small.sbatch")
    let reportScript = out.appendingPathComponent("slurm-small.report.sbatch")
    let array = try String(contentsOf: arrayScript, encoding: .utf8)
    let report = try String(contentsOf: reportScript, encoding: .utf8)
    // The tasks call this very executable, on the sweep file and folder given, made absolute.
    let executable = CommandHarness.executable.resolvingSymlinksInPath().path
    let lines = array.split(separator: "\n").map(String.init)
    let runLine = try #require(lines.last)
    #expect(runLine.hasPrefix("\(executable) run "), "\(runLine)")
    #expect(runLine.hasSuffix(
      " run \(sweep.resolvingSymlinksInPath().path) --shard $SLURM_ARRAY_TASK_ID/3 --jobs ${SLURM_CPUS_PER_TASK:-1} --resume --out \(out.path) --quiet"),
      "\(runLine)")
    #expect(lines.contains("#SBATCH --array=0-2"))
    #expect(lines.contains("#SBATCH --cpus-per-task=2"))
    #expect(lines.contains("#SBATCH --time=00:10:00"))
    // --extra takes a whole #SBATCH line, or just the option (the prefix is added).
    #expect(lines.contains("#SBATCH --qos=low"))
    #expect(lines.contains("#SBATCH --mail-type=END"))
    #expect(report.split(separator: "\n").last.map(String.init) == "\(executable) report \(out.path)/slurm-small")
    for script in [arrayScript, reportScript] {
      let mode = try FileManager.default.attributesOfItem(atPath: script.path)[.posixPermissions] as? Int
      #expect(mode == 0o755)
    }
    // Slurm does not create the folder of its log files: the command must.
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm-logs").path, isDirectory: &isFolder) && isFolder.boolValue)
    #expect(result.stdout.contains("sbatch --dependency=afterany:$jid \(reportScript.path)"))
  }

  @Test func scriptOptionChoosesWhereTheScriptsGo() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let result = try CommandHarness.run(["slurm", "sweep.yaml", "--tasks", "2", "--script", "jobs/run.sh"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("jobs/run.sh").path))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("jobs/run.report.sh").path))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/slurm-small.sbatch").path))
  }

  @Test func moreTasksThanRunsIsRefusedWithTheCount() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let result = try CommandHarness.run(["slurm", "sweep.yaml", "--tasks", "7", "--out", "out"], in: dir)
    #expect(result.status == 64)
    #expect(result.stderr.contains("--tasks 7 is more than the 6 runs of sweep 'slurm-small'"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  @Test func badSettingsAreAllReportedBeforeAnythingIsWritten() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let result = try CommandHarness.run(
      ["slurm", "sweep.yaml", "--tasks", "0", "--time", "2h", "--mem", "4GB", "--extra", "#SBATCH", "--out", "out"], in: dir)
    #expect(result.status == 64)
    for fragment in ["--tasks must be at least 1", "--time '2h'", "--mem '4GB'", "--extra '#SBATCH'"] {
      #expect(result.stderr.contains(fragment), "\(fragment) in \(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  @Test func invalidSweepFileWritesNothing() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep("name: bad\nmodel: {activation: sigmiod}\n", in: dir)
    let result = try CommandHarness.run(["slurm", "sweep.yaml", "--tasks", "2", "--out", "out"], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("sweep.yaml:2:"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  @Test func submitWithoutSbatchSaysWhatToDo() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let empty = dir.appendingPathComponent("empty-bin")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let result = try SlurmTesting.run(
      ["slurm", "sweep.yaml", "--tasks", "2", "--out", "out", "--submit"], in: dir, environment: ["PATH": empty.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("sbatch was not found in PATH"), "\(result.stderr)")
    #expect(result.stderr.contains("install Slurm's client") || result.stderr.contains("Install Slurm's client"))
    #expect(result.stderr.contains("drop --submit"))
    // The scripts are written all the same, to submit by hand.
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/slurm-small.sbatch").path))
  }

  @Test func submitChainsTheReportAfterTheArray() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let calls = dir.appendingPathComponent("sbatch-calls.txt")
    // Prints job ids 101, 102, ... like `sbatch --parsable` (with a cluster name, as federations do).
    let bin = try SlurmTesting.fakeSbatch("""
      echo "$@" >> '\(calls.path)'
      n=$(wc -l < '\(calls.path)')
      echo "$((100 + n));cluster1"
      """, in: dir)
    let result = try SlurmTesting.run(
      ["slurm", "sweep.yaml", "--tasks", "3", "--out", "out", "--submit"], in: dir,
      environment: ["PATH": bin.path + ":/usr/bin:/bin"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(SlurmTesting.value(after: "array job:", in: result.stdout) == "101")
    #expect(SlurmTesting.value(after: "report job:", in: result.stdout) == "102")
    let out = dir.appendingPathComponent("out").resolvingSymlinksInPath().path
    let made = try String(contentsOf: calls, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(made == [
      "--parsable \(out)/slurm-small.sbatch",
      "--parsable --dependency=afterany:101 \(out)/slurm-small.report.sbatch",
    ])
  }

  @Test func aRejectedSubmissionShowsSlurmsMessage() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let bin = try SlurmTesting.fakeSbatch("""
      echo "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" >&2
      exit 1
      """, in: dir)
    let result = try SlurmTesting.run(
      ["slurm", "sweep.yaml", "--tasks", "3", "--out", "out", "--account", "nobody", "--submit"], in: dir,
      environment: ["PATH": bin.path + ":/usr/bin:/bin"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("Slurm rejected the array job"), "\(result.stderr)")
    #expect(result.stderr.contains("Invalid account or account/partition combination specified"))
    #expect(!result.stdout.contains("array job:"))
  }
}

/// The real thing: a 3-task array on a Slurm cluster (scripts/slurm-local.sh start).
@Suite(
  "gradsweep slurm on a real Slurm (SlurmIntegration)", .serialized,
  .enabled(
    if: ProcessInfo.processInfo.environment["GRADSWEEP_SLURM_CONF"] != nil,
    "set GRADSWEEP_SLURM_CONF to a slurm.conf (scripts/slurm-local.sh start prints it) to submit to Slurm"))
struct SlurmIntegrationTests {
  static var slurmEnvironment: [String: String] {
    ["SLURM_CONF": ProcessInfo.processInfo.environment["GRADSWEEP_SLURM_CONF"] ?? ""]
  }

  /// Runs one of Slurm's client commands (from PATH) against the test cluster.
  static func slurmCommand(_ name: String, _ arguments: [String], in folder: URL) throws -> CommandHarness.Result {
    let program = try #require(
      (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) },
      "\(name) not found in PATH")
    return try SlurmTesting.runProgram(program, arguments, in: folder, environment: slurmEnvironment)
  }

  /// Every Slurm log of the test, for failure messages (the folder is removed after the test).
  static func logs(in folder: URL) -> String {
    let logs = folder.appendingPathComponent("slurm/slurm-logs")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted()
    return names.map { name in
      "--- \(name)\n" + ((try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? "")
    }.joined(separator: "\n")
  }

  /// Job states after which a job never runs again (squeue's long names).
  static let finalStates: Set<String> = [
    "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
  ]

  /// Polls squeue until every task of `jobs` is in a final state; returns the state of
  /// each job or array task by id (`12_0`, `13`), or nil after `timeout` seconds.
  static func waitForJobs(_ jobs: [String], timeout: Double, in folder: URL) throws -> [String: String]? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let listing = try slurmCommand(
        "squeue", ["-h", "-r", "-t", "all", "-j", jobs.joined(separator: ","), "-o", "%i %T"], in: folder)
      var states: [String: String] = [:]
      for line in listing.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 2 { states[String(fields[0])] = String(fields[1]) }
      }
      let seen = Set(states.keys.map { String($0.split(separator: "_")[0]) })
      if listing.status == 0, seen == Set(jobs), states.values.allSatisfy(finalStates.contains) { return states }
      usleep(250_000)
    }
    return nil
  }

  @Test func threeTaskArrayGivesTheSameSummaryAsALocalRun() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let started = Date()
    let submitted = try SlurmTesting.run(
      ["slurm", sweep.path, "--tasks", "3", "--out", "slurm", "--time", "00:05:00", "--submit"], in: dir,
      environment: Self.slurmEnvironment)
    try #require(submitted.status == 0, "\(submitted.stderr)")
    let arrayJob = try #require(SlurmTesting.value(after: "array job:", in: submitted.stdout))
    let reportJob = try #require(SlurmTesting.value(after: "report job:", in: submitted.stdout))
    // Whatever happens below, no job of this test outlives it (a no-op for finished jobs).
    defer { _ = try? Self.slurmCommand("scancel", [arrayJob, reportJob], in: dir) }

    // The same sweep in one local run, while Slurm works.
    let local = try CommandHarness.run(["run", sweep.path, "--out", "local", "--quiet"], in: dir)
    #expect(local.status == 0, "\(local.stderr)")

    let states = try #require(
      try Self.waitForJobs([arrayJob, reportJob], timeout: 180, in: dir),
      "jobs \(arrayJob) and \(reportJob) not finished within 180 s\n\(Self.logs(in: dir))")
    let seconds = Date().timeIntervalSince(started)
    #expect(states == [
      "\(arrayJob)_0": "COMPLETED", "\(arrayJob)_1": "COMPLETED", "\(arrayJob)_2": "COMPLETED", reportJob: "COMPLETED",
    ], "\(Self.logs(in: dir))")

    // Each task wrote its own log: three shards really ran.
    let logs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("slurm/slurm-logs").path)
    #expect(Set(logs.filter { $0.hasSuffix(".out") }) == [
      "slurm-small_\(arrayJob)_0.out", "slurm-small_\(arrayJob)_1.out", "slurm-small_\(arrayJob)_2.out",
      "slurm-small_report_\(reportJob).out",
    ])
    let merged = dir.appendingPathComponent("slurm/slurm-small")
    let fromSlurm = try CommandHarness.summaryWithoutTimes(merged)
    let fromLocal = try CommandHarness.summaryWithoutTimes(dir.appendingPathComponent("local/slurm-small"))
    #expect(fromLocal.count == 6)
    #expect(fromSlurm == fromLocal)
    #expect(try CommandHarness.runLogsWithoutTimes(merged) == CommandHarness.runLogsWithoutTimes(dir.appendingPathComponent("local/slurm-small")))
    #expect(FileManager.default.fileExists(atPath: merged.appendingPathComponent("report.md").path))
    print("slurm: 3-task array of 6 runs plus report job, submit to report done: \(String(format: "%.1f", seconds)) s")

    // .ci/run checks this file, so CI cannot pass with the test skipped.
    if let marker = ProcessInfo.processInfo.environment["GRADSWEEP_SLURM_MARKER"], fromSlurm == fromLocal,
      states.values.allSatisfy({ $0 == "COMPLETED" })
    {
      try "passed: array job \(arrayJob), report job \(reportJob), \(String(format: "%.1f", seconds)) s\n"
        .write(toFile: marker, atomically: true, encoding: .utf8)
    }
  }

  @Test func aRejectedSubmissionShowsSlurmsOwnMessage() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(SlurmTesting.sweep, in: dir)
    let result = try SlurmTesting.run(
      ["slurm", sweep.path, "--tasks", "2", "--out", "out", "--partition", "no-such-partition", "--submit"], in: dir,
      environment: Self.slurmEnvironment)
    #expect(result.status == 1)
    #expect(result.stderr.contains("Slurm rejected the array job"), "\(result.stderr)")
    #expect(result.stderr.contains("invalid partition specified: no-such-partition"), "\(result.stderr)")
  }
}
