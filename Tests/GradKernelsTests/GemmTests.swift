import GradKernels
import Testing

/// Every transpose combination over random odd shapes in 1…70, every small edge tile, the
/// shapes the MLP engine uses, blocked shapes (k > 256, m > 144), padded strides, α/β
/// variants and the β = 0 contract, each checked against `referenceSgemm` within the
/// dot-product forward-error bound (see `GemmCheck`).
@Suite("sgemm against the reference")
struct GemmTests {
  static func randomShapes(_ transA: Transpose, _ transB: Transpose, count: Int, seed: UInt64) -> [GemmCase] {
    var random = TestRandom(seed: seed)
    let scalars: [(Float, Float)] = [(1, 0), (1, 1), (-0.37, 1), (2, 0.5), (0.5, -1.5)]
    return (0..<count).map { index in
      let (alpha, beta) = scalars[index % scalars.count]
      return GemmCase(
        transA: transA, transB: transB, m: random.int(in: 1...70), n: random.int(in: 1...70),
        k: random.int(in: 1...70), alpha: alpha, beta: beta,
        padA: random.int(in: 0...3), padB: random.int(in: 0...3), padC: random.int(in: 0...2))
    }
  }

  @Test("random shapes 1…70, all transposes", arguments: 0..<4)
  func randomOddShapes(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for (index, t) in Self.randomShapes(transA, transB, count: 250, seed: UInt64(100 + combination)).enumerated() {
      let check = runGemmCase(t, seed: UInt64(index))
      #expect(check.worstRatio <= 1, "\(t.testDescription): error ratio \(check.worstRatio)")
      #expect(check.cPaddingIntact, "\(t.testDescription) wrote into C's padding")
    }
  }

  /// Every m, n from 1 to 20 (all edge-tile heights and widths, each side of 8 and 16)
  /// at a few depths, all transposes.
  @Test("all small edge tiles", arguments: 0..<4)
  func edgeTiles(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for m in 1...20 {
      for n in 1...20 {
        for k in [1, 7, 9] {
          let t = GemmCase(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, beta: 0.5, padA: 1, padB: 2, padC: 1)
          let check = runGemmCase(t, seed: UInt64(m * 1000 + n * 10 + k))
          #expect(check.worstRatio <= 1, "\(t.testDescription): error ratio \(check.worstRatio)")
          #expect(check.cPaddingIntact, "\(t.testDescription) wrote into C's padding")
        }
      }
    }
  }

  /// The engine's three forms at its batch sizes and layer widths (forward NN, weight
  /// gradient TN with the fused SGD update α = −η, β = 1, input gradient NT), plus shapes
  /// that take the packed and blocked paths.
  static let engineShapes: [GemmCase] = {
    var cases = [GemmCase]()
    for batch in [10, 32, 128] {
      for (fanIn, fanOut) in [(784, 30), (30, 10), (64, 64), (784, 512), (512, 10), (1000, 10), (100, 1000)] {
        cases.append(GemmCase(transA: .none, transB: .none, m: batch, n: fanOut, k: fanIn))
        cases.append(
          GemmCase(transA: .transposed, transB: .none, m: fanIn, n: fanOut, k: batch, alpha: -0.01, beta: 1))
        cases.append(GemmCase(transA: .none, transB: .transposed, m: batch, n: fanIn, k: fanOut))
      }
    }
    // The dot path (A·Bᵀ, m < 16, k ≥ 64) with every k mod 8, its masked last chunk included.
    for k in 64...72 {
      cases.append(GemmCase(transA: .none, transB: .transposed, m: 7, n: 13, k: k, alpha: 1.5, beta: 0.5, padA: 1, padB: 2))
    }
    // m > 144 (two packed row blocks), k > 1024 (two k-blocks), odd sizes everywhere.
    for (transA, transB) in allTransposes {
      cases.append(
        GemmCase(
          transA: transA, transB: transB, m: 53, n: 61, k: 1100, alpha: -0.5, beta: 0.75, padA: 2, padB: 1, padC: 3))
      cases.append(GemmCase(transA: transA, transB: transB, m: 49, n: 50, k: 2049, padC: 1))
      cases.append(
        GemmCase(
          transA: transA, transB: transB, m: 150, n: 53, k: 300, alpha: 0.75, beta: 0.25, padA: 3, padB: 1, padC: 5))
      cases.append(GemmCase(transA: transA, transB: transB, m: 49, n: 97, k: 513, padA: 1))
      cases.append(
        GemmCase(transA: transA, transB: transB, m: 13, n: 301, k: 259, alpha: -1, beta: 1, padB: 7, padC: 1))
    }
    return cases
  }()

