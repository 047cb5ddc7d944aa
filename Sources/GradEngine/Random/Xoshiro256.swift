/// Xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64.
///
///     result = rotl(s1 · 5, 7) · 9;  t = s1 << 17
///     s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
///
/// Properties: period 2²⁵⁶ − 1, passes BigCrush, 4 words of state, no global state.
/// Every consumer receives its generator `inout`, so a run's numbers depend only on
/// its seed, never on the thread it ran on or what ran beside it.
@usableFromInline package struct Xoshiro256: RandomNumberGenerator, Sendable, Equatable {
  @usableFromInline var s0: UInt64
  @usableFromInline var s1: UInt64
  @usableFromInline var s2: UInt64
  @usableFromInline var s3: UInt64

  /// Expands a 64-bit seed into the 256-bit state with SplitMix64, as the authors recommend.
  package init(seed: UInt64) {
    var mixer = SplitMix64(seed: seed)
    s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
  }

  @inlinable @inline(__always)
  static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

  @inlinable
  package mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// Uniform Double in [0, 1) from the top 53 bits.
  @inlinable
  package mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Uniform Double in (0, 1]: safe to take the logarithm of.
  @inlinable
  package mutating func nextOpenUnit() -> Double {
    (Double(next() >> 11) + 1) * 0x1.0p-53
  }

  /// Uniform Double in [lower, upper).
  @inlinable
  package mutating func nextUniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * nextUnit()
  }

  // nextNormal(): the ziggurat, in Ziggurat.swift.

  /// Uniform integer in 0..<bound without modulo bias (Lemire's method via the stdlib).
  @inlinable
  package mutating func nextIndex(below bound: Int) -> Int {
    Int.random(in: 0..<bound, using: &self)
  }

  /// Fisher–Yates shuffle of `indices` in place, consuming `indices.count − 1` draws.
  package mutating func shuffle(_ indices: inout [Int]) {
    var i = indices.count - 1
    while i > 0 {
      let j = nextIndex(below: i + 1)
      indices.swapAt(i, j)
      i -= 1
    }
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014): `z = (x += 0x9E3779B97F4A7C15)`, then two
/// xor-shift-multiply rounds. Used to seed Xoshiro256 and to derive independent seeds.
package struct SplitMix64: RandomNumberGenerator, Sendable {
  package var state: UInt64
  package init(seed: UInt64) { state = seed }
  @inlinable
  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
