import Synchronization

/// The finished runs of a report grouped by their values of some axes, built once per
/// list of axes and kept: `ReportData.runs(where:equal:)` is then a dictionary lookup.
///
/// Tables and charts ask for the runs of every combination of values of the axes they
/// show; filtering all runs for each combination made a report cost runs × values
/// (20,000 runs × 400 values: minutes). Grouping is one pass over the runs per list
/// of axes, so a report is linear in the runs.
///
/// Edge cases: indices keep the runs' order (manifest order) within each group; a
/// combination no run has gives an empty list.
final class RunGroups: Sendable {
  /// axes → (values of those axes → indices into `ReportData.runs`).
  private let cache = Mutex<[[String]: [[String]: [Int]]]>([:])

  init() {}

  /// The groups for `axes`, built with `key` (a run index → its values) on first use.
  func groups(for axes: [String], count: Int, key: (Int) -> [String]) -> [[String]: [Int]] {
    if let known = cache.withLock({ $0[axes] }) { return known }
    var groups: [[String]: [Int]] = [:]
    for i in 0 ..< count { groups[key(i), default: []].append(i) }
    cache.withLock { $0[axes] = groups }
    return groups
  }

  /// The lists of axes grouped so far (sorted), for tests.
  var cachedAxisLists: [[String]] {
    cache.withLock { $0.keys.sorted { $0.lexicographicallyPrecedes($1) } }
  }
}
