// A run's products planned once: the scratch their packed operands go to is allocated
// when the run's buffers are, not on every call (the per-call malloc/free of packed
// panels cost ~3 % of a 48-run sweep of small MLPs, mostly in glibc's free path).

import GradKernels8
#if GRADSWEEP_X86_KERNELS
import GradKernels16
#endif

/// The bound of one product a run makes: op(A) at most `m × k`, op(B) at most `k × n`
/// (a layer's forward product, its backward product or its weight gradient, for the
/// largest batch it sees).
package struct GemmShape: Sendable {
  package var transA: Transpose
  package var transB: Transpose
  package var m: Int
  package var n: Int
  package var k: Int

  package init(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) {
    self.transA = transA
    self.transB = transB
    self.m = m
    self.n = n
    self.k = k
  }
}

/// Scratch for the packed operands of a set of products, sized once for their bounds
/// (`GemmShape`) on a kernel family, and reused by every call of every one of them.
///
/// Properties: the products' results have the bits of `sgemm` (packing only moves
/// values); a product within its bound allocates nothing; one beyond it (never made by
/// the engine) allocates for the call, as `sgemm` does. One thread at a time: two
/// products running at once (e.g. column slices on several cores) need a scratch each.
package final class GemmScratch {
  let family: KernelFamily
  package let pointer: UnsafeMutablePointer<Float>?
  /// Floats at `pointer` (0: no product of the set packs anything).
  package let floats: Int

  package init(serving shapes: [GemmShape], family: KernelFamily = .active) {
    self.family = family
    floats = shapes.map { Self.floats($0, family: family) }.max() ?? 0
    pointer =
      floats == 0
      ? nil
      : UnsafeMutableRawPointer.allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: floats)
  }

  deinit { pointer?.deallocate() }

  /// Floats that serve every product within `bound` on `family` (of at most its m, n
  /// and k, with its transposes): what the bound's shape needs on each kernel the family
  /// may run it on, taken also at the few rows and columns below which the need drops
  /// (`scratchThresholds`: packing and k-blocks switch there), dot path or not.
  package static func floats(_ bound: GemmShape, family: KernelFamily = .active) -> Int {
    var most = 0
    for (rows, columns) in bound.corners(GradKernels8.scratchThresholds) {
      most = max(most, GradKernels8.broadcastScratchFloats(bound.transA, bound.transB, m: rows, n: columns, k: bound.k))
    }
    #if GRADSWEEP_X86_KERNELS
    if family == .avx512 {
      for (rows, columns) in bound.corners(GradKernels16.scratchThresholds) {
        most = max(
          most, GradKernels16.broadcastScratchFloats(bound.transA, bound.transB, m: rows, n: columns, k: bound.k))
      }
    }
    #endif
    return most
  }

  /// Floats the product of exactly `shape` uses on `family` (on the kernels it runs on).
  package static func floatsUsed(_ shape: GemmShape, family: KernelFamily = .active) -> Int {
    #if GRADSWEEP_X86_KERNELS
    if family == .avx512 && KernelFamily.runsWide(m: shape.m, n: shape.n, k: shape.k) {
      return GradKernels16.sgemmScratchFloats(shape.transA, shape.transB, m: shape.m, n: shape.n, k: shape.k)
    }
    #endif
    return GradKernels8.sgemmScratchFloats(shape.transA, shape.transB, m: shape.m, n: shape.n, k: shape.k)
  }

  /// Bytes a scratch for `shapes` holds on the family that needs the most (on x86-64 the
  /// AVX-512 one, whether or not this CPU runs it), for memory estimates that are the
  /// same on every host.
  package static func byteCount(serving shapes: [GemmShape]) -> Int {
    #if GRADSWEEP_X86_KERNELS
    let widest = KernelFamily.avx512
    #else
    let widest = KernelFamily.generic
    #endif
    return (shapes.map { floats($0, family: widest) }.max() ?? 0) * MemoryLayout<Float>.stride
  }
}

/// `sgemm` on `scratch`'s family with its packed operands in `scratch`: the same bits as
/// `sgemm`, no allocation for a product within one of the shapes `scratch` serves.
package func sgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int,
  scratch: GemmScratch
) {
  if let budget = CoreBudget.forProduct(m: m, n: n, k: alpha == 0 ? 0 : k) {
    // Split across idle workers (ParallelGemm.swift): the scratch serves one thread, so
    // the parts pack into buffers of their own, as `sgemm` does (large products only).
    return scratch.family.sgemm(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
      budget: budget)
  }
  scratch.family.sgemm(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
    scratch: scratch.pointer, scratchFloats: scratch.floats)
}

extension GemmShape {
  /// (m, n) of this shape and of it cut to the thresholds' rows and columns.
  fileprivate func corners(_ thresholds: (rows: Int, columns: Int)) -> [(Int, Int)] {
    let rows = [m, min(m, thresholds.rows)], columns = [n, min(n, thresholds.columns)]
    return rows.flatMap { r in columns.map { (r, $0) } }
  }
}
