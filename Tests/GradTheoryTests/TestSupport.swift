import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014) with Box–Muller normals: a tiny seeded
/// generator owned by each test, so Monte-Carlo checks are reproducible.
struct TestRandom {
  private var state: UInt64
  private var spare: Double?

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in (0, 1).
  mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

  /// Standard normal.
  mutating func normal() -> Double {
    if let value = spare {
      spare = nil
      return value
    }
    let r = (-2 * log(unit())).squareRoot(), angle = 2 * Double.pi * unit()
    spare = r * sin(angle)
    return r * cos(angle)
  }
}

/// |a − b| ≤ tolerance · max(|b|, floor).
func close(_ a: Double, _ b: Double, relative tolerance: Double, floor: Double = 1e-300) -> Bool {
  abs(a - b) <= tolerance * max(abs(b), floor)
}