  @Test("engine shapes and blocked paths", arguments: engineShapes)
  func engineShape(_ t: GemmCase) {
    let check = runGemmCase(t, seed: UInt64(t.m * 7919 + t.n * 31 + t.k))
    #expect(check.worstRatio <= 1, "error ratio \(check.worstRatio)")
    #expect(check.cPaddingIntact)
  }

  @Test("β = 0 never reads C: NaN in C does not propagate", arguments: 0..<4)
  func betaZeroIgnoresC(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for (m, n, k) in [(10, 30, 784), (6, 16, 5), (17, 9, 3), (64, 64, 64), (128, 50, 70), (3, 5, 0)] {
      let t = GemmCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, beta: 0)
      let check = runGemmCase(t, seed: 7, nanInC: true)
      let finite = check.result.allSatisfy { $0.isFinite }
      #expect(finite, "\(t.testDescription) let NaN through")
      #expect(check.worstRatio <= 1)
    }
  }

  @Test("k = 0 and α = 0 scale C by β without reading A or B")
  func degenerateScalars() {
    for (k, alpha, beta) in [(0, Float(1), Float(0.5)), (5, 0, 2), (0, 1, 0), (4, 0, 1)] {
      let t = GemmCase(transA: .none, transB: .none, m: 3, n: 4, k: k, alpha: alpha, beta: beta, padC: 1)
      let check = runGemmCase(t, seed: 11)
      #expect(check.worstRatio <= 1)
      #expect(check.cPaddingIntact)
    }
  }

  /// The summation order depends on the shape only: the same product through different
  /// strides (so different addresses and alignments) gives the same bits, and repeating
  /// a call gives the same bits.
  @Test("bitwise reproducible across strides and calls", arguments: 0..<4)
  func reproducible(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for (m, n, k) in [(10, 30, 784), (32, 64, 64), (128, 100, 300), (5, 13, 17)] {
      let tight = GemmCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, beta: 0)
      let padded = GemmCase(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, beta: 0, padA: 5, padB: 3, padC: 2)
      let first = runGemmCase(tight, seed: 3).result
      let again = runGemmCase(tight, seed: 3).result
      let strided = runGemmCase(padded, seed: 3).result
      #expect(first == again)
      // Padding draws no random numbers, so both see the same values.
      var same = true
      for i in 0..<m {
        for j in 0..<n where first[i * n + j].bitPattern != strided[i * (n + 2) + j].bitPattern { same = false }
      }
      #expect(same, "\(tight.testDescription): strides changed the bits")
    }
  }

  /// The engine fuses SGD into the weight-gradient product (α = −η, β = 1 − ηλ) and relies
  /// on it giving the bits of forming the gradient (α = 1, β = 0) and then `α·g + β·w`.
  @Test("α·S + β·C with the same S for every α, β (fused SGD update = separate update)", arguments: 0..<4)
  func sumIndependentOfScalars(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for (m, n, k) in [(30, 10, 10), (784, 30, 10), (64, 64, 32), (100, 70, 128), (20, 33, 300), (7, 9, 600), (12, 40, 80), (50, 300, 10), (48, 56, 1100)] {
      let plain = GemmCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, beta: 0)
      for (alpha, beta) in [(Float(-0.01), Float(1)), (-0.1, 0.999), (0.37, 0)] {
        let fused = GemmCase(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta)
        let gradient = runGemmCase(plain, seed: 5).result
        let updated = runGemmCase(fused, seed: 5).result
        // The same seed draws the same A, B and initial C.
        let start = GemmOperands(plain, seed: 5).c
        var same = true
        for index in 0..<(m * n) {
          let separate = beta == 0 ? alpha * gradient[index] : alpha * gradient[index] + beta * start.storage[index]
          if separate.bitPattern != updated[index].bitPattern { same = false }
        }
        #expect(same, "\(fused.testDescription): fused result differs from α·g + β·w")
      }
    }
  }
}
