import GradKernels
import Testing

/// Products whose packed operands go to a run's scratch (`GemmScratch`) have the bits of
/// `sgemm`, on every family this CPU runs: within the scratch's bound, at smaller
/// shapes, and beyond it (where the call allocates instead).
@Suite("Gemm scratch: a run's products packed into scratch planned once")
struct GemmScratchTests {
  /// C as `sgemm(…, scratch:)` computes it; the scratch is first filled with NaNs, so a
  /// result that read scratch it had not written would show them.
  static func product(_ t: GemmCase, seed: UInt64, scratch: GemmScratch) -> [Float] {
    if let pointer = scratch.pointer { pointer.update(repeating: .nan, count: scratch.floats) }
    return GemmOperands(t, seed: seed).product { a, lda, b, ldb, c, ldc in
      sgemm(
        t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: t.beta,
        c: c, ldc: ldc, scratch: scratch)
    }
  }

  @Test("Same bits as sgemm with scratch sized for the shape, for a larger one, and for none", arguments: 0..<4)
  func sameBits(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for family in KernelFamily.supported {
      for (index, t) in KernelFamilyTests.shapes(transA, transB, count: 40, seed: UInt64(700 + combination))
        .enumerated()
      {
        let expected = KernelFamilyTests.product(t, seed: UInt64(index), on: family)
        let bounds = [
          GemmShape(transA, transB, m: t.m, n: t.n, k: t.k),
          GemmShape(transA, transB, m: t.m + 37, n: t.n + 5, k: t.k + 200),
        ]
        for shapes in [[bounds[0]], [bounds[1]], []] {
          let scratch = GemmScratch(serving: shapes, family: family)
          let differing = KernelFamilyTests.differences(expected, Self.product(t, seed: UInt64(index), scratch: scratch))
          #expect(
            differing.count == 0,
            "\(family.rawValue) \(t.testDescription), scratch \(scratch.floats) floats: \(differing.count) entries differ")
        }
      }
    }
  }

  /// A scratch sized for a layer's largest batch must serve its smaller batches (the last
  /// of an epoch, an evaluation's last chunk) without allocating: the floats sized for a
  /// bound cover every shape within it, across the rows and columns where packing and
  /// k-blocks switch. Packing shapes need some scratch, the dot path none.
  @Test("Scratch sized for a bound serves every smaller shape; the dot path needs none")
  func boundCoversSmallerShapes() {
    var random = TestRandom(seed: 77)
    for family in KernelFamily.supported {
      for (transA, transB) in allTransposes {
        for trial in 0..<400 {
          // Every other trial near the thresholds (rows 16, columns 8 and 16, k 64 and 1024).
          let near = trial % 2 == 0
          let bound = GemmShape(
            transA, transB, m: near ? random.int(in: 10...60) : random.int(in: 1...300),
            n: near ? random.int(in: 5...40) : random.int(in: 1...300),
            k: near ? random.int(in: [40, 1000][trial % 4 / 2]...[90, 1100][trial % 4 / 2]) : random.int(in: 1...1200))
          let floats = GemmScratch.floats(bound, family: family)
          for _ in 0..<4 {
            let shape = GemmShape(
              transA, transB, m: random.int(in: 1...bound.m), n: random.int(in: 1...bound.n),
              k: random.int(in: 1...bound.k))
            let used = GemmScratch.floatsUsed(shape, family: family)
            #expect(used <= floats, "\(family.rawValue) \(shape) uses \(used) > \(floats) sized for \(bound)")
          }
        }
      }
      #expect(GemmScratch.floatsUsed(GemmShape(.none, .transposed, m: 10, n: 1000, k: 1000), family: family) == 0)
      #expect(GemmScratch.floatsUsed(GemmShape(.none, .transposed, m: 32, n: 64, k: 64), family: family) > 0)
      #expect(GemmScratch.floatsUsed(GemmShape(.none, .none, m: 256, n: 3, k: 32), family: family) > 0)
    }
  }
}
