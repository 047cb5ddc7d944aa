import Foundation
import GradKernels
import SweepResults
import SweepSpec
import TidyCSV

@testable import SweepRunner

/// A temporary folder for one test, removed at the end.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweeprunner-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Loads a sweep from text; `folder` stands for the folder the sweep file is in.
func loadPlan(_ text: String, in folder: URL, name: String = "sweep.yaml") throws -> SweepPlan {
  try SweepLoader.load(text: text, path: folder.appendingPathComponent(name).path)
}

/// Runs a sweep in-process, quietly.
@discardableResult
func runSweep(
  _ plan: SweepPlan, into out: URL, jobs: Int, resume: Bool = false, retryFailed: Bool = false,
  retryDiverged: Bool = false, memoryLimit: UInt64 = ProcessInfo.processInfo.physicalMemory,
  splitMinimumWork: Int = CoreBudget.defaultMinimumWork
) throws -> SweepOutcome {
  var options = SchedulerOptions(
    jobs: jobs, resume: resume, retryFailed: retryFailed, retryDiverged: retryDiverged, progress: .quiet,
    version: "test", memoryLimit: memoryLimit)
  options.splitMinimumWork = splitMinimumWork
  return try SweepScheduler.run(plan, outputRoot: out, options: options, stop: StopFlag())
}

/// Every run's metrics.csv and layers.csv without elapsed_s, and its status.json
/// without seconds: what must not depend on how the sweep was run.
func runContents(_ sweepFolder: URL) throws -> [String: String] {
  let runs = sweepFolder.appendingPathComponent("runs")
  var contents: [String: String] = [:]
  for id in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !id.hasPrefix(".") {
    let folder = runs.appendingPathComponent(id)
    for file in ["metrics.csv", "layers.csv"] {
      var table = try CSVTable(contentsOf: folder.appendingPathComponent(file))
      if let i = table.index(of: "elapsed_s") {
        table.header.remove(at: i)
        table.rows = table.rows.map { var r = $0; r.remove(at: i); return r }
      }
      contents["\(id)/\(file)"] = ([table.header] + table.rows).map { $0.joined(separator: ",") }.joined(separator: "\n")
    }
    var status = try require(try RunStatus.read(from: folder.appendingPathComponent("status.json")), "status.json")
    status.seconds = nil
    contents["\(id)/status.json"] = String(decoding: try status.jsonData(), as: UTF8.self)
    contents["\(id)/config.yaml"] = try String(contentsOf: folder.appendingPathComponent("config.yaml"), encoding: .utf8)
  }
  return contents
}

/// `#require` outside a test function body.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
  guard let value else { throw TestFailure(what + " is nil") }
  return value
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
