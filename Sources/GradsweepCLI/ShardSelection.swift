import ArgumentParser

/// `--shard I/N`: shard I (0-based) of N, as Slurm's `$SLURM_ARRAY_TASK_ID/N`.
struct ShardSelection: ExpressibleByArgument, Equatable {
  var index: Int
  var count: Int

  init?(argument: String) {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else { return nil }
    index = i
    count = n
  }

  static var defaultCompletionKind: CompletionKind { .default }
}
