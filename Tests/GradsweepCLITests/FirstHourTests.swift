import Foundation
import TidyCSV
import Testing

@testable import GradsweepCLI

/// What a new user reaches for in the first hour (issue 20): `init`, `list`, short flags.
@Suite("First hour")
struct FirstHourTests {
  @Test func initWritesAStarterThatValidatesAndRunsAndNeverOverwrites() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = try CommandHarness.run(["init", "demo"], in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let text = try String(contentsOf: dir.appendingPathComponent("demo.yaml"), encoding: .utf8)
    for section in ["data:", "model:", "training:", "log:", "sweep:", "report:"] { #expect(text.contains("\n\(section)")) }
    #expect(try CommandHarness.run(["validate", "demo.yaml"], in: dir).status == 0)
    // Ready to run: a quick variant of it trains end to end with the short flags.
    let quick = text.replacingOccurrences(of: "epochs: 20", with: "epochs: 1")
      .replacingOccurrences(of: "samples: 2000", with: "samples: 200")
    try quick.write(to: dir.appendingPathComponent("demo.yaml"), atomically: true, encoding: .utf8)
    let run = try CommandHarness.run(["run", "demo.yaml", "-o", "out", "-j", "2", "-q"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty, "-q prints nothing: \(run.stdout)")
    #expect(try CSVTable(contentsOf: dir.appendingPathComponent("out/demo/summary.csv")).rows.count == 18)
    // Never overwrites.
    try "mine".write(to: dir.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
    let again = try CommandHarness.run(["init", "mine"], in: dir)
    #expect(again.status == 2 && again.stderr.contains("mine.yaml"), "\(again.stderr)")
    #expect(try String(contentsOf: dir.appendingPathComponent("mine.yaml"), encoding: .utf8) == "mine")
    #expect(try CommandHarness.run(["init", "../escape"], in: dir).status == 64)
  }

  @Test func listPrintsEveryAcceptedNameWithOneLineEach() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    for kind in NameCatalog.Kind.allCases {
      let result = try CommandHarness.run(["list", kind.rawValue], in: dir)
      #expect(result.status == 0, "\(kind): \(result.stderr)")
      let lines = result.stdout.split(separator: "\n")
      let entries = NameCatalog.entries(kind)
      #expect(lines.count == entries.count, "\(kind)")
      for (line, entry) in zip(lines, entries) {
        #expect(line.hasPrefix(entry.name + " "), "\(line)")
        #expect(!entry.summary.isEmpty && !entry.summary.hasPrefix("a summary.csv column"), "\(kind) \(entry.name)")
      }
    }
    // The names are the YAML's: every listed activation and initializer validates.
    let activations = NameCatalog.entries(.activations).map(\.name)
    #expect(activations.contains("leaky_relu") && activations.contains("gelu_tanh"))
    let bad = try CommandHarness.run(["list", "colours"], in: dir)
    #expect(bad.status == 64)
  }
}

extension FirstHourTests {
  @Test func validateTakesSeveralFilesAndPrintsWarnings() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = """
      name: good
      data: {name: moons, samples: 100}
      model: {width: 4, depth: 1}
      training: {epochs: 1}
      sweep:
        grid:
          model.activation: [relu, tanh]
        exclude:
          - {model.activation: sigmoid}
      """
    _ = try CommandHarness.writeSweep(good, named: "good.yaml", in: dir)
    _ = try CommandHarness.writeSweep("name: bad\nmodel: {depth: -1}\n", named: "bad.yaml", in: dir)
    let both = try CommandHarness.run(["validate", "good.yaml", "bad.yaml"], in: dir)
    #expect(both.status == 2)
    #expect(both.stdout.contains("good.yaml: ok, 2 runs") && both.stdout.contains("1 of 2 files valid"), "\(both.stdout)")
    #expect(both.stderr.contains("bad.yaml:2:16: error: model.depth must be at least 0"), "\(both.stderr)")
    for command in [["validate", "good.yaml"], ["plan", "good.yaml"]] {
      let result = try CommandHarness.run(command, in: dir)
      #expect(result.status == 0)
      #expect(result.stderr.contains("warning: this exclude entry matches no run"), "\(command): \(result.stderr)")
    }
  }

  @Test func theSweepProvenanceKeepsEveryInvocation() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep("name: p\ndata: {name: moons, samples: 100}\nmodel: {width: 4, depth: 1}\ntraining: {epochs: 1}\n", in: dir)
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q"], in: dir).status == 0)
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q", "--resume"], in: dir).status == 0)
    let data = try Data(contentsOf: dir.appendingPathComponent("out/p/provenance.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let invocations = try #require(json["invocations"] as? [[String: Any]])
    #expect(invocations.count == 2)
    #expect((invocations[1]["command_line"] as? [String])?.contains("--resume") == true)
    #expect((invocations[0]["command_line"] as? [String])?.contains("--resume") == false)
    #expect(invocations.allSatisfy { ($0["time"] as? String)?.hasPrefix("20") == true && $0["host"] is String })
  }
}

extension FirstHourTests {
  @Test func statusSpeaksJSONAndTellsScriptsWhetherWorkRemains() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(
      "name: s\ndata: {name: moons, samples: 100}\nmodel: {width: 4, depth: 1}\ntraining: {epochs: 1}\nsweep: {grid: {model.depth: [1, 2, 3]}}\n", in: dir)
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q"], in: dir).status == 0)
    let complete = try CommandHarness.run(["status", "out/s", "--format", "json", "--exit-code"], in: dir)
    #expect(complete.status == 0, "\(complete.stderr)")
    let done = try #require(try JSONSerialization.jsonObject(with: Data(complete.stdout.utf8)) as? [String: Any])
    #expect(done["planned"] as? Int == 3 && done["remaining"] as? Int == 0 && done["complete"] as? Bool == true)
    #expect((done["counts"] as? [String: Int])?["completed"] == 3 && done["resume_command"] is NSNull)
    // One run gone: work remains, the JSON names it and the command that finishes the sweep.
    let runs = dir.appendingPathComponent("out/s/runs")
    let gone = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted().first)
    try FileManager.default.removeItem(at: runs.appendingPathComponent(gone))
    let partial = try CommandHarness.run(["status", "out/s", "--format", "json", "--exit-code"], in: dir)
    #expect(partial.status == 1)
    let left = try #require(try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any])
    #expect((left["missing"] as? [[String: Any]])?.first?["run_id"] as? String == gone)
    #expect((left["resume_command"] as? String)?.hasSuffix("--resume") == true)
    #expect(try CommandHarness.run(["status", "out/s"], in: dir).status == 0, "without --exit-code: 0")
    // --watch returns once nothing is missing: here at once after --resume finishes it.
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q", "--resume"], in: dir).status == 0)
    let watched = try CommandHarness.run(["status", "out/s", "--watch", "--interval", "0.1", "--format", "json"], in: dir)
    #expect(watched.status == 0 && watched.stdout.split(separator: "\n").count == 1, "\(watched.stdout)")
  }
}

