import Foundation
import SweepResults
import Testing

@testable import SweepRunner

@Suite("Rerun", .serialized)
struct RunReplayTests {
  /// A sweep on a CSV file given by a path relative to the sweep file.
  static let sweep = """
    name: replay
    seed: 11
    data: {name: csv, path: data/points.csv, label_column: last, validation: 0.25}
    model: {width: 6, depth: 2, activation: tanh, initializer: xavier_normal}
    training: {optimizer: momentum, learning_rate: 0.05, batch_size: 8, epochs: 3}
    log: {every: 2}
    sweep:
      grid:
        model.activation: [tanh, relu]
    """

  static func writeData(in folder: URL) throws {
    var lines = ["x,y,label"]
    for i in 0..<80 {
      let t = Double(i) / 80 * 6.28
      lines.append("\(cos(t) * Double(i % 7)),\(sin(t) * Double(i % 5)),\(i % 2)")
    }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
    try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("data/points.csv"), atomically: true, encoding: .utf8)
  }

  @Test func aRunIsRepeatedFromItsFolderAloneAndComesOutIdentical() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.writeData(in: dir)
    let plan = try loadPlan(Self.sweep, in: dir)
    let outcome = try runSweep(plan, into: dir.appendingPathComponent("out"), jobs: 2)
    for run in plan.runs {
      let folder = ResultsLayout(root: outcome.resultsFolder).runFolder(run.id)
      let replay = try RunReplay.rerun(folder, into: dir.appendingPathComponent("again"), stop: StopFlag(), version: "test")
      #expect(replay.identical, "\(String(describing: replay.difference))")
      #expect(replay.newStatus.status == .completed && replay.oldStatus?.status == .completed)
      #expect(replay.newFolder.path.hasSuffix("again/runs/\(run.id)"))
    }
  }

  @Test func aChangedCellIsReportedWithItsLineAndColumn() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.writeData(in: dir)
    let plan = try loadPlan(Self.sweep, in: dir)
    let outcome = try runSweep(plan, into: dir.appendingPathComponent("out"), jobs: 1)
    let folder = ResultsLayout(root: outcome.resultsFolder).runFolder(plan.runs[0].id)
    let layersURL = folder.appendingPathComponent("layers.csv")
    var lines = try String(contentsOf: layersURL, encoding: .utf8).split(separator: "\n").map(String.init)
    var cells = lines[4].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let original = cells[4]
    cells[4] = "0.125"  // grad_b_norm of line 5: step 2, layer 1 (3 layers per step)
    lines[4] = cells.joined(separator: ",")
    try (lines.joined(separator: "\n") + "\n").write(to: layersURL, atomically: true, encoding: .utf8)

    let replay = try RunReplay.rerun(folder, into: dir.appendingPathComponent("again"), stop: StopFlag(), version: "test")
    let difference = try require(replay.difference, "difference")
    #expect(difference.description == "layers.csv line 5 (step 2, layer 1), column grad_b_norm: old 0.125, new \(original)")
  }

  @Test func refusesToWriteOverAnExistingRun() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.writeData(in: dir)
    let plan = try loadPlan(Self.sweep, in: dir)
    let outcome = try runSweep(plan, into: dir.appendingPathComponent("out"), jobs: 1)
    let folder = ResultsLayout(root: outcome.resultsFolder).runFolder(plan.runs[0].id)
    #expect(throws: SchedulerError.self) {
      try RunReplay.rerun(folder, into: outcome.resultsFolder, stop: StopFlag(), version: "test")
    }
    #expect(try RunStatus.read(from: folder.appendingPathComponent("status.json"))?.status == .completed)
  }
}
