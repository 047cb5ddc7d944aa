/// Whether a matrix operand is used as stored or transposed.
public enum Transpose: Sendable {
  case none
  case transposed
}

/// Single-precision general matrix multiply on row-major storage:
///
///     C ← α · op(A) · op(B) + β · C,   op(A): m×k, op(B): k×n, C: m×n
///
/// `lda`, `ldb`, `ldc` are row strides (elements between consecutive rows as stored).
/// When β = 0, C is not read (NaNs in C do not propagate).
///
/// Properties: single-threaded; the summation order over k is fixed for a given shape,
/// so the result is bitwise reproducible run to run whatever else the process does.
///
/// This is the reference implementation; the fast kernels replace its body and are
/// checked against it.
public func sgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  referenceSgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// Straightforward triple loop, the oracle for the tests of the fast kernels.
public func referenceSgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  for i in 0..<m {
    for j in 0..<n {
      var sum: Float = 0
      for p in 0..<k {
        let aip = transA == .none ? a[i * lda + p] : a[p * lda + i]
        let bpj = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
        sum += aip * bpj
      }
      let old = beta == 0 ? 0 : beta * c[i * ldc + j]
      c[i * ldc + j] = alpha * sum + old
    }
  }
}
