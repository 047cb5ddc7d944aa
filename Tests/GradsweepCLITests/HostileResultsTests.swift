import Foundation
import Testing
import TidyCSV

/// `report` and `status` on results folders that lie (issue 14): values out of range,
/// JSON that is not JSON, control characters in names, temporary files killed writers
/// left behind. Through the real executable.
@Suite("Hostile results folders: report and status", .serialized)
struct HostileResultsTests {
  /// Two runs of a 2-hidden-layer net (layers 1…3 in layers.csv), trained for real.
  static let sweep = """
    name: hostile
    seed: 3
    data: {name: spirals, samples: 120, validation: 0.25}
    model: {width: 6, depth: 2, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.1, batch_size: 30, epochs: 2}
    log: {every: 2}
    sweep:
      grid:
        model.activation: [tanh, relu]
    """

  /// Trains the sweep into `dir/out/hostile` and returns that folder and the run ids.
  static func trained(in dir: URL) throws -> (root: URL, ids: [String]) {
    let file = try CommandHarness.writeSweep(sweep, in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out", "--quiet"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let root = dir.appendingPathComponent("out/hostile")
    let ids = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs").path)
      .filter { !$0.hasPrefix(".") }.sorted()
    #expect(ids.count == 2)
    return (root, ids)
  }

  /// Replaces the `layer` field of one data line of a layers.csv; returns its line number.
  static func setLayer(_ value: String, in url: URL, dataLine: Int) throws -> Int {
    var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
    var fields = lines[dataLine].components(separatedBy: ",")
    fields[1] = value
    lines[dataLine] = fields.joined(separator: ",")
    try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    return dataLine + 1
  }

  @Test func aLayerOfAHundredMillionIsAnErrorAtItsLineAndTheOtherRunStillReports() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (root, ids) = try Self.trained(in: dir)
    let bad = root.appendingPathComponent("runs/\(ids[0])/layers.csv")
    let line = try Self.setLayer("100000000", in: bad, dataLine: 4)

    // Before the fix: a profile of 10⁸ slots (1.6 GB) was allocated for this run.
    let report = try CommandHarness.run(["report", "out/hostile"], in: dir)
    #expect(report.status == 2, "\(report.stdout)\n\(report.stderr)")
    #expect(report.stderr.contains("runs/\(ids[0])/layers.csv:\(line): error: layer 100000000 is out of range"), "\(report.stderr)")
    #expect(report.stderr.contains("2 hidden layers, so layers are 1…3"), "\(report.stderr)")
    #expect(report.stderr.contains("--resume"), "the fix is named: \(report.stderr)")
    // The report of the other run is still written, and names the bad one.
    let markdown = try String(contentsOf: root.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("Unreadable runs"))
    #expect(markdown.contains("layers.csv:\(line): error: layer 100000000"))
    let summary = try CSVTable(contentsOf: root.appendingPathComponent("summary.csv"))
    #expect(summary.records.map { $0["run_id"]! } == [ids[1]])

    // A step beyond the run's, and a layer that is not a whole number, are errors too.
    _ = try Self.setLayer("2", in: bad, dataLine: 4)
    var metrics = try String(contentsOf: root.appendingPathComponent("runs/\(ids[1])/metrics.csv"), encoding: .utf8)
      .components(separatedBy: "\n")
    metrics[2] = "9999999999," + metrics[2].components(separatedBy: ",").dropFirst().joined(separator: ",")
    try metrics.joined(separator: "\n").write(
      to: root.appendingPathComponent("runs/\(ids[1])/metrics.csv"), atomically: true, encoding: .utf8)
    let again = try CommandHarness.run(["report", "out/hostile"], in: dir)
    #expect(again.status == 2)
    #expect(again.stderr.contains("runs/\(ids[1])/metrics.csv:3: error: step 9999999999 is out of range"), "\(again.stderr)")
    #expect(!again.stderr.contains("layers.csv"), "layer 2 is in range: \(again.stderr)")
  }

  @Test func aCorruptStatusOrManifestIsNamedWithWhatIsWrong() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (root, ids) = try Self.trained(in: dir)
    let statusFile = root.appendingPathComponent("runs/\(ids[0])/status.json")
    let text = try String(contentsOf: statusFile, encoding: .utf8)
    try String(text.prefix(17)).write(to: statusFile, atomically: true, encoding: .utf8)

