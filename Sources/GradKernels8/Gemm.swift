import GradKernelsCore

/// Single-precision general matrix multiply on row-major storage:
///
///     C ← α · op(A) · op(B) + β · C,   op(A): m×k, op(B): k×n, C: m×n
///
/// `lda`, `ldb`, `ldc` are row strides (elements between consecutive rows as stored).
/// When β = 0, C is not read (NaNs in C do not propagate); when α = 0 or k = 0, A and B
/// are not read. β = 1 with α = −η is the
/// fused SGD update `W ← W − η·Xᵀ·δ` with no gradient buffer.
///
/// Properties: single-threaded; the summation order over k is fixed for a given shape
/// (m, n, k and the transposes), so the result is bitwise reproducible run to run and
/// machine to machine, on every kernel family (`Lanes.swift`), whatever else the process does. Each element is
/// `(α·S) + (β·c)`, rounded as written (no FMA), where the sum S of the k products is a
/// chain of fused multiply-adds in p order (split over 8 lanes, then reduced in a fixed
/// tree, in the A·Bᵀ dot path), within blocks of at most 1024 when operands are packed,
/// blocks added in order. S depends on the shape and the data only, not on α or β:
/// `sgemm(α, β)` equals α·`sgemm(1, 0)` + β·C bit for bit, so fusing an SGD step into the
/// gradient product changes no bits.
///
/// Paths (see `GemmDrivers.swift`): A·Bᵀ with fewer than 16 rows and k ≥ 64 → dot kernel
/// reading both operands in place (copying B would cost as much as the product);
/// otherwise the broadcast kernel (6×16 with 8 lanes, 12×32 with 16), with A and B packed into panels when all of
/// m, n, k ≥ 48 (and B always packed when transposed), operands read in place otherwise.
package func sgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  sgemm(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
    scratch: nil, scratchFloats: 0)
}

/// Whether `sgemm` runs a shape on the dot kernel: A·Bᵀ with fewer than 16 rows and
/// k ≥ 64, where copying B would cost as much as the product.
@inline(__always)
package func takesDotPath(_ transA: Transpose, _ transB: Transpose, m: Int, k: Int) -> Bool {
  !transA.isTransposed && transB.isTransposed && m < 16 && k >= 64
}

extension Transpose {
  /// Whether the operand is transposed, by pattern matching: `==` would call Transpose's
  /// Equatable witness through a weak lazy accessor (`…TransposeOACSQAAWl`) that this
  /// module (shared with GradKernels16) and the others would each define, which
  /// scripts/check-kernel-isa.py refuses (whichever copy the linker kept would serve both).
  @inline(__always)
  var isTransposed: Bool {
    switch self {
    case .none: false
    case .transposed: true
    }
  }
}
