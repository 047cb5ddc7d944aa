import Foundation
import Testing
@testable import GradEngine

/// Φ(x), the standard normal CDF (libm's erfc: only the test's reference).
private func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// Distance in units in the last place between two finite Doubles of the same sign.
private func ulps(_ a: Double, _ b: Double) -> Int64 {
  if a == b { return 0 }
  return abs(Int64(bitPattern: a.bitPattern) - Int64(bitPattern: b.bitPattern))
}

@Suite("Gaussian draws: the ziggurat and its portable exp/log")
struct NormalSamplerTests {
  @Test("portableExp and portableLog are within 1 ulp of libm; edge cases")
  func portableFunctions() {
    var g = Xoshiro256(seed: 11)
    var worstExp: Int64 = 0, worstLog: Int64 = 0
    for _ in 0..<200_000 {
      let x = g.nextUniform(-700, 700)
      worstExp = max(worstExp, ulps(portableExp(x), exp(x)))
      let y = x < 0 ? g.nextUniform(-6, 6) : x  // half the arguments near 0, where exp ≈ 1
      worstExp = max(worstExp, ulps(portableExp(y), exp(y)))
      let z = Double(sign: .plus, exponent: Int(g.nextIndex(below: 2000)) - 1000, significand: 1 + g.nextUnit())
      worstLog = max(worstLog, ulps(portableLog(z), log(z)))
      let w = 1 + g.nextUniform(-0.3, 0.3)  // near 1, where ln x ≈ x − 1
      worstLog = max(worstLog, ulps(portableLog(w), log(w)))
    }
    #expect(worstExp <= 1 && worstLog <= 1, "exp \(worstExp) ulp, log \(worstLog) ulp")
    #expect(portableExp(0) == 1 && portableLog(1) == 0)
    #expect(portableExp(710) == .infinity && portableExp(-750) == 0 && portableExp(.nan).isNaN)
    #expect(portableLog(0) == -.infinity && portableLog(-1).isNaN && portableLog(.infinity) == .infinity)
    #expect(ulps(portableLog(Double.leastNonzeroMagnitude), log(Double.leastNonzeroMagnitude)) <= 1)
    #expect(ulps(portableLog(Double.greatestFiniteMagnitude), log(Double.greatestFiniteMagnitude)) <= 1)
  }

