/// NumPy's legacy `RandomState` generator (MT19937) with the exact draws the MNIST-1D
/// reference uses — `rand()`, `randn()`, `choice(n)`/`randint(0, n)` and
/// `permutation(n)` — so `np.random.seed(42)` followed by the reference procedure and
/// `NumPyRandomState(seed: 42)` followed by ours consume the same numbers and produce
/// the published data set, not just one like it.
///
/// MT19937 (Matsumoto & Nishimura 1998): 624 words of state, period 2¹⁹⁹³⁷ − 1.
/// Seeding follows NumPy: a seed < 2³² is `init_genrand(seed)` (what `np.random.seed(s)`
/// does); a larger seed is `init_by_array([low 32 bits, high 32 bits])`, what
/// `np.random.seed([low, high])` does.
struct NumPyRandomState: Sendable {
  private var state = [UInt32](repeating: 0, count: 624)
  private var index = 624
  /// The polar method makes normals in pairs; NumPy keeps the second for the next call.
  private var spareNormal: Double? = nil

  init(seed: UInt64) {
    if seed <= UInt64(UInt32.max) {
      initGenrand(UInt32(seed))
    } else {
      initByArray([UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)])
    }
  }

  private mutating func initGenrand(_ seed: UInt32) {
    state[0] = seed
    for i in 1..<624 {
      state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
    }
    index = 624
  }

  private mutating func initByArray(_ key: [UInt32]) {
    initGenrand(19_650_218)
    var i = 1, j = 0
    for _ in 0..<max(624, key.count) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
      i += 1
      j += 1
      if i >= 624 { state[0] = state[623]; i = 1 }
      if j >= key.count { j = 0 }
    }
    for _ in 0..<623 {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= 624 { state[0] = state[623]; i = 1 }
    }
    state[0] = 0x8000_0000
    index = 624
  }

  /// The next tempered 32-bit output.
  mutating func next32() -> UInt32 {
    if index >= 624 { regenerate() }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  private mutating func regenerate() {
    func twist(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
      let y = (a & 0x8000_0000) | (b & 0x7FFF_FFFF)
      return c ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
    }
    for k in 0..<227 { state[k] = twist(state[k], state[k + 1], state[k + 397]) }
    for k in 227..<623 { state[k] = twist(state[k], state[k + 1], state[k - 227]) }
    state[623] = twist(state[623], state[0], state[396])
    index = 0
  }

  /// `np.random.rand()`: 53 random bits, (a·2²⁶ + b)/2⁵³ with a = next >> 5, b = next >> 6.
  mutating func uniform() -> Double {
    let a = Double(next32() >> 5), b = Double(next32() >> 6)
    return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
  }

  /// `np.random.randn()`: the Marsaglia polar method, as NumPy's `legacy_gauss`.
  ///
  ///     x₁, x₂ ~ U(−1, 1) until 0 < r² = x₁² + x₂² < 1;  f = √(−2 ln r² / r²)
  ///     return f·x₂ now and f·x₁ on the next call
  mutating func normal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    var x1 = 0.0, x2 = 0.0, r2 = 0.0
    repeat {
      x1 = 2 * uniform() - 1
      x2 = 2 * uniform() - 1
      r2 = x1 * x1 + x2 * x2
    } while r2 >= 1 || r2 == 0
    let f = (-2 * log(r2) / r2).squareRoot()
    spareNormal = f * x1
    return f * x2
  }

  /// `np.random.choice(n)` = `np.random.randint(0, n)` of `RandomState`: masked
  /// rejection — draw 32 bits, keep the lowest ⌈log₂ n⌉, retry while ≥ n.
  mutating func integer(below n: Int) -> Int {
    interval(UInt32(n - 1))
  }

  /// A uniform integer in 0...maximum by masked rejection (NumPy's `random_interval`
  /// and its masked bounded-integer path, which agree for 32-bit ranges).
  private mutating func interval(_ maximum: UInt32) -> Int {
    if maximum == 0 { return 0 }
    var mask = maximum
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    while true {
      let value = next32() & mask
      if value <= maximum { return Int(value) }
    }
  }

  /// `np.random.permutation(n)`: a Fisher–Yates shuffle of 0..<n from the last
  /// position down, j = interval(i).
  mutating func permutation(_ n: Int) -> [Int] {
    var values = Array(0..<n)
    var i = n - 1
    while i > 0 {
      values.swapAt(i, interval(UInt32(i)))
      i -= 1
    }
    return values
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
