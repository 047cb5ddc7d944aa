import Foundation
import GradData
import GradEngine
import SweepSpec

/// Every distinct data set a sweep trains on, built once before any training starts
/// and then shared read-only by all concurrent runs: memory grows with the number of
/// distinct `data:` configurations, not with the number of runs.
struct DataCatalog: Sendable {
  /// A data configuration with its effective seed: two runs share a data set exactly
  /// when these are equal.
  struct Key: Hashable, Sendable {
    var spec: DataSpec
    var seed: UInt64
  }

  private let splits: [Key: DataSplit]

  /// The key of a run's data: `data.seed` when set, else the sweep's base seed (MNIST-1D:
  /// its published seed 42), so replicates share their data and differ in
  /// initialisation and batch order only.
  static func key(for run: PlannedRun, sweepSeed: UInt64) -> Key {
    Key(spec: run.config.data, seed: DataLoader.dataSeed(run.config.data, defaultSeed: sweepSeed))
  }

  /// Checks every distinct data configuration, then loads each once. Throws a located
  /// error naming the sweep file's field, before any result is written.
  init(plan: SweepPlan, runs: [PlannedRun], sweepSeed: UInt64) throws {
    let baseDirectory = URL(fileURLWithPath: plan.sourcePath).deletingLastPathComponent()
    var keys: [Key] = []
    var seen = Set<Key>()
    for run in runs {
      let key = Self.key(for: run, sweepSeed: sweepSeed)
      if seen.insert(key).inserted { keys.append(key) }
    }
    var problems: [String] = []
    for key in keys {
      for problem in DataLoader.validate(key.spec, baseDirectory: baseDirectory) {
        problems.append(Self.locate(problem.description, field: problem.field, in: plan))
      }
    }
    guard problems.isEmpty else { throw DataCatalogError(messages: problems) }
    var splits: [Key: DataSplit] = [:]
    for key in keys {
      do {
        splits[key] = try DataLoader.load(key.spec, baseDirectory: baseDirectory, defaultSeed: key.seed)
      } catch {
        throw DataCatalogError(messages: [Self.locate("\(error)", field: (error as? DataProblem)?.field, in: plan)])
      }
    }
    self.splits = splits
  }

  subscript(key: Key) -> DataSplit? { splits[key] }

  /// Prefixes a data error with the sweep file's location of the field at fault.
  private static func locate(_ message: String, field: String?, in plan: SweepPlan) -> String {
    guard let field, let location = plan.location(ofKeyPath: field) else {
      return "\(plan.sourcePath): error: \(message)"
    }
    return "\(location): error: \(message)"
  }
}

/// Data that cannot be built: reported before anything is trained or written.
package struct DataCatalogError: Error, CustomStringConvertible {
  package let messages: [String]
  package var description: String { messages.joined(separator: "\n") }
}
