/// An in-memory data set: row-major Float32 features plus either class labels or
/// real-valued targets. Immutable and `Sendable`, so one instance is shared
/// read-only by every concurrent run that trains on it.
package struct Dataset: Sendable, Equatable {
  /// What the rows are labelled with.
  package enum Targets: Sendable, Equatable {
    /// One class index in `0..<classCount` per row.
    case classes(labels: [Int32], classCount: Int)
    /// `outputCount` real targets per row, row-major.
    case values([Float], outputCount: Int)
  }

  /// Row-major features, `count × featureCount`.
  package let features: [Float]
  package let featureCount: Int
  package let targets: Targets

  package init(features: [Float], featureCount: Int, targets: Targets) {
    self.features = features
    self.featureCount = featureCount
    self.targets = targets
  }

  /// Number of rows (examples).
  package var count: Int { featureCount == 0 ? 0 : features.count / featureCount }

  /// Width of the network's output layer for these targets.
  package var outputCount: Int {
    switch targets {
    case .classes(_, let classCount): classCount
    case .values(_, let outputCount): outputCount
    }
  }

  /// True for class labels.
  package var isClassification: Bool {
    if case .classes = targets { return true }
    return false
  }

  /// The rows at `indices`, in that order (used for splits and subsets).
  package func subset(_ indices: [Int]) -> Dataset {
    var rows = [Float]()
    rows.reserveCapacity(indices.count * featureCount)
    for i in indices {
      rows.append(contentsOf: features[(i * featureCount)..<((i + 1) * featureCount)])
    }
    switch targets {
    case .classes(let labels, let classCount):
      return Dataset(
        features: rows, featureCount: featureCount,
        targets: .classes(labels: indices.map { labels[$0] }, classCount: classCount))
    case .values(let values, let outputCount):
      var picked = [Float]()
      picked.reserveCapacity(indices.count * outputCount)
      for i in indices { picked.append(contentsOf: values[(i * outputCount)..<((i + 1) * outputCount)]) }
      return Dataset(features: rows, featureCount: featureCount, targets: .values(picked, outputCount: outputCount))
    }
  }
}
