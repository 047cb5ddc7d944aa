// A large product split by columns of C across the sweep's idle workers (CoreBudget),
// with the same bits as the product made whole.

/// How a product's n columns are cut into parts: at multiples of `width` columns (the
/// widest family's tile, so each part keeps whole column panels), every part at least
/// one whole panel, the last part taking the remainder:
///
///     start(p) = width · ⌊p · ⌊n / width⌋ / parts⌋,   end(p) = start(p + 1), end(parts − 1) = n
///
/// Why the bits do not change: every kernel decision (dot or broadcast path, packing,
/// k-blocks, α·S + β·c after several blocks) is a function of m, k and the transposes, or
/// of n only through whether it is below 48 — which no part is, except that the
/// AVX-512 family sends n < 32 to the 8-lane kernels, and no part is narrower than one
/// panel of 32 either. Each element of C is a chain of FMAs over k in the same k-blocks
/// whichever part computes it; a part reads op(B)'s columns [start, end) and writes C's.
///
/// Edge cases: `parts` is at most ⌊n / width⌋, so no part is empty.
package struct ColumnSplit: Sendable, Equatable {
  /// Columns per panel of the widest kernels (GradKernels16's 12×32 tile; the 8-lane
  /// 6×16 tile divides it).
  package static let width = 32

  package let n: Int
  package let parts: Int

  /// Largest number of parts for `n` columns: one per whole panel.
  package static func maxParts(n: Int) -> Int { n / width }

  package init(n: Int, parts: Int) {
    precondition(parts >= 1 && parts <= max(1, Self.maxParts(n: n)), "\(parts) parts of \(n) columns")
    self.n = n
    self.parts = parts
  }

  /// Columns of part `p`.
  package func columns(_ p: Int) -> Range<Int> {
    let panels = n / Self.width
    let start = Self.width * (p * panels / parts)
    let end = p == parts - 1 ? n : Self.width * ((p + 1) * panels / parts)
    return start..<end
  }
}

/// Columns per chunk a split product aims at (two 32-column panels): small enough that a
/// worker that wakes late leaves little for the lender to wait for, large enough that the
/// copy of A every chunk packs stays small beside its product (k·m against k·m·64 FMAs).
let splitChunkColumns = 64

/// Default least m·n·k of a product split across idle workers: 2²² multiply-adds take
/// ~25–40 µs on one AVX-512 core, against some µs to wake a parked worker, so the small
/// products (W1, W3, the output layers) stay whole. Not tuned further: one W4-shaped run
/// gained 1.25–1.29× with `--jobs 2` on an idle 2-core Xeon and lost while other builds
/// held the cores (docs/benchmark.md, "Idle cores inside a run").
extension CoreBudget {
  package static let defaultMinimumWork = 1 << 22
}

extension CoreBudget {
  /// Whether this budget splits an m×n×k product: at least two whole panels and
  /// m·n·k ≥ `minimumWork` (k = 0 stands for a product that only scales C).
  @inline(__always)
  package func splits(m: Int, n: Int, k: Int) -> Bool {
    n >= 2 * ColumnSplit.width && m > 0 && k > 0 && m * n * k >= minimumWork
  }

  /// This thread's budget (`current`) when it splits an m×n×k product, else nil. Cheap
  /// for the small products: the thread-local is read only for two panels or more.
  @inline(__always)
  package static func forProduct(m: Int, n: Int, k: Int) -> CoreBudget? {
    guard n >= 2 * ColumnSplit.width, let budget = current, budget.splits(m: m, n: n, k: k) else { return nil }
    return budget
  }

  /// Runs `kernel(columns)` (which computes C's `columns` from op(B)'s, each column as
  /// the whole product would) over the column parts of n, across the free workers.
  func splitColumns(n: Int, _ kernel: @escaping (Range<Int>) -> Void) {
    split(chunks: max(2, n / splitChunkColumns)) { chunks, chunk in
      kernel(ColumnSplit(n: n, parts: chunks).columns(chunk))
    }
  }
}

/// The pointers of a product, sendable to the parked workers that compute its parts:
/// each part reads A and its own columns of B, and writes only its own columns of C.
struct ProductOperands: @unchecked Sendable {
  let a: UnsafePointer<Float>
  let b: UnsafePointer<Float>
  let c: UnsafeMutablePointer<Float>
}

extension KernelFamily {
  /// `sgemm` on this family, its columns split across `budget`'s free workers when the
  /// budget splits the shape (`CoreBudget.splits`); bitwise the same C as `sgemm` alone (a
  /// test checks random shapes, transposes and α/β on every family).
  package func sgemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    budget: CoreBudget?
  ) {
    guard let budget, budget.splits(m: m, n: n, k: alpha == 0 ? 0 : k) else {
      return sgemm(
        transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
    let operands = ProductOperands(a: a, b: b, c: c)
    let family = self
    // op(B)'s column j starts at b + j, or at b + j·ldb when B is stored transposed.
    let columnStride: Int
    switch transB {
    case .none: columnStride = 1
    case .transposed: columnStride = ldb
    }
    budget.splitColumns(n: n) { columns in
      family.sgemm(
        transA, transB, m: m, n: columns.count, k: k, alpha: alpha, a: operands.a, lda: lda,
        b: operands.b + columns.lowerBound * columnStride, ldb: ldb,
        beta: beta, c: operands.c + columns.lowerBound, ldc: ldc)
    }
  }
}
