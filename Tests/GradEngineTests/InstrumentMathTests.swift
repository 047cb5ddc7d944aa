import Foundation
import Testing
@testable import GradEngine

/// The cyclic Jacobi eigenvalue method (Golub & Van Loan 2013, §8.5.2), written
/// independently of the engine's Householder + QL solver as the reference.
func jacobiEigenvalues(_ matrix: [Double], order n: Int) -> [Double] {
  var a = matrix
  for _ in 0..<100 {
    var off = 0.0
    for p in 0..<n { for q in 0..<n where p != q { off += a[p * n + q] * a[p * n + q] } }
    if off < 1e-26 { break }
    for p in 0..<n {
      for q in (p + 1)..<max(n, p + 1) where abs(a[p * n + q]) > 1e-300 {
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        for k in 0..<n {  // A ← A·R (columns p, q)
          let akp = a[k * n + p], akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {  // A ← Rᵀ·A (rows p, q)
          let apk = a[p * n + k], aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
    }
  }
  return (0..<n).map { a[$0 * n + $0] }
}

private func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> [Double] {
  var g = Xoshiro256(seed: seed)
  return (0..<(rows * columns)).map { _ in g.nextNormal() }
}

/// AᵀA of a row-major rows × columns matrix.
private func gram(_ a: [Double], rows: Int, columns: Int) -> [Double] {
  var g = [Double](repeating: 0, count: columns * columns)
  for i in 0..<columns { for j in 0..<columns { for r in 0..<rows { g[i * columns + j] += a[r * columns + i] * a[r * columns + j] } } }
  return g
}

@Suite("Instruments: the numerical pieces")
struct InstrumentMathTests {
  @Test("symmetric eigenvalues (Householder + QL) equal Jacobi's on random, degenerate and diagonal matrices")
  func eigenvalues() {
    for n in [1, 2, 3, 7, 30] {
      let b = randomMatrix(rows: n, columns: n, seed: UInt64(n))
      var a = [Double](repeating: 0, count: n * n)
      for i in 0..<n { for j in 0..<n { a[i * n + j] = b[i * n + j] + b[j * n + i] } }
      let mine = symmetricEigenvalues(a, order: n).sorted()
      let reference = jacobiEigenvalues(a, order: n).sorted()
      let scale = reference.map(abs).max() ?? 1
      for (x, y) in zip(mine, reference) { #expect(abs(x - y) <= 1e-11 * scale, "n = \(n): \(x) vs \(y)") }
    }
    // A Gram matrix of rank 3 (eigenvalue 0 with multiplicity 5) and a diagonal one.
    let low = randomMatrix(rows: 3, columns: 8, seed: 5)
    let g = gram(low, rows: 3, columns: 8)
    let mine = symmetricEigenvalues(g, order: 8).sorted()
    let reference = jacobiEigenvalues(g, order: 8).sorted()
    for (x, y) in zip(mine, reference) { #expect(abs(x - y) <= 1e-10 * reference.last!, "\(x) vs \(y)") }
    #expect(mine.prefix(5).allSatisfy { abs($0) < 1e-10 * mine.last! })
    let diagonal = [3.0, 0, 0, 0, -1, 0, 0, 0, 2]
    #expect(symmetricEigenvalues(diagonal, order: 3).sorted() == [-1, 2, 3])
  }

  @Test("singular values: the square roots of AᵀA's eigenvalues, wide or tall")
  func singularValuesOfRectangles() {
    for (rows, columns) in [(4, 9), (9, 4), (6, 6)] {
      let a = randomMatrix(rows: rows, columns: columns, seed: UInt64(rows * 10 + columns))
      let values = singularValues(a, rows: rows, columns: columns)
      #expect(values.count == min(rows, columns))
      #expect(values == values.sorted(by: >))
      let reference = jacobiEigenvalues(gram(a, rows: rows, columns: columns), order: columns)
        .sorted(by: >).prefix(min(rows, columns)).map { max($0, 0).squareRoot() }
      for (x, y) in zip(values, reference) { #expect(abs(x - y) <= 1e-10 * reference[0], "\(x) vs \(y)") }
    }
  }

  @Test("spectral norm by power iteration: Jacobi's largest singular value, deterministic")
  func spectralNormMatchesJacobi() {
    for (rows, columns, seed) in [(20, 12, UInt64(1)), (12, 20, 2), (32, 32, 3), (1, 5, 4)] {
      let w = randomMatrix(rows: rows, columns: columns, seed: seed).map { Float($0) }
      let exact = jacobiEigenvalues(gram(w.map(Double.init), rows: rows, columns: columns), order: columns)
        .max()!.squareRoot()
      let estimate = w.withUnsafeBufferPointer { spectralNorm($0.baseAddress!, rows: rows, columns: columns) }
      #expect(abs(estimate - exact) <= 1e-5 * exact, "\(rows)×\(columns): \(estimate) vs \(exact)")
      #expect(estimate <= exact * (1 + 1e-12), "the Rayleigh quotient never exceeds σ_max")
      let again = w.withUnsafeBufferPointer { spectralNorm($0.baseAddress!, rows: rows, columns: columns) }
      #expect(again.bitPattern == estimate.bitPattern)
    }
    // A matrix with a clear gap stops within about `tolerance` (10⁻⁷) of σ_max; the zero
    // matrix gives 0.
    var w = [Float](repeating: 0, count: 9)
    w[0] = 3; w[4] = 1; w[8] = -2
    #expect(abs(w.withUnsafeBufferPointer { spectralNorm($0.baseAddress!, rows: 3, columns: 3) } - 3) < 3e-6)
    let zero = [Float](repeating: 0, count: 6)
    #expect(zero.withUnsafeBufferPointer { spectralNorm($0.baseAddress!, rows: 2, columns: 3) } == 0)
  }

  @Test("relative distance ‖W − W₀‖/‖W₀‖ and its edge cases")
  func relativeDistanceDirect() {
    let w0: [Float] = [3, 0, -4, 0]
    let w: [Float] = [3, 1, -4, 2]
    let d = relativeDistance(w, from: w0, count: 4)
    #expect(abs(d - (5.0).squareRoot() / 5) < 1e-15)
    #expect(relativeDistance(w0, from: w0, count: 4) == 0)
    #expect(relativeDistance(w, from: [0, 0, 0, 0], count: 4) == .infinity)
  }

  @Test("quantile bands: definition 7 on known values and against sorting by rank")
  func quantileBands() {
    let values: [Float] = (1...10).map { Float($0) }.reversed().map { -$0 }  // |x| = 10…1
    let bands = QuantileBands.absoluteQuantiles(values, count: 10)
    let expected = QuantileBands.fractions.map { 1 + 9 * $0 }  // linear on 1…10
    for (b, e) in zip(bands, expected) { #expect(abs(b - e) < 1e-12, "\(b) vs \(e)") }
    #expect(bands[0] == 1 && bands[4] == 5.5 && bands[8] == 10)
    // Random data: each band lies between the order statistics ranked ⌊h⌋ and ⌈h⌉, found
    // by counting (no sort).
    var g = Xoshiro256(seed: 11)
    let x = (0..<301).map { _ in Float(g.nextNormal()) }
    let q = QuantileBands.absoluteQuantiles(x, count: x.count)
    let magnitudes = x.map { Double(abs($0)) }
    func orderStatistic(_ rank: Int) -> Double {
      magnitudes.first { v in magnitudes.filter { $0 < v }.count <= rank && magnitudes.filter { $0 <= v }.count > rank }!
    }
    for (p, value) in zip(QuantileBands.fractions, q) {
      let h = p * Double(x.count - 1)
      let lo = orderStatistic(Int(h.rounded(.down))), hi = orderStatistic(Int(h.rounded(.up)))
      #expect(value >= lo && value <= hi, "p = \(p): \(value) not in [\(lo), \(hi)]")
      #expect(abs(value - (lo + (h - h.rounded(.down)) * (hi - lo))) < 1e-12)
    }
    // A NaN sorts last: it is the max, and a band interpolating towards it (h = 9.332 of 10) is NaN too.
    let withNaN = QuantileBands.absoluteQuantiles([3, .nan, -1, 2, 5, 4, 0, 6, -7, 8, 9], count: 11)
    #expect(withNaN[8].isNaN && withNaN[0] == 0 && withNaN[4] == 5 && withNaN[7].isNaN && withNaN.prefix(7).allSatisfy(\.isFinite))
    let empty = QuantileBands.absoluteQuantiles([], count: 0)
    #expect(empty.count == 9 && empty.allSatisfy { $0.isNaN })
  }

  @Test("mean row norm: the mean of each row's L2 norm, scaled")
  func meanRowNormDirect() {
    let delta: [Float] = [3, 4, 0, 0, 0, 1, 2, 2]  // rows of width 4: norms 5 and 3
    #expect(meanRowNorm(delta, rows: 2, width: 4) == 4)
    #expect(meanRowNorm(delta, rows: 2, width: 4, scale: 2) == 8)
    #expect(meanRowNorm(delta, rows: 0, width: 4) == 0)
  }

  @Test("the probe pair: cosine c⁰ and squared length n₀·q⁰ of the data, nil without a second direction")
  func probePair() throws {
    let data = TestData.classification(rows: 20, features: 6, classes: 2, seed: 3)
    let q0 = data.features.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(data.features.count)
    for c0 in [-1.0, -0.3, 0, 0.5, 0.99, 1] {
      let (x1, x2) = try #require(correlatedProbePair(features: data.features, featureCount: 6, correlation: c0))
      #expect(abs(cosine(x1, x2) - c0) < 1e-12)
      for x in [x1, x2] { #expect(abs(x.reduce(0) { $0 + $1 * $1 } / 6 - q0) < 1e-12 * q0) }
      // x₁ points along the first row.
      #expect(abs(cosine(x1, data.features[0..<6].map(Double.init)) - 1) < 1e-12)
    }
    #expect(correlatedProbePair(features: [1, 2, 2, 4, 3, 6], featureCount: 2, correlation: 0.5) == nil)
    #expect(correlatedProbePair(features: [1, 2, 3], featureCount: 1, correlation: 0.5) == nil)
    // One feature: no pair, but the Jacobian's probe input exists (√(n₀q⁰) = √(14/3)).
    let single = try #require(probeInput(features: [2, 1, 3], featureCount: 1))
    #expect(single.count == 1 && abs(single[0] - (14.0 / 3).squareRoot()) < 1e-12)
    #expect(probeInput(features: [0, 0, 1, 1], featureCount: 2) == nil)
  }
}
