// The public products: the active kernel family's, or a given family's (for tests).

@_exported import GradKernelsCore
import GradKernels8
#if GRADSWEEP_X86_KERNELS
import GradKernels16
#endif

/// Single-precision general matrix multiply on row-major storage:
///
///     C ← α · op(A) · op(B) + β · C,   op(A): m×k, op(B): k×n, C: m×n
///
/// `lda`, `ldb`, `ldc` are row strides (elements between consecutive rows as stored).
/// When β = 0, C is not read (NaNs in C do not propagate); when α = 0 or k = 0, A and B
/// are not read. β = 1 with α = −η is the fused SGD update `W ← W − η·Xᵀ·δ` with no
/// gradient buffer. Runs `KernelFamily.active`'s kernels.
///
/// Properties: the summation order over k is fixed for a given shape
/// (m, n, k and the transposes), so the result is bitwise reproducible run to run and on
/// every kernel family (AVX2, AVX-512, generic), whatever else the process does. Each
/// element is `(α·S) + (β·c)`, rounded as written (no FMA), where the sum S of the k
/// products is a chain of fused multiply-adds in p order (split over 8 lanes, then
/// reduced in a fixed tree, in the A·Bᵀ dot path), within blocks of at most 1024 when
/// operands are packed, blocks added in order. S depends on the shape and the data only,
/// not on α or β: `sgemm(α, β)` equals α·`sgemm(1, 0)` + β·C bit for bit, so fusing an
/// SGD step into the gradient product changes no bits. Paths: `GradKernels8/Gemm.swift`.
///
/// Threads: on the calling thread, unless the thread lends to a `CoreBudget`
/// (`CoreBudget.lending`, a sweep's run) with idle workers; then a large product's
/// columns are split across them (`ParallelGemm.swift`), with the same bits.
package func sgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if let budget = CoreBudget.forProduct(m: m, n: n, k: alpha == 0 ? 0 : k) {
    return KernelFamily.active.sgemm(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
      budget: budget)
  }
  KernelFamily.active.sgemm(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// `sgemm`, writing bitwise the same C, that also returns `GemmUpdateSums` (see
/// `GradKernels8.sgemmUpdateSums`). The sums' order follows the 8-lane kernels' tiles on
/// every family, so the statistics have the same bits on every CPU.
package func sgemmUpdateSums(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) -> GemmUpdateSums {
  KernelFamily.active.sgemmUpdateSums(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

extension KernelFamily {
  /// `sgemm` on this family's kernels (the caller checks that the CPU runs them:
  /// `KernelFamily.supported`), packing into `scratch` (`scratchFloats` long) when given
  /// and large enough, else into buffers of its own: the same bits either way.
  @inline(__always)
  package func sgemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    scratch: UnsafeMutablePointer<Float>? = nil, scratchFloats: Int = 0
  ) {
    #if GRADSWEEP_X86_KERNELS
    if self == .avx512 && Self.runsWide(m: m, n: n, k: k) {
      GradKernels16.sgemm(
        transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
        scratch: scratch, scratchFloats: scratchFloats)
      return
    }
    #endif
    GradKernels8.sgemm(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
      scratch: scratch, scratchFloats: scratchFloats)
  }

  /// `sgemmUpdateSums` on this family, with the 8-lane kernels' bits whatever the family:
  /// the AVX-512 family forms the products of the shapes it runs wide on its 16-lane
  /// kernels (k ≥ `minReplayDepth`), a row block at a time, and replays the update and its
  /// sums over the 8-lane tiles in their order (`GradKernels8.sgemmUpdateSums(…products:)`);
  /// the others, and the shapes the replay does not serve, run the 8-lane measuring epilogue.
  @inline(__always)
  package func sgemmUpdateSums(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) -> GemmUpdateSums {
    #if GRADSWEEP_X86_KERNELS
    if self == .avx512 && Self.runsWide(m: m, n: n, k: k) && k >= Self.minReplayDepth,
      let sums = GradKernels8.sgemmUpdateSums(
        transA, transB, m: m, n: n, k: k, alpha: alpha, beta: beta, c: c, ldc: ldc,
        products: { first, rows, s in
          // Split across idle workers like `sgemm` (the same bits): the replay stays here.
          let rowsA = transA == .none ? a + first * lda : a + first
          guard let budget = CoreBudget.forProduct(m: rows, n: n, k: k) else {
            return GradKernels16.sgemm(
              transA, transB, m: rows, n: n, k: k, alpha: 1, a: rowsA, lda: lda, b: b, ldb: ldb, beta: 0, c: s, ldc: n)
          }
          let operands = ProductOperands(a: rowsA, b: b, c: s)
          budget.splitColumns(n: n) { columns in
            GradKernels16.sgemm(
              transA, transB, m: rows, n: columns.count, k: k, alpha: 1, a: operands.a, lda: lda,
              b: operands.b + columns.lowerBound * (transB == .none ? 1 : ldb), ldb: ldb, beta: 0,
              c: operands.c + columns.lowerBound, ldc: n)
          }
        })
    {
      return sums
    }
    #endif
    return GradKernels8.sgemmUpdateSums(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
  }

  /// Least k at which the AVX-512 family replays a measured update over 16-lane products
  /// (if it runs the shape wide): below it the products are cheap and the replay's extra
  /// pass over S costs more than the wider tiles save — W2's 1000 × 1000 × 10 updates made
  /// a log.every-10 W2 cost 4.7–4.9 % replayed, 1.5–1.6 % on the 8-lane epilogue, while
  /// W3 (k = 32) and W4 (k = 128) gained (AVX-512 Xeon, 10:42 UTC, load ≈ 2).
  static let minReplayDepth = 32

  /// Whether the AVX-512 family runs a shape on the 16-lane kernels: at least 16 rows and
  /// one full 32-column panel, packed or not (W3's 32 × 64 × 64 products: whole steps
  /// 1.3–1.8× the 8-lane kernels' steps/s). Fewer rows (the batch-10 products, the dot
  /// path) or columns (W1's 30-wide layers, the 10 classes) keep the 8-lane kernels,
  /// where a 16-lane tile would mostly hold edges: no clear gain measured there.
  @inline(__always)
  static func runsWide(m: Int, n: Int, k: Int) -> Bool { m >= 16 && n >= 32 }
}
