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
