import Foundation
import SweepSpec

/// `manifest.json`: what the sweep planned, so that a report (or a merge of Slurm
/// shards) can tell which runs are present and which are missing.
public struct Manifest: Codable, Sendable, Equatable {
  public struct Run: Codable, Sendable, Equatable {
    public var runID: String
    public var index: Int
    public var axisValues: [String: String]
    public var seed: UInt64
    enum CodingKeys: String, CodingKey {
      case runID = "run_id", index, axisValues = "axis_values", seed
    }
  }

  public var name: String
  public var description: String
  public var axes: [String]
  public var runs: [Run]
  public var report: ReportSpec
  public var gradsweepVersion: String
  public var created: String
  public var cores: Int
  public var jobs: Int

  enum CodingKeys: String, CodingKey {
    case name, description, axes, runs, report
    case gradsweepVersion = "gradsweep_version", created, cores, jobs
  }

  public init(plan: SweepPlan, version: String, jobs: Int, created: Date) {
    name = plan.name
    description = plan.description
    axes = plan.axisPaths
    runs = plan.runs.map { run in
      Run(
        runID: run.id, index: run.index,
        axisValues: Dictionary(uniqueKeysWithValues: zip(plan.axisPaths, run.axisValues)),
        seed: run.config.seed)
    }
    report = plan.report
    gradsweepVersion = version
    self.created = ISO8601DateFormatter().string(from: created)
    cores = ProcessInfo.processInfo.activeProcessorCount
    self.jobs = jobs
  }

  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