    let status = try CommandHarness.run(["status", "out/hostile"], in: dir)
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.contains("  unreadable   1\n"), "\(status.stdout)")
    #expect(status.stdout.contains("runs/\(ids[0])/status.json: error: not valid JSON: it ends early at byte 17"), "\(status.stdout)")
    #expect(status.stdout.contains("--resume"))
    #expect(!status.stdout.contains("DecodingError") && !status.stdout.contains("dataCorrupted"))

    let report = try CommandHarness.run(["report", "out/hostile"], in: dir)
    #expect(report.status == 2)
    #expect(report.stderr.contains("status.json: error: not valid JSON"), "\(report.stderr)")

    // A manifest with a wrong type: the key and the type, no decoder dump; exit 2.
    let manifest = root.appendingPathComponent("manifest.json")
    try #"{"name": "hostile", "axes": "model.activation", "runs": []}"#.write(to: manifest, atomically: true, encoding: .utf8)
    for command in ["status", "report"] {
      let result = try CommandHarness.run([command, "out/hostile"], in: dir)
      #expect(result.status == 2, "\(command)")
      #expect(result.stderr.contains("manifest.json: error: 'axes' is not"), "\(command): \(result.stderr)")
      #expect(!result.stderr.contains("DecodingError") && !result.stderr.contains("CodingKeys"), "\(result.stderr)")
    }
  }

  @Test func controlCharactersFromTheFolderArePrintedEscaped() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (root, ids) = try Self.trained(in: dir)
    let statusFile = root.appendingPathComponent("runs/\(ids[0])/status.json")
    try #"{"status": "failed", "steps": 0, "error": "boom\u001b[2J\rfake"}"#.write(
      to: statusFile, atomically: true, encoding: .utf8)
    let status = try CommandHarness.run(["status", "out/hostile"], in: dir)
    #expect(!status.stdout.contains("\u{1B}") && !status.stdout.contains("\r"), "raw control characters printed")
    #expect(status.stdout.contains(#"boom\u{1B}[2J\u{D}fake"#), "\(status.stdout)")

    // An axis value with an escape sequence in the manifest: report's terminal lines escape it.
    let manifest = root.appendingPathComponent("manifest.json")
    let text = try String(contentsOf: manifest, encoding: .utf8)
    try text.replacingOccurrences(of: #""tanh""#, with: #""tanh\u001b]0;owned\u0007""#)
      .write(to: manifest, atomically: true, encoding: .utf8)
    let report = try CommandHarness.run(["report", "out/hostile"], in: dir)
    #expect(!report.stdout.contains("\u{1B}") && !report.stdout.contains("\u{07}"), "raw control characters printed")
    #expect(report.stdout.contains(#"tanh\u{1B}]0;owned\u{7}"#), "\(report.stdout)")
  }

  @Test func reportRemovesStaleTemporariesOfDeadWritersAndNothingElse() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (root, _) = try Self.trained(in: dir)
    // Pids above Linux's largest pid_max (2²² = 4,194,304) are never alive.
    let stale = [".report.html.tmp-4194305-1", ".summary.csv.tmp-4194306-123"]
    let kept = [
      ".report.html.tmp-4194305-1x", "report.html.tmp-4194305-1", ".report.html.tmp-4194305", ".tmp-4194305-1",
      ".report.html.tmp-\(getpid())-5",
    ]
    for name in stale + kept { try Data("x".utf8).write(to: root.appendingPathComponent(name)) }
    // A symlink so named is unlinked, never followed: its target stays.
    let target = dir.appendingPathComponent("precious.txt")
    try Data("keep".utf8).write(to: target)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent(".notes.txt.tmp-4194307-9").path, withDestinationPath: target.path)

    for name in stale + kept + [".notes.txt.tmp-4194307-9"] { CommandHarness.age(root.appendingPathComponent(name).path) }
    let report = try CommandHarness.run(["report", "out/hostile"], in: dir)
    #expect(report.status == 0, "\(report.stderr)")
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
    for name in stale + [".notes.txt.tmp-4194307-9"] { #expect(!names.contains(name), "\(name) was not removed") }
    for name in kept { #expect(names.contains(name), "\(name) was removed") }
    #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
    #expect(report.stdout.contains("removed 3 stale temporary files"), "\(report.stdout)")
  }
}
