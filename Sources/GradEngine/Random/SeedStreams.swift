/// The independent random streams of one run, all derived from the run's seed.
///
///     stream k = Xoshiro256(seed: SplitMix64(seed ⊕ (k · 0xD1B54A32D192ED03)).next())
///
/// Properties: changing how many numbers one purpose draws (say, a deeper network
/// drawing more weights) never shifts another purpose's numbers, so the data and the
/// mini-batch order of two runs that differ only in depth are identical.
package struct SeedStreams: Sendable, Equatable {
  /// The run's seed, as written in its config.
  package let runSeed: UInt64

  package init(runSeed: UInt64) { self.runSeed = runSeed }

  /// The purposes a run draws random numbers for; the raw value is the stream index.
  package enum Purpose: UInt64, CaseIterable, Sendable {
    case initialization = 1
    case data = 2
    case shuffling = 3
    case dropout = 4
  }

  /// The derived 64-bit seed of one stream (recorded in provenance).
  package func seed(for purpose: Purpose) -> UInt64 {
    var mixer = SplitMix64(seed: runSeed ^ (purpose.rawValue &* 0xD1B5_4A32_D192_ED03))
    return mixer.next()
  }

  /// A fresh generator for one purpose.
  package func generator(for purpose: Purpose) -> Xoshiro256 {
    Xoshiro256(seed: seed(for: purpose))
  }
}
