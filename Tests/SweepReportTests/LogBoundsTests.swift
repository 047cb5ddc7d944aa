import Foundation
import SweepResults
import Testing
import TidyCSV

@testable import SweepReport

/// Steps and layers are checked against what the run declares before anything is
/// sized by them (issue 14, bug 9); grouping is a dictionary, not a filter per value.
@Suite struct LogBoundsTests {
  static func file(_ text: String, in dir: URL, _ name: String = "layers.csv") throws -> URL {
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  static func damage(_ body: () throws -> Void) -> String? {
    do {
      try body()
    } catch let error as ResultsError {
      if case .damaged = error { return error.description }
      return "not damaged: \(error)"
    } catch {
      return "\(error)"
    }
    return nil
  }

  @Test func theDepthComesFromTheCanonicalConfig() throws {
    let dir = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = dir.appendingPathComponent("config.yaml")
    try "seed: 1\ndata:\n  depth: 9\nmodel:\n  width: 8\n  depth: 3\n  widths: null\ntraining:\n  steps: null\n"
      .write(to: config, atomically: true, encoding: .utf8)
    #expect(LogBounds.hiddenLayers(inConfig: config) == 3)
    try "model:\n  depth: 3\n  widths: [4, 4, 4, 4]\n".write(to: config, atomically: true, encoding: .utf8)
    #expect(LogBounds.hiddenLayers(inConfig: config) == 4)
    try "model: {depth: 3}\n".write(to: config, atomically: true, encoding: .utf8)
    #expect(LogBounds.hiddenLayers(inConfig: config) == nil)
    #expect(LogBounds.hiddenLayers(inConfig: dir.appendingPathComponent("absent.yaml")) == nil)
    let status = RunStatus(status: .diverged, steps: 7, divergedAtStep: 9)
    #expect(LogBounds.read(runFolder: dir, status: status).lastStep == 9)
    #expect(LogBounds.read(runFolder: dir, status: RunStatus(status: .failed, steps: 0)).lastStep == nil)
  }

  @Test func aLayerBeyondTheModelOrTheFileIsAnErrorAtItsLine() throws {
    let dir = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: dir) }
    let header = "step,layer,grad_b_norm\n"
    let good = try Self.file(header + "0,1,0.5\n0,2,0.25\n0,3,1\n", in: dir)
    let log = try LayerLog.read(good, bounds: LogBounds(hiddenLayers: 2, lastStep: 0)).log
    #expect(log.hiddenLayers == 2)

    // Beyond config.yaml's depth (L = 2: layers 1…3).
    let deep = try Self.file(header + "0,1,0.5\n0,4,0.25\n0,3,1\n0,2,1\n", in: dir)
    let beyond = Self.damage { _ = try LayerLog.read(deep, bounds: LogBounds(hiddenLayers: 2, lastStep: 0)) }
    #expect(beyond?.contains("layers.csv:3: error: layer 4 is out of range: config.yaml's model has 2 hidden layers") == true, "\(beyond ?? "")")

    // Without a config, a layer of 10⁸ in a 1-row file: refused by the row count, not allocated.
    let huge = try Self.file(header + "0,100000000,0.5\n", in: dir)
    let refused = Self.damage { _ = try LayerLog.read(huge, bounds: LogBounds()) }
    #expect(refused?.contains("layers.csv:2: error: layer 100000000 is out of range") == true, "\(refused ?? "")")
    // …and a hostile config.yaml declaring 10⁸ hidden layers does not lift that bound.
    let lifted = Self.damage { _ = try LayerLog.read(huge, bounds: LogBounds(hiddenLayers: 100_000_000)) }
    #expect(lifted?.contains("so no layer exceeds 1") == true, "\(lifted ?? "")")

