import GradKernels
import Testing

/// `sgemmUpdateSums` must write exactly what `sgemm` writes and report Σ S², Σ |S|, Σ c²
/// and Σ (c′ − c)² of that very product: on every path (broadcast kernels read in place
/// or packed, narrow and overlapping column panels, the dot path, several k-blocks,
/// α = 0, β = 0).
@Suite("sgemm with the update's sums")
struct GemmUpdateSumsTests {
  /// One case run both ways on the same operands.
  struct Outcome {
    var sameBits: Bool
    var paddingIntact: Bool
    var sums: GemmUpdateSums
    /// The sums in Double from S = sgemm(α: 1, β: 0) and C before and after.
    var expected: GemmUpdateSums
  }

  static func run(_ t: GemmCase, seed: UInt64) -> Outcome {
    let operands = GemmOperands(t, seed: seed)
    let (a, b, start) = (operands.a, operands.b, operands.c)
    var viaSgemm = start.storage
    var measured = start
    var gradient = [Float](repeating: 0, count: max(1, t.m * t.n))
    var sums = GemmUpdateSums()
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        let (lda, ldb) = (a.stride, b.stride)
        viaSgemm.withUnsafeMutableBufferPointer { pc in
          sgemm(
            t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: pa.baseAddress!, lda: lda,
            b: pb.baseAddress!, ldb: ldb, beta: t.beta, c: pc.baseAddress!, ldc: start.stride)
        }
        gradient.withUnsafeMutableBufferPointer { pg in
          sgemm(
            t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: 1, a: pa.baseAddress!, lda: lda,
            b: pb.baseAddress!, ldb: ldb, beta: 0, c: pg.baseAddress!, ldc: t.n)
        }
        measured.storage.withUnsafeMutableBufferPointer { pc in
          sums = sgemmUpdateSums(
            t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: pa.baseAddress!, lda: lda,
            b: pb.baseAddress!, ldb: ldb, beta: t.beta, c: pc.baseAddress!, ldc: start.stride)
        }
      }
    }
    var expected = GemmUpdateSums()
    var sameBits = true
    for i in 0..<t.m {
      for j in 0..<t.n {
        let index = i * start.stride + j
        let s = Double(gradient[i * t.n + j])
        let old = t.beta == 0 ? 0 : Double(start.storage[index])
        let new = Double(measured.storage[index])
        expected.sumSquares += s * s
        expected.sumMagnitudes += abs(s)
        expected.oldSquares += old * old
        expected.changeSquares += (new - old) * (new - old)
        if measured.storage[index].bitPattern != viaSgemm[index].bitPattern { sameBits = false }
      }
    }
    return Outcome(sameBits: sameBits, paddingIntact: measured.paddingIntact, sums: sums, expected: expected)
  }

  /// Float lanes summed over at most a few hundred entries: within 10⁻⁵ relative.
  static func close(_ got: Double, _ want: Double) -> Bool {
    abs(got - want) <= 1e-5 * abs(want) + 1e-30
  }

  static func check(_ t: GemmCase, seed: UInt64) {
    let outcome = run(t, seed: seed)
    #expect(outcome.sameBits, "\(t.testDescription): C differs from sgemm's")
    #expect(outcome.paddingIntact, "\(t.testDescription) wrote into C's padding")
    let (got, want) = (outcome.sums, outcome.expected)
    #expect(close(got.sumSquares, want.sumSquares), "\(t.testDescription): ΣS² \(got.sumSquares) vs \(want.sumSquares)")
    #expect(
      close(got.sumMagnitudes, want.sumMagnitudes),
      "\(t.testDescription): Σ|S| \(got.sumMagnitudes) vs \(want.sumMagnitudes)")
    #expect(close(got.oldSquares, want.oldSquares), "\(t.testDescription): Σc² \(got.oldSquares) vs \(want.oldSquares)")
    #expect(
      close(got.changeSquares, want.changeSquares),
      "\(t.testDescription): Σ(c′−c)² \(got.changeSquares) vs \(want.changeSquares)")
  }

  @Test("random shapes 1…70, all transposes, fused-update scalars", arguments: 0..<4)
  func randomShapes(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    var random = TestRandom(seed: UInt64(700 + combination))
    let scalars: [(Float, Float)] = [(-0.01, 1), (-0.1, 0.999), (1, 0), (0.37, -1.5)]
    for index in 0..<150 {
      let (alpha, beta) = scalars[index % scalars.count]
      let t = GemmCase(
        transA: transA, transB: transB, m: random.int(in: 1...70), n: random.int(in: 1...70),
        k: random.int(in: 1...70), alpha: alpha, beta: beta,
        padA: random.int(in: 0...2), padB: random.int(in: 0...2), padC: random.int(in: 0...2))
      Self.check(t, seed: UInt64(index))
    }
  }

  /// The engine's weight-gradient shapes (Aᵀ·δ with k = batch), row tiles run across ≥ 8
  /// column panels (sums handed on four panels at a time) ending in an overlapping or a
  /// one-vector panel, and the paths the broadcast kernel does not take in one block: the
  /// dot path (A·Bᵀ, m < 16, k ≥ 64), k beyond one block, α = 0 (a learning rate of 0 at
  /// a warm-up's first step).
  @Test("engine shapes, the dot path, several k-blocks, α = 0")
  func otherPaths() {
    let cases: [GemmCase] = [
      GemmCase(transA: .transposed, transB: .none, m: 784, n: 30, k: 10, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 30, n: 10, k: 10, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 64, n: 64, k: 32, alpha: -0.01, beta: 0.999),
      GemmCase(transA: .transposed, transB: .none, m: 200, n: 1000, k: 10, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 50, n: 141, k: 7, alpha: -0.1, beta: 0.999, padC: 3),
      GemmCase(transA: .transposed, transB: .none, m: 13, n: 130, k: 9, alpha: 1, beta: 0, padA: 1),
      GemmCase(transA: .transposed, transB: .none, m: 100, n: 512, k: 128, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 9, n: 3, k: 5, alpha: -0.5, beta: 1),
      GemmCase(transA: .none, transB: .transposed, m: 10, n: 40, k: 100, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 20, n: 24, k: 1100, alpha: -0.01, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 20, n: 24, k: 16, alpha: 0, beta: 1),
      GemmCase(transA: .transposed, transB: .none, m: 20, n: 24, k: 16, alpha: 0, beta: 0.5),
    ]
    for (index, t) in cases.enumerated() { Self.check(t, seed: UInt64(40 + index)) }
  }

  @Test("β = 0: C's old values count as 0 and are not read")
  func betaZeroReadsNothing() {
    var random = TestRandom(seed: 3)
    let a = PaddedMatrix(rows: 16, columns: 20, padding: 0, random: &random)
    let b = PaddedMatrix(rows: 16, columns: 12, padding: 0, random: &random)
    var c = [Float](repeating: .nan, count: 20 * 12)
    let sums = a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          sgemmUpdateSums(
            .transposed, .none, m: 20, n: 12, k: 16, alpha: 2, a: pa.baseAddress!, lda: 20,
            b: pb.baseAddress!, ldb: 12, beta: 0, c: pc.baseAddress!, ldc: 12)
        }
      }
    }
    let allFinite = c.allSatisfy { $0.isFinite }
    #expect(allFinite)
    #expect(sums.oldSquares == 0)
    // C′ = 2·S, so Σ(c′ − 0)² = 4·ΣS² up to the Float sums' rounding.
    #expect(abs(sums.changeSquares - 4 * sums.sumSquares) <= 1e-5 * sums.changeSquares)
  }

  @Test("the same call gives the same sums, bit for bit")
  func reproducible() {
    let t = GemmCase(transA: .transposed, transB: .none, m: 300, n: 70, k: 24, alpha: -0.01, beta: 1)
    let first = Self.run(t, seed: 9).sums
    let second = Self.run(t, seed: 9).sums
    #expect(first == second)
  }
}
