import SweepSpec

/// Splits a sweep's runs into `count` shards for a Slurm job array (or any set of
/// machines) so that each shard gets about the same amount of work.
///
/// Longest-processing-time-first: runs sorted by estimated cost (descending, ties by
/// plan index) go one by one to the shard with the least work so far (ties: lowest
/// shard). Costs are integers computed from the config alone, so every machine
/// computes the same partition without loading any data; LPT's makespan is at most
/// 4/3 of the optimum.
package enum ShardPartition {
  /// The plan indices of shard `index` (0-based) of `count`, in plan order.
  package static func runs(of plan: SweepPlan, shard index: Int, of count: Int) -> Set<Int> {
    let assignment = assign(plan.runs, shards: count)
    return Set(plan.runs.indices.filter { assignment[$0] == index }.map { plan.runs[$0].index })
  }

  /// The shard of each run, in `runs` order.
  package static func assign(_ runs: [PlannedRun], shards: Int) -> [Int] {
    let costs = runs.map(estimatedCost)
    let order = runs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : runs[$0].index < runs[$1].index }
    var load = [UInt64](repeating: 0, count: shards)
    var shardOf = [Int](repeating: 0, count: runs.count)
    for i in order {
      var best = 0
      for s in 1..<shards where load[s] < load[best] { best = s }
      shardOf[i] = best
      load[best] &+= costs[i]
    }
    return shardOf
  }

  /// Multiply-adds per example × examples seen, from the config alone (the input
  /// and output widths are not known before the data is loaded, so only the hidden
  /// layers count; that ranks runs well enough to balance them).
  package static func estimatedCost(_ run: PlannedRun) -> UInt64 {
    let config = run.config
    let widths = config.model.hiddenWidths
    var perExample: UInt64 = 0
    for (a, b) in zip(widths, widths.dropFirst()) { perExample += UInt64(a * b) }
    perExample += UInt64(widths.reduce(0, +)) * 16  // input and output layers, roughly
    let examples: UInt64
    switch config.training.length {
    case .steps(let steps):
      examples = UInt64(steps) * UInt64(config.training.batchSize)
    case .epochs(let epochs):
      let train = Double(config.data.samples) * (1 - config.data.validation)
      examples = UInt64(max(1, train)) * UInt64(epochs)
    }
    return max(1, perExample) * max(1, examples)
  }
}
