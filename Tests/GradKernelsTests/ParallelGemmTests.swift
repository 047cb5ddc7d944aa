import GradKernels
import Testing

/// A product split by columns across idle workers (`CoreBudget`) has the bits of the
/// product made whole, on every family this CPU runs: random shapes, all transposes, α/β
/// cases, with helper threads parked in a budget that splits every product it can.
@Suite("Idle cores: a product split by columns has the bits of the whole product")
struct ParallelGemmTests {
  /// The random shapes of the family tests, and wide ones that split into many parts.
  static func cases(_ transA: Transpose, _ transB: Transpose, seed: UInt64) -> [GemmCase] {
    var random = TestRandom(seed: seed)
    var cases = KernelFamilyTests.shapes(transA, transB, count: 60, seed: seed)
    let scalars: [(Float, Float)] = [(1, 0), (-0.01, 1), (0.5, -1.5)]
    for (alpha, beta) in scalars {
      cases.append(
        GemmCase(
          transA: transA, transB: transB, m: random.int(in: 1...140), n: random.int(in: 64...300),
          k: random.int(in: 1...200), alpha: alpha, beta: beta, padA: random.int(in: 0...3),
          padB: random.int(in: 0...3), padC: random.int(in: 0...2)))
    }
    return cases
  }

  /// The engine's large products: W4's (784 → 512×3 → 10, batch 128) forward, backward
  /// and fused-update products, a 256-row evaluation chunk, W2b128's 1000-wide layers.
  static let engineProducts: [GemmCase] = [
    GemmCase(transA: .none, transB: .none, m: 128, n: 512, k: 784),
    GemmCase(transA: .none, transB: .none, m: 128, n: 512, k: 512),
    GemmCase(transA: .none, transB: .none, m: 256, n: 512, k: 784),
    GemmCase(transA: .none, transB: .transposed, m: 128, n: 512, k: 512),
    GemmCase(transA: .transposed, transB: .none, m: 784, n: 512, k: 128, alpha: -0.01, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 512, n: 512, k: 128, alpha: -0.01, beta: 1),
    GemmCase(transA: .none, transB: .none, m: 128, n: 1000, k: 1000),
    GemmCase(transA: .none, transB: .transposed, m: 128, n: 1000, k: 1000),
    GemmCase(transA: .transposed, transB: .none, m: 1000, n: 1000, k: 128, alpha: -0.01, beta: 1),
  ]

  /// C as `family` computes it, whole (`budget` nil) or split across `budget`'s workers.
  static func product(_ t: GemmCase, seed: UInt64, on family: KernelFamily, budget: CoreBudget?) -> [Float] {
    return GemmOperands(t, seed: seed).product { a, lda, b, ldb, c, ldc in
      family.sgemm(
        t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: t.beta,
        c: c, ldc: ldc, budget: budget)
    }
  }

  @Test("split and whole products: identical bits on every family", arguments: 0..<4)
  func splitMatchesWhole(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    var cases = Self.cases(transA, transB, seed: UInt64(4100 + combination))
    cases += Self.engineProducts.filter { $0.transA == transA && $0.transB == transB }
    for family in KernelFamily.supported {
      let splits = CoreBudget.withHelpers(3) { budget in
        for (index, t) in cases.enumerated() {
          let whole = Self.product(t, seed: UInt64(index), on: family, budget: nil)
          let split = Self.product(t, seed: UInt64(index), on: family, budget: budget)
          let differing = KernelFamilyTests.differences(whole, split)
          #expect(
            differing.count == 0,
            "\(family.rawValue) \(t.testDescription): \(differing.count) entries differ, first at \(differing.first ?? -1)")
        }
        return budget.splitCount
      }
      // Not vacuous: every case with two whole panels (n ≥ 64) and k > 0 was split.
      let splittable = cases.filter { $0.n >= 64 && $0.k > 0 && $0.alpha != 0 && $0.m > 0 }.count
      #expect(splittable > 10 && splits == splittable, "\(family.rawValue): \(splits) of \(splittable) products split")
    }
  }

  /// The engine's path: the facade's `sgemm` and `sgemmUpdateSums` on a thread that lends
  /// to a budget (the AVX-512 family splits the products its measured update replays).
  @Test("the facade on a lending thread: sgemm and sgemmUpdateSums keep their bits")
  func facadeOnALendingThread() {
    for (index, t) in KernelFamilyTests.engineUpdates.enumerated() {
      let whole = KernelFamilyTests.measuredUpdate(t, seed: UInt64(index), on: .active)
      let split = CoreBudget.withHelpers(1) { _ in
        KernelFamilyTests.measuredUpdate(t, seed: UInt64(index), on: .active)
      }
      #expect(KernelFamilyTests.differences(whole.0, split.0).isEmpty, "\(t.testDescription): C differs")
      #expect(KernelFamilyTests.bits(whole.1) == KernelFamilyTests.bits(split.1), "\(t.testDescription): sums differ")
    }
    let t = GemmCase(transA: .none, transB: .transposed, m: 128, n: 512, k: 300, alpha: 1, beta: 0, padB: 1)
    let operands = GemmOperands(t, seed: 5)
    func facade() -> [Float] {
      var c = operands.c.storage
      operands.a.storage.withUnsafeBufferPointer { pa in
        operands.b.storage.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            sgemm(
              t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: pa.baseAddress!, lda: operands.a.stride,
              b: pb.baseAddress!, ldb: operands.b.stride, beta: t.beta, c: pc.baseAddress!, ldc: operands.c.stride)
          }
        }
      }
      return c
    }
    let whole = facade()
    let (split, splits) = CoreBudget.withHelpers(1) { budget in (facade(), budget.splitCount) }
    #expect(splits == 1, "the facade's sgemm did not split on a lending thread")
    #expect(KernelFamilyTests.differences(whole, split).isEmpty)
    #expect(CoreBudget.current == nil, "the budget outlived its lending scope")
  }

  @Test("column parts: whole panels of 32, disjoint, covering every column")
  func columnParts() {
    for n in [64, 65, 95, 96, 97, 130, 512, 784, 1000] {
      for parts in 1...min(8, ColumnSplit.maxParts(n: n)) {
        let split = ColumnSplit(n: n, parts: parts)
        let ranges = (0..<parts).map(split.columns)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == n, "n=\(n) parts=\(parts)")
        for (x, y) in zip(ranges, ranges.dropFirst()) { #expect(x.upperBound == y.lowerBound) }
        for r in ranges {
          #expect(r.count >= ColumnSplit.width && r.lowerBound % ColumnSplit.width == 0, "n=\(n) parts=\(parts): \(r)")
        }
      }
    }
  }
}