    // Not whole numbers, empty, negative, huge: errors, never a trap.
    for (value, says) in [
      ("1.5", "layer 1.5 is not a whole number"), ("", "layer is empty"), ("nan", "layer nan is not a whole number"),
      ("1e300", "is not a whole number"), ("-1", "layer -1 is out of range"), ("0", "layer 0 is out of range"),
    ] {
      let url = try Self.file(header + "0,\(value),0.5\n", in: dir)
      let message = Self.damage { _ = try LayerLog.read(url, bounds: LogBounds()) }
      #expect(message?.contains(says) == true, "\(value): \(message ?? "read")")
    }
  }

  @Test func aStepBeyondTheRunsIsAnErrorAtItsLine() throws {
    let dir = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = try Self.file("step,loss\n0,1\n\n10,0.5\n11,0.4\n", in: dir, "metrics.csv")
    #expect(try MetricsLog.read(url, bounds: LogBounds(lastStep: 11)).log.step == [0, 10, 11])
    let message = Self.damage { _ = try MetricsLog.read(url, bounds: LogBounds(lastStep: 10)) }
    // Line 5: the blank line 3 counts.
    #expect(message?.contains("metrics.csv:5: error: step 11 is out of range: status.json says the run ended at step 10") == true, "\(message ?? "")")
    let trap = try Self.file("step,loss\n1e19,1\n", in: dir, "metrics.csv")
    #expect(Self.damage { _ = try MetricsLog.read(trap) }?.contains("step 1e+19 is not a whole number") == true)
  }

  @Test func aLogLargerThanTheRunCanWriteIsRefusedBeforeItIsRead() throws {
    let dir = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = dir.appendingPathComponent("config.yaml")
    try "model:\n  depth: 2\n  widths: null\nlog:\n  every: 5\n  validate: true\n"
      .write(to: config, atomically: true, encoding: .utf8)
    #expect(LogBounds.declared(inConfig: config).logEvery == 5)
    let bounds = LogBounds.read(runFolder: dir, status: RunStatus(status: .completed, steps: 10))
    #expect(bounds == LogBounds(hiddenLayers: 2, lastStep: 10, logEvery: 5))
    // Steps 0, 5, 10 (+ room for a divergence record): 5 × 3 layer rows of ≤ 4096 bytes.
    let row = "0,1," + String(repeating: "1", count: 100) + "\n"
    let fits = try Self.file("step,layer,x\n" + String(repeating: row, count: 15), in: dir)
    #expect(throws: Never.self) { try bounds.checkSize(of: fits, rowsPerStep: 3) }
    let big = try Self.file("step,layer,x\n" + String(repeating: "0,1,1\n", count: 15 * 4096 / 6 + 2000), in: dir)
    let message = Self.damage { _ = try LayerLog.read(big, bounds: bounds) }
    #expect(message?.contains("more than a run of 10 steps logged every 5 can write (at most 15 rows") == true, "\(message ?? "")")
    // Unknown interval or steps: not bounded by size (the row checks still apply).
    #expect(throws: Never.self) { try LogBounds(hiddenLayers: 2, lastStep: 10).checkSize(of: big, rowsPerStep: 3) }
  }

  @Test func aDamagedRunIsLeftOutAndNamedWhileTheOthersReport() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let bad = sweep.runs[0].id
    let layers = folder.appendingPathComponent("runs/\(bad)/layers.csv")
    var lines = try String(contentsOf: layers, encoding: .utf8).components(separatedBy: "\n")
    var fields = lines[2].components(separatedBy: ",")
    fields[1] = "100000000"
    lines[2] = fields.joined(separator: ",")
    try lines.joined(separator: "\n").write(to: layers, atomically: true, encoding: .utf8)

    let results = try ResultsFolder(url: folder)
    #expect(results.problems.count == 1)
    #expect(results.problems.first?.contains("runs/\(bad)/layers.csv:3: error: layer 100000000") == true, "\(results.problems)")
    #expect(!results.rows.map(\.runID).contains(bad))
    #expect(results.rows.count == sweep.runs.filter { $0.status != nil }.count - 1)
  }

  @Test func combinationsComeInSweepOrderAndGroupsAreBuiltOncePerAxisList() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder("bounds")
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let data = ReportData(folder: try ResultsFolder(url: folder), generated: Date())
    let axes = ["model.activation", "model.depth"]
    // The order the cross product of the axis values gives, filtered to planned combinations.
    #expect(data.plannedCombinations(of: axes) == [["sigmoid", "2"], ["sigmoid", "4"], ["relu", "2"], ["relu", "4"]])
    #expect(data.plannedCombinations(of: ["model.depth"]) == [["2"], ["4"]])
    // Grouping through the dictionary gives what a filter over all runs gives.
    for combo in data.plannedCombinations(of: axes) {
      let filtered = data.runs.filter { run in zip(axes, combo).allSatisfy { data.value(run, $0) == $1 } }
      #expect(data.runs(where: axes, equal: combo).map(\.runID) == filtered.map(\.runID))
      #expect(data.results(where: axes, equal: combo).map(\.runID) == filtered.filter(\.row.isResult).map(\.runID))
    }
    #expect(data.runs(where: axes, equal: ["tanh", "2"]).isEmpty)
    // One group table per list of axes, whatever the number of lookups.
    _ = data.bestConfiguration
    _ = data.bestConfiguration
    #expect(data.groups.cachedAxisLists == [axes])
  }
}
