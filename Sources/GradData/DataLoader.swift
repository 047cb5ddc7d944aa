import Foundation
import GradEngine

/// Builds or reads the data set a `DataSpec` describes, and splits and scales it.
///
/// Deterministic: the same spec and seed give identical bits, on any machine and
/// thread. The data seed is `spec.seed ?? defaultSeed` (MNIST-1D: `spec.seed ?? 42`,
/// the reference seed). From it, two independent streams (`SeedStreams`): `.data`
/// generates the examples, `.shuffling` draws the test/validation hold-outs — so
/// changing `validation` never changes the generated points.
///
/// Order of work: generate or read all examples (plus a separate test set for files,
/// or MNIST-1D's reference test part) → hold out `test_fraction` → hold out
/// `validation` of the rest → fit `scale` on the training split → apply it to all splits.
package enum DataLoader {
  /// Builds or reads the data set for `spec`. `baseDirectory` resolves relative file
  /// paths (the sweep file's folder). `defaultSeed` is used when `spec.seed` is nil.
  package static func load(_ spec: DataSpec, baseDirectory: URL, defaultSeed: UInt64) throws -> DataSplit {
    if let problem = validate(spec, baseDirectory: baseDirectory).first { throw problem }
    let seed = dataSeed(spec, defaultSeed: defaultSeed)
    let streams = SeedStreams(runSeed: seed)
    var generator = streams.generator(for: .data)
    let source = try makeSource(spec, seed: seed, baseDirectory: baseDirectory, using: &generator)

    var splitter = streams.generator(for: .shuffling)
    var pool = source.examples
    var test = source.test
    if test == nil && spec.testFraction > 0 {
      let (held, kept) = Splitting.holdOut(
        fraction: spec.testFraction, of: pool, stratify: spec.stratify, using: &splitter)
      if !held.isEmpty {
        test = pool.subset(held)
        pool = pool.subset(kept)
      }
    }
    var validation: Dataset? = nil
    if spec.validation > 0 {
      let (held, kept) = Splitting.holdOut(
        fraction: spec.validation, of: pool, stratify: spec.stratify, using: &splitter)
      if !held.isEmpty {
        validation = pool.subset(held)
        pool = pool.subset(kept)
      }
    }
    guard pool.count > 0 else {
      throw DataProblem(
        field: spec.validation > 0 ? "data.validation" : "data.test_fraction",
        message: "no training examples are left after the test and validation hold-outs",
        suggestion: "lower validation/test_fraction or use more samples")
    }
    let scaler = FeatureScaler(fitting: pool, method: spec.scale)
    return DataSplit(
      train: scaler.apply(pool), validation: validation.map(scaler.apply), test: test.map(scaler.apply))
  }

  /// The seed the data of `spec` is made with: `spec.seed`, else 42 for MNIST-1D (the
  /// reference data set), else `defaultSeed`.
  package static func dataSeed(_ spec: DataSpec, defaultSeed: UInt64) -> UInt64 {
    spec.seed ?? (spec.name == .mnist1d ? 42 : defaultSeed)
  }

  /// Every example of a source before the hold-outs, and a test set it brings itself.
  struct SourceData {
    var examples: Dataset
    var test: Dataset?
  }

  static func makeSource(
    _ spec: DataSpec, seed: UInt64, baseDirectory: URL, using generator: inout Xoshiro256
  ) throws -> SourceData {
    switch spec.name {
    case .spirals, .moons, .circles, .xor, .checkerboard, .gaussian:
      return SourceData(examples: Synthetic.generate(spec, using: &generator), test: nil)
    case .teacher:
      return SourceData(examples: Teacher.generate(spec, using: &generator), test: nil)
    case .mnist1d:
      let (values, labels) = MNIST1D.generate(samples: spec.samples, seed: seed)
      let all = Dataset(
        features: values.map(Float.init), featureCount: MNIST1D.length,
        targets: .classes(labels: labels, classCount: MNIST1D.classCount))
      // The reference's split: the first ⌊n(1 − f)⌋ of the shuffled set train, the rest test.
      let trainCount = Int((Double(all.count) * (1 - spec.testFraction)).rounded(.down))
      guard trainCount < all.count else { return SourceData(examples: all, test: nil) }
      return SourceData(
        examples: all.subset(Array(0..<trainCount)), test: all.subset(Array(trainCount..<all.count)))
    case .idx:
      return try IDXSource.load(spec, baseDirectory: baseDirectory)
    case .csv:
      return try CSVSource.load(spec, baseDirectory: baseDirectory)
    }
  }
}