  @Test("the ziggurat's layers have equal areas and close at the top (x₀ = 0)")
  func tables() {
    let t = ZigguratTables.shared
    let v = 0.004_928_673_233_99
    var previousX = 0.0
    for i in 1..<256 {
      let x = t.width[i] * 0x1p52, xBelow = i == 1 ? 0 : t.width[i - 1] * 0x1p52
      #expect(x > previousX)
      previousX = x
      // Layer i: the rectangle [0, xᵢ] × [f(xᵢ), f(x_{i−1})].
      let area = x * (t.density[i - 1] - t.density[i])
      #expect(abs(area / v - 1) < 1e-9, "layer \(i): area \(area)")
      #expect(abs(t.density[i] - exp(-0.5 * x * x)) <= 1e-15)
      if i >= 2 { #expect(Double(t.threshold[i]) == (xBelow / x * 0x1p52).rounded(.towardZero)) }
    }
    #expect(t.width[255] * 0x1p52 == ZigguratTables.r)
    // The base strip: rectangle r·f(r) plus the tail ∫ᵣ^∞ f = √(π/2)·erfc(r/√2) is v.
    let r = ZigguratTables.r
    let base = r * exp(-0.5 * r * r) + (Double.pi / 2).squareRoot() * erfc(r / 2.0.squareRoot())
    #expect(abs(base / v - 1) < 1e-9)
    // Closing: the layer above x₁ reaches f = 1 at x₀ = 0 (v/x₁ + f(x₁) = 1).
    let x1 = t.width[1] * 0x1p52
    #expect(abs(v / x1 + exp(-0.5 * x1 * x1) - 1) < 1e-9)
  }

  @Test("a seed gives these exact normals (the same bits on every CPU and OS)")
  func pinnedBits() {
    var g = Xoshiro256(seed: 42)
    let drawn = (0..<8).map { _ in g.nextNormal().bitPattern }
    #expect(drawn == Self.pinned, "\(drawn.map { "0x" + String($0, radix: 16) })")
  }

  static let pinned: [UInt64] = [
    0xbfde_9fb1_1564_1919, 0x3fa8_cf63_d4a8_946e, 0xbfe8_ed1d_357b_7ae2, 0x3fe6_80d7_5d8b_184a,
    0x3ff4_2599_a103_1d5a, 0x3fc4_ebe6_9536_88e4, 0xbff6_f536_1e03_4849, 0x3ff4_43f2_1d0c_7fe6,
  ]

  @Test("moments of 2,000,000 draws: mean 0, variance 1, skewness 0, kurtosis 3")
  func moments() {
    var g = Xoshiro256(seed: 2026)
    let n = 2_000_000
    var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
    for _ in 0..<n {
      let z = g.nextNormal()
      let z2 = z * z
      s1 += z; s2 += z2; s3 += z2 * z; s4 += z2 * z2
    }
    let m = Double(n)
    // Standard errors of the sample moments of N(0, 1): √(1/n), √(2/n), √(15/n), √(96/n).
    #expect(abs(s1 / m) < 4 * (1 / m).squareRoot())
    #expect(abs(s2 / m - 1) < 4 * (2 / m).squareRoot())
    #expect(abs(s3 / m) < 4 * (15 / m).squareRoot())
    #expect(abs(s4 / m - 3) < 4 * (96 / m).squareRoot())
  }

  /// ln z² probes the density near 0 (the ziggurat's top layers and wedges), which the
  /// moments above barely see: ln χ²₁ has mean ψ(½) + ln 2 = −γ − ln 2 and variance
  /// ψ′(½) = π²/2, fourth cumulant ψ‴(½) = π⁴ (Abramowitz & Stegun 6.4). ReLU ensembles
  /// of narrow nets (Hanin 2018) average exactly such logarithms.
  @Test("ln z² of 4,000,000 draws: mean −γ − ln 2, variance π²/2")
  func logSquareMoments() {
    var g = Xoshiro256(seed: 99)
    let n = 4_000_000
    var s1 = 0.0, s2 = 0.0
    for _ in 0..<n {
      let z = g.nextNormal()
      let y = log(z * z)
      s1 += y; s2 += y * y
    }
    let m = Double(n)
    let mean = s1 / m, variance = s2 / m - mean * mean
    let sigma2 = Double.pi * Double.pi / 2, kappa4 = pow(Double.pi, 4)
    #expect(abs(mean - (-0.577_215_664_901_532_9 - log(2.0))) < 4 * (sigma2 / m).squareRoot())
    #expect(abs(variance - sigma2) < 4 * ((kappa4 + 2 * sigma2 * sigma2) / m).squareRoot(), "\(variance)")
  }

  @Test("Kolmogorov–Smirnov and χ² against N(0, 1) (fixed seed)")
  func goodnessOfFit() {
    var g = Xoshiro256(seed: 7)
    let n = 200_000
    let sample = (0..<n).map { _ in g.nextNormal() }.sorted()
    var d = 0.0
    for (i, z) in sample.enumerated() {
      let f = normalCDF(z)
      d = max(d, Double(i + 1) / Double(n) - f, f - Double(i) / Double(n))
    }
    // √n·D exceeds 1.63 with probability 1 % under N(0, 1).
    #expect(d * Double(n).squareRoot() < 1.63, "KS √n·D = \(d * Double(n).squareRoot())")
    // χ² over 200 equiprobable bins (199 degrees of freedom; the 99.9 % point is 268).
    let bins = 200
    var counts = [Int](repeating: 0, count: bins)
    for z in sample { counts[min(bins - 1, Int(normalCDF(z) * Double(bins)))] += 1 }
    let expected = Double(n) / Double(bins)
    let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    #expect(chi2 < 268, "χ² = \(chi2)")
  }

  @Test("tails: P(|z| > t) for t up to 4.5; the tail method beyond r follows the normal's tail")
  func tails() {
    var g = Xoshiro256(seed: 99)
    let n = 2_000_000
    let limits = [2.0, 3.0, ZigguratTables.r, 4.0, 4.5]
    var beyond = [Int](repeating: 0, count: limits.count)
    var positive = 0
    for _ in 0..<n {
      let z = g.nextNormal()
      if z > 0 { positive += 1 }
      let a = abs(z)
      for (j, t) in limits.enumerated() where a > t { beyond[j] += 1 }
    }
    for (j, t) in limits.enumerated() {
      let p = 2 * normalCDF(-t)
      let mean = Double(n) * p, sd = (Double(n) * p * (1 - p)).squareRoot()
      #expect(abs(Double(beyond[j]) - mean) < 4 * sd + 1, "|z| > \(t): \(beyond[j]) draws, expected \(mean)")
    }
    #expect(abs(Double(positive) - Double(n) / 2) < 4 * (Double(n) / 4).squareRoot())
    // The base strip's tail method alone (no cut-off, unlike Box–Muller with 53-bit
    // uniforms, which stops at |z| ≈ 8.6): 20,000 draws beyond r, whose law must be the
    // normal's conditioned on |z| > r: mean φ(r)/Φ(−r), P(|z| > 4.5) = Φ(−4.5)/Φ(−r).
    let r = ZigguratTables.r
    let tail = (0..<20_000).map { i in
      abs(ZigguratTables.shared.rejectOrAccept(layer: 0, x: 0, bits: UInt64(i) << 8, using: &g)!)
    }
    #expect(tail.allSatisfy { $0 > r })
    let tailMean = tail.reduce(0, +) / Double(tail.count)
    let expectedMean = exp(-0.5 * r * r) / (2 * Double.pi).squareRoot() / normalCDF(-r)
    // The conditional standard deviation beyond r is ≈ 0.25: 4 standard errors ≈ 0.007.
    #expect(abs(tailMean - expectedMean) < 0.007, "tail mean \(tailMean), expected \(expectedMean)")
    let p = normalCDF(-4.5) / normalCDF(-r)
    let count = Double(tail.filter { $0 > 4.5 }.count)
    #expect(abs(count - 20_000 * p) < 4 * (20_000 * p * (1 - p)).squareRoot() + 1)
  }
}
