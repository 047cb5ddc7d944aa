import Foundation
import SweepResults
import SweepSpec
import TidyCSV
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The red team's reproductions (issue 14), each through the real executable: extreme
/// integers, folders gradsweep did not make, symbolic links, data checks that `validate`
/// must share with `run`, absurd axes, overflowing initialisations, run ids that read as
/// options or formulas, stale temporary files, and stopping in time.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
  static let base = """
    name: hostile
    seed: 1
    data: {name: spirals, samples: 120, classes: 3, validation: 0.2}
    model: {width: 8, depth: 2, activation: relu, initializer: he_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 16, epochs: 1}
    log: {every: 5}

    """

  /// `base` with one more top-level YAML block (replacing a section given again).
  static func sweep(_ extra: String) -> String {
    var lines = base.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for line in extra.split(separator: "\n") where !line.hasPrefix(" ") {
      if let key = line.split(separator: ":").first {
        lines.removeAll { $0.hasPrefix("\(key):") }
      }
    }
    return lines.joined(separator: "\n") + extra + "\n"
  }

  /// Every integer field of a run's config (the seeds aside: their range is all of
  /// 0…2⁶⁴−1 by design), found from the resolved config so a new field is covered.
  static let integerFields: [String] = RunConfig().canonicalFields()
    .filter { Int($0.value) != nil && !$0.path.hasSuffix("seed") }.map(\.path)
    + ["training.steps", "training.step_size", "training.warmup_steps", "training.stall"]

  @Test func everyIntegerFieldRefusesExtremeValuesThroughRunWithoutCrashing() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(Self.integerFields.count >= 15, "\(Self.integerFields)")
    var problems: [String] = []
    for path in Self.integerFields {
      let parts = path.split(separator: ".").map(String.init)
      for value in ["9223372036854775807", "9223372036854775808", "1000000000000000000", "-9223372036854775808"] {
        let block: String
        if path == "training.stall" {
          block = "training: {stall: {window: \(value)}}"
        } else if path == "training.steps" {
          block = "training: {epochs: null, steps: \(value)}"
        } else {
          block = "\(parts[0]): {\(parts[1]): \(value)}"
        }
        var text = Self.sweep(block)
        if parts[0] == "data" && path != "data.samples" { text = text.replacingOccurrences(of: "name: spirals", with: "name: teacher") }
        let file = try CommandHarness.writeSweep(text, named: "x.yaml", in: dir)
        let run = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
        let what = "\(path) = \(value)"
        if run.status != 2 { problems.append("\(what): run exited \(run.status): \(run.stderr.prefix(300))") }
        if let why = FuzzTests.unlocated(run.stderr, file: "x.yaml") { problems.append("\(what): \(why)") }
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path) {
          problems.append("\(what): run created the results folder")
          try? FileManager.default.removeItem(at: dir.appendingPathComponent("out"))
        }
      }
    }
    #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(8).joined(separator: "\n"))")
  }

  @Test func theTotalNumberOfUpdatesIsBounded() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(
      Self.sweep("training: {batch_size: 1, epochs: 1000000}\ndata: {name: spirals, samples: 20000}"), in: dir)
    for command in [["validate", file.path], ["plan", file.path], ["run", file.path, "--out", "out"]] {
      let result = try CommandHarness.run(command, in: dir)
      #expect(result.status == 2, "\(command): \(result.stderr)")
      #expect(result.stderr.contains("parameter updates"), "\(command): \(result.stderr)")
    }
  }

  @Test func rerunRefusesAConfigWithAbsurdNumbers() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let runs = dir.appendingPathComponent("out/hostile/runs")
    let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first { !$0.hasPrefix(".") })
    let config = runs.appendingPathComponent(id).appendingPathComponent("config.yaml")
    let text = try String(contentsOf: config, encoding: .utf8)
    try text.replacingOccurrences(of: "epochs: 1\n", with: "epochs: 1000000000000000000\n")
      .write(to: config, atomically: true, encoding: .utf8)
    let rerun = try CommandHarness.run(["rerun", runs.appendingPathComponent(id).path, "--out", "again"], in: dir)
    #expect(rerun.status == 2, "\(rerun.stderr)")
    #expect(rerun.stderr.contains("training.epochs must be at most 1000000"), "\(rerun.stderr)")
  }

  // MARK: Folders that are not gradsweep's

  @Test func forceAndResumeNeverTouchAFolderGradsweepDidNotMake() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    let foreign = dir.appendingPathComponent("out/hostile")
    try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
    try "precious".write(to: foreign.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)
    for flags in [["--force"], ["--resume"], []] {
      let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"] + flags, in: dir)
      #expect(result.status == 2, "\(flags): \(result.stderr)")
      #expect(result.stderr.contains("is not a gradsweep results folder"), "\(flags): \(result.stderr)")
      // Not even a lock file is left behind.
      #expect(try FileManager.default.contentsOfDirectory(atPath: foreign.path) == ["thesis.tex"], "\(flags)")
    }
  }

  @Test func forceNeverDeletesThroughASymbolicLink() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    let target = dir.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    try "keep".write(to: target.appendingPathComponent("data.txt"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("out/hostile"), withDestinationURL: target)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--force", "--quiet"], in: dir)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("symbolic link"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["data.txt"])
  }

  @Test func forceReplacesOnlyWhatGradsweepMadeAndNeverFollowsLinksInside() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let results = dir.appendingPathComponent("out/hostile")
    try "mine".write(to: results.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    // A link inside runs/ to a folder of the user's: --force removes the link only.
    let target = dir.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    try "keep".write(to: target.appendingPathComponent("data.txt"), atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(at: results.appendingPathComponent("runs/link"), withDestinationURL: target)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--force", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOf: results.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["data.txt"])
    #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("runs/link").path))
    #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("summary.csv").path))
    // Every top-level name a run or report writes is gradsweep's own, so --force replaces it.
    let written = try FileManager.default.contentsOfDirectory(atPath: results.path).filter { !$0.hasPrefix(".") }
    #expect(Set(written).subtracting(OwnedFolder.ownNames) == ["notes.txt"], "\(written)")
  }

  @Test func theLockNeverWritesThroughASymbolicLink() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let victim = dir.appendingPathComponent("victim.txt")
    try "do not truncate me".write(to: victim, atomically: true, encoding: .utf8)
    let results = dir.appendingPathComponent("out/hostile")
    for lock in [".gradsweep.lock", ".gradsweep.lock.shard-0-of-2"] {
      try? FileManager.default.removeItem(at: results.appendingPathComponent(lock))
      try FileManager.default.createSymbolicLink(at: results.appendingPathComponent(lock), withDestinationURL: victim)
    }
    for flags in [["--resume"], ["--shard", "0/2"]] {
      let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"] + flags, in: dir)
      #expect(result.status == 2, "\(flags): \(result.stderr)")
      #expect(try String(contentsOf: victim, encoding: .utf8) == "do not truncate me", "\(flags)")
    }
  }

  // MARK: validate and plan check what run checks

  @Test func validateAndPlanRefuseTheDataRunRefuses() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let cases = [
      ("data: {name: csv, path: missing.csv}", "no such file 'missing.csv'"),
      ("data: {name: spirals, samples: 1073741824}", "would need"),
      ("data: {name: spirals, samples: 1, classes: 3}", "needs at least 3 samples"),
    ]
    for (block, expected) in cases {
      let file = try CommandHarness.writeSweep(Self.sweep(block), named: "d.yaml", in: dir)
      for command in [["validate", "d.yaml"], ["plan", "d.yaml"], ["run", "d.yaml", "--out", "out", "--quiet"]] {
        let result = try CommandHarness.run(command, in: dir)
        #expect(result.status == 2, "\(block) \(command[0]): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(block) \(command[0]): \(result.stderr)")
        #expect(FuzzTests.unlocated(result.stderr, file: "d.yaml") == nil, "\(block) \(command[0]): \(result.stderr)")
      }
      _ = file
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  @Test func aMillionRunAxisIsRefusedFromItsLength() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 150,001 values: under the sweep-file size cap, over the run cap.
    let values = (0...150_000).map { "\($0 + 1)" }.joined(separator: ", ")
    let file = try CommandHarness.writeSweep(Self.sweep("sweep:\n  grid:\n    model.width: [\(values)]"), in: dir)
    let result = try CommandHarness.run(["validate", file.path], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("the sweep expands to 150,001 runs; gradsweep plans at most 100,000"), "\(result.stderr)")
    #expect(result.stderr.components(separatedBy: ": error: ").count == 2, "one error, not one per value")
    // A file far larger than any sweep is refused before it is parsed; so is a device.
    let big = dir.appendingPathComponent("big.yaml")
    try Data(count: SweepLoader.maxFileBytes + 1).write(to: big)
    let refused = try CommandHarness.run(["validate", big.path], in: dir)
    #expect(refused.status == 2 && refused.stderr.contains("more than a sweep file may have"), "\(refused.stderr)")
    let device = try CommandHarness.run(["validate", "/dev/zero"], in: dir)
    #expect(device.status == 2 && device.stderr.contains("not a regular file"), "\(device.stderr)")
  }

  @Test func errorMessagesEscapeControlCharactersOfUserStrings() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.sweep("data: {name: csv, path: \"a\\e[31mred\\u202e\\a.csv\"}"), in: dir)
    let result = try CommandHarness.run(["validate", file.path], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("a\\u{1B}[31mred\\u{202E}\\u{7}.csv"), "\(result.stderr)")
    #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
  }

  // MARK: Runs

  @Test func anInitialisationThatOverflowsIsADivergedRunAtStepZero() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(
      Self.sweep("sweep:\n  grid:\n    model.init_gain: [1.0, 1.0e39]\n    model.activation: [relu, tanh, sigmoid]"), in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stderr.contains("disk"), "\(result.stderr)")
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/hostile/summary.csv"))
    #expect(summary.rows.count == 6)
    let statuses = Dictionary(uniqueKeysWithValues: summary.records.map { ($0["model.init_gain"]! + " " + $0["model.activation"]!, $0["status"]!) })
    for activation in ["relu", "tanh", "sigmoid"] {
      #expect(statuses["1.0e+39 \(activation)"] == "diverged" || statuses["1e+39 \(activation)"] == "diverged", "\(statuses)")
      #expect(statuses["1.0 \(activation)"] == "completed", "\(statuses)")
    }
  }

  @Test func runIdsBeginWithALetterOrDigit() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(
      Self.sweep("sweep:\n  grid:\n    data.label_column: [\"-2+3\", \"=1+2\", \"+x\", \"@y\"]"), in: dir)
    let plan = try CommandHarness.run(["plan", file.path, "--format", "csv"], in: dir)
    #expect(plan.status == 0, "\(plan.stderr)")
    let ids = plan.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
    #expect(ids.count == 4)
    for id in ids {
      #expect(id.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } == true, "\(id)")
      #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._+-".contains($0)) }, "\(id)")
    }
  }

  @Test func staleTemporaryFilesAreSweptAndOthersKept() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try CommandHarness.writeSweep(Self.base, in: dir)
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir).status == 0)
    let results = dir.appendingPathComponent("out/hostile")
    // pid 2³¹−2 is never alive; the user's own dotfile is not of gradsweep's shape.
    let stale = ".report.html.tmp-2147483646-17"
    // A fresh one of a dead pid may be another machine's live write (shards share the
    // folder): kept until it is 10 minutes old.
    let fresh = ".summary.csv.tmp-2147483645-3"
    for name in [stale, ".notes.tmp-mine", fresh] {
      try "x".write(to: results.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    for name in [stale, ".notes.tmp-mine"] { CommandHarness.age(results.appendingPathComponent(name).path) }
    #expect(try CommandHarness.run(["run", file.path, "--out", "out", "--resume", "--quiet"], in: dir).status == 0)
    let names = try FileManager.default.contentsOfDirectory(atPath: results.path)
    #expect(!names.contains(stale))
    #expect(names.contains(".notes.tmp-mine") && names.contains(fresh))
  }

  @Test func sigtermStopsWithinSecondsWritesTheSummaryAndExits143() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(RunCommandTests.slowSweep, in: dir)
    let (child, _, _) = try CommandHarness.start(["run", sweep.path, "--out", "out", "--jobs", "1", "--quiet"], in: dir)
    let runs = dir.appendingPathComponent("out/slow/runs")
    let deadline = Date().addingTimeInterval(120)
    while ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter({ !$0.hasPrefix(".") }).isEmpty
      && child.isRunning && Date() < deadline
    {
      usleep(20_000)
    }
    #expect(child.isRunning, "the sweep finished before it could be stopped; make slowSweep slower")
    kill(child.processIdentifier, SIGTERM)
    child.waitUntilExit()
    #expect(child.terminationStatus == 143)
    let results = dir.appendingPathComponent("out/slow")
    #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("summary.csv").path))
    #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("report.html").path))
    let status = try CommandHarness.run(["status", results.path], in: dir)
    #expect(status.stdout.contains("interrupted") || status.stdout.contains("missing"), "\(status.stdout)")
  }

  /// After Ctrl-C the progress output ends by naming the runs saved as interrupted.
  @Test func afterCtrlCTheLastLineNamesTheInterruptedRuns() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sweep = try CommandHarness.writeSweep(RunCommandTests.slowSweep, in: dir)
    let (child, _, err) = try CommandHarness.start(["run", sweep.path, "--out", "out", "--jobs", "1"], in: dir)
    let runs = dir.appendingPathComponent("out/slow/runs")
    let deadline = Date().addingTimeInterval(120)
    while ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter({ !$0.hasPrefix(".") }).isEmpty
      && child.isRunning && Date() < deadline
    {
      usleep(20_000)
    }
    kill(child.processIdentifier, SIGINT)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    #expect(child.terminationStatus == 130)
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/slow/summary.csv"))
    let interrupted = summary.records.filter { $0["status"] == "interrupted" }.map { $0["run_id"]! }
    #expect(interrupted.count == 1, "one run was training when the signal came: \(summary.records)")
    let last = stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last == "interrupted (saved, trained again by --resume): \(interrupted.joined(separator: ", "))", "\(stderr)")
  }
}
