import GradKernels8
import GradKernelsCore
import Testing

/// The replayed measured update (`GradKernels8.sgemmUpdateSums(…products:)`, what the
/// AVX-512 family runs with its 16-lane products) against the 8-lane measuring epilogue,
/// on every host: here the products come from the 8-lane `sgemm`, so the replay's tile
/// order, groups and roundings are checked even where AVX-512 is absent.
@Suite("Measured update replayed over products formed elsewhere")
struct UpdateReplayTests {
  /// C and the sums, fused (`replayed: false`) or replayed (nil when the replay declines).
  static func update(
    _ t: GemmCase, seed: UInt64, replayed: Bool, fault: Bool = false
  ) -> ([Float], GemmUpdateSums)? {
    let operands = GemmOperands(t, seed: seed)
    let (lda, ldb, ldc) = (operands.a.stride, operands.b.stride, operands.c.stride)
    var c = operands.c.storage
    let sums: GemmUpdateSums? = operands.a.storage.withUnsafeBufferPointer { pa in
      operands.b.storage.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          let (a, b) = (pa.baseAddress!, pb.baseAddress!)
          guard replayed else {
            return sgemmUpdateSums(
              t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a, lda: lda, b: b, ldb: ldb,
              beta: t.beta, c: pc.baseAddress!, ldc: ldc)
          }
          return sgemmUpdateSums(
            t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, beta: t.beta, c: pc.baseAddress!, ldc: ldc
          ) { first, rows, s in
            sgemm(
              t.transA, t.transB, m: rows, n: t.n, k: t.k, alpha: 1, a: t.transA == .none ? a + first * lda : a + first,
              lda: lda, b: b, ldb: ldb, beta: 0, c: s, ldc: t.n)
            // One product off by 1: the fault test's.
            if fault && first == 0 { s[0] += 1 }
          }
        }
      }
    }
    return sums.map { (c, $0) }
  }

  static func bits(_ s: GemmUpdateSums) -> [UInt64] {
    [s.sumSquares.bitPattern, s.sumMagnitudes.bitPattern, s.oldSquares.bitPattern, s.changeSquares.bitPattern]
  }

  @Test("identical C and sums on random shapes, all transposes, α/β cases; declines only what it must", arguments: 0..<4)
  func replayMatchesEpilogue(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    var cases = KernelFamilyTests.shapes(transA, transB, count: 120, seed: UInt64(2900 + combination))
    if combination == 1 { cases += KernelFamilyTests.engineUpdates }
    var served = 0
    for (index, t) in cases.enumerated() {
      let (fusedC, fusedSums) = Self.update(t, seed: UInt64(index), replayed: false)!
      guard let (replayC, replaySums) = Self.update(t, seed: UInt64(index), replayed: true) else {
        // Declined: α = 0, k beyond one block, fewer than 8 columns, or A·Bᵀ.
        let must = t.alpha == 0 || t.k > 1024 || t.n < 8 || (transA == .none && transB == .transposed)
        #expect(must, "\(t.testDescription): declined")
        continue
      }
      served += 1
      let differing = fusedC.indices.filter { fusedC[$0].bitPattern != replayC[$0].bitPattern }
      #expect(differing.isEmpty, "\(t.testDescription): \(differing.count) entries differ")
      #expect(Self.bits(fusedSums) == Self.bits(replaySums), "\(t.testDescription): \(fusedSums) vs \(replaySums)")
    }
    // Not vacuous: every transpose pair but A·Bᵀ is served on most shapes.
    if !(transA == .none && transB == .transposed) { #expect(served >= cases.count / 2) }
  }

  /// The comparison above must be able to fail: one product off by 1 changes the sums.
  @Test("one product off by 1 shows up in the sums' bits")
  func faultChangesSums() {
    let t = GemmCase(transA: .transposed, transB: .none, m: 64, n: 64, k: 32, alpha: -0.01, beta: 1)
    let (_, fused) = Self.update(t, seed: 5, replayed: false)!
    let (_, faulty) = Self.update(t, seed: 5, replayed: true, fault: true)!
    #expect(Self.bits(fused) != Self.bits(faulty))
  }
}
