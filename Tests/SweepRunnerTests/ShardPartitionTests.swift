import SweepSpec
import Testing

@testable import SweepRunner

@Suite("Shard partition")
struct ShardPartitionTests {
  static let sweep = """
    name: shards
    data: {name: spirals, samples: 400}
    training: {epochs: 2}
    sweep:
      grid:
        model.depth: [1, 2, 4, 8, 16]
        model.width: [8, 64]
        model.activation: [tanh, relu]
    """

  static func plan() throws -> SweepPlan { try SweepLoader.load(text: sweep, path: "shards.yaml") }

  @Test(arguments: [1, 2, 3, 7, 20])
  func shardsPartitionTheRuns(count: Int) throws {
    let plan = try Self.plan()
    var seen: [Int] = []
    for shard in 0..<count {
      seen += ShardPartition.runs(of: plan, shard: shard, of: count)
    }
    #expect(seen.sorted() == plan.runs.map(\.index).sorted(), "every run in exactly one shard")
  }

  @Test func partitionIsDeterministicAndBalanced() throws {
    let plan = try Self.plan()
    let first = ShardPartition.assign(plan.runs, shards: 3)
    let again = ShardPartition.assign(try Self.plan().runs, shards: 3)
    #expect(first == again)
    var load = [UInt64](repeating: 0, count: 3)
    for (run, shard) in zip(plan.runs, first) { load[shard] += ShardPartition.estimatedCost(run) }
    let largest = plan.runs.map(ShardPartition.estimatedCost).max()!
    // LPT: no shard exceeds another by more than the single largest run.
    #expect(load.max()! - load.min()! <= largest)
    // Deeper and wider nets cost more.
    let costs = Dictionary(grouping: plan.runs, by: { $0.config.model.depth }).mapValues { runs in
      runs.map(ShardPartition.estimatedCost).max()!
    }
    #expect(costs[16]! > costs[1]!)
  }
}
