// The types every kernel family shares, and the oracle the families are tested against.
// No arithmetic of the fast paths lives here: this module is compiled for the baseline
// of the machine (x86-64-v3 on x86-64), so any family may use it.

/// Whether a matrix operand is used as stored or transposed.
package enum Transpose: Sendable {
  case none
  case transposed
}

/// Sums over the m × n entries of one `sgemmUpdateSums` call, with S the sum of the k
/// products of an entry (the gradient, before α), c and c′ the entry before and after:
///
///     sumSquares = Σ S²,   sumMagnitudes = Σ |S|,   oldSquares = Σ c²,   changeSquares = Σ (c′ − c)²
///
/// With β = 0, c counts as 0 (C is not read). Float lanes are added into Double lanes
/// every ≥ 1024 entries (≤ 160 terms per Float lane) and the Double lanes summed at the
/// end, in an order fixed by the shape: bitwise reproducible. A Float partial sum of
/// squares that overflows (entries beyond ~10¹⁸) makes its total +∞.
package struct GemmUpdateSums: Sendable, Equatable {
  package var sumSquares = 0.0
  package var sumMagnitudes = 0.0
  package var oldSquares = 0.0
  package var changeSquares = 0.0

  package init() {}
}

/// Straightforward triple loop, the oracle for the tests of the fast kernels.
package func referenceSgemm(
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