extension FirstHourTests {
  /// The held-out test split is evaluated once at the end (issue 17): status.json and
  /// summary.csv carry test_loss and test_accuracy; without a test split they are empty.
  @Test func theTestSplitIsEvaluatedOnceAtTheEnd() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep("""
      name: t
      data: {name: moons, samples: 400, noise: 0.1, validation: 0.2, test_fraction: 0.25}
      model: {width: 16, depth: 2, activation: tanh}
      training: {epochs: 20, learning_rate: 0.1}
      sweep: {grid: {data.test_fraction: [0.0, 0.25]}}
      """, in: dir)
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q"], in: dir).status == 0)
    let summary = try CSVTable(contentsOf: dir.appendingPathComponent("out/t/summary.csv"))
    let byFraction = Dictionary(uniqueKeysWithValues: summary.records.map { ($0["data.test_fraction"]!, $0) })
    let held = try #require(byFraction["0.25"])
    let accuracy = try #require(Double(held["test_accuracy"] ?? ""))
    let loss = try #require(Double(held["test_loss"] ?? ""))
    #expect(accuracy > 0.7 && accuracy <= 1, "moons are easy: \(accuracy)")
    #expect(loss > 0 && loss != Double(held["final_val_loss"] ?? ""), "the test split is its own set")
    #expect(byFraction["0.0"]?["test_accuracy"] == "" && byFraction["0.0"]?["test_loss"] == "")
    let id = try #require(held["run_id"])
    let status = try String(contentsOf: dir.appendingPathComponent("out/t/runs/\(id)/status.json"), encoding: .utf8)
    #expect(status.contains("\"test_accuracy\" : \(held["test_accuracy"]!)") || status.contains("\"test_accuracy\" : 0."), "\(status)")
  }
}
