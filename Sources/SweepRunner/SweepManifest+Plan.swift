import Foundation
import SweepResults
import SweepSpec

extension SweepManifest {
  /// The manifest of a sweep about to run: every planned run with its axis values.
  package init(plan: SweepPlan, version: String, jobs: Int, created: Date) {
    self.init(
      name: plan.name, description: plan.description, axes: plan.axisPaths, zipGroups: plan.zipGroups,
      runs: plan.runs.map { run in
        ManifestRun(
          runID: run.id, index: run.index,
          axisValues: Dictionary(uniqueKeysWithValues: zip(plan.axisPaths, run.axisValues)),
          seed: Int(truncatingIfNeeded: run.config.seed))
      },
      report: plan.report, reference: plan.reference, gradsweepVersion: version,
      created: ISO8601DateFormatter().string(from: created),
      cores: ProcessInfo.processInfo.activeProcessorCount, jobs: jobs)
  }
}
