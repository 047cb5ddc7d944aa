// The register-blocked inner loops of sgemm. Everything here is `@inline(__always)` so
// that each (rows, vectors) instantiation is specialised into its caller with the tile
// held in YMM registers: a 6×16 tile is 12 accumulators + 2 B vectors + 1 broadcast =
// 15 of the 16 AVX2 registers, and 12 independent FMA chains cover Zen 3's / Haswell's
// 2 FMA pipes × 4-cycle latency.

/// A register tile of `Rows` × `8·Vectors` accumulators.
typealias Tile<let Rows: Int, let Vectors: Int> = InlineArray<Rows, InlineArray<Vectors, SIMD8<Float>>>

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func storeVector(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Sum of the 8 lanes in a fixed tree order, ((0+4)+(2+6)) + ((1+5)+(3+7)), so that the
/// result never depends on how the compiler would reassociate `sum()`.
@inline(__always)
func laneSum(_ v: SIMD8<Float>) -> Float {
  let quad = v.lowHalf + v.highHalf
  let pair = quad.lowHalf + quad.highHalf
  return pair[0] + pair[1]
}

/// The outer-product ("broadcast") micro-kernel:
///
///     tile[r][v] = Σ_{p<k} A(r, p) · B(p, 8v ..< 8v+8)
///
/// where A(r, p) = a[r·aRowStride + p·aColStride] is broadcast to all lanes and row p of
/// B is `8·Vectors` contiguous floats at b + p·bRowStride. The same code serves packed
/// panels (strides 1 / rows, 16) and operands read in place (NN: lda / 1, TN: 1 / lda).
///
/// Properties: for every (r, v) lane the sum runs over p = 0, 1, …, k−1 in order, one
/// fused multiply-add per term, so the result depends only on k and the data.
enum BroadcastKernel<let Rows: Int, let Vectors: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, bRowStride: Int
  ) -> Tile<Rows, Vectors> {
    var acc = Tile<Rows, Vectors>(repeating: InlineArray(repeating: .zero))
    var pa = a
    var pb = b
    for _ in 0..<k {
      var bv = InlineArray<Vectors, SIMD8<Float>>(repeating: .zero)
      for v in 0..<Vectors { bv[v] = loadVector(pb + 8 * v) }
      for r in 0..<Rows {
        let av = SIMD8<Float>(repeating: pa[r * aRowStride])
        for v in 0..<Vectors { acc[r][v].addProduct(av, bv[v]) }
      }
      pa += aColStride
      pb += bRowStride
    }
    return acc
  }
}

/// Writes a tile into C: `C ← α·tile + β·C` for the top-left `rows × columns` corner.
/// β = 0 never reads C; β = 1 is a plain fused `C + α·tile` (the SGD-update form).
@inline(__always)
func storeTile<let Rows: Int, let Vectors: Int>(
  _ acc: Tile<Rows, Vectors>, columns: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if columns == 8 * Vectors {
    let va = SIMD8<Float>(repeating: alpha)
    if beta == 0 {
      for r in 0..<Rows {
        for v in 0..<Vectors { storeVector(va * acc[r][v], c + r * ldc + 8 * v) }
      }
    } else if beta == 1 {
      for r in 0..<Rows {
        for v in 0..<Vectors {
          let p = c + r * ldc + 8 * v
          storeVector(loadVector(p).addingProduct(va, acc[r][v]), p)
        }
      }
    } else {
      let vb = SIMD8<Float>(repeating: beta)
      for r in 0..<Rows {
        for v in 0..<Vectors {
          let p = c + r * ldc + 8 * v
          storeVector((vb * loadVector(p)).addingProduct(va, acc[r][v]), p)
        }
      }
    }
  } else {
    for r in 0..<Rows {
      for j in 0..<columns {
        let value = acc[r][j >> 3][j & 7]
        let p = c + r * ldc + j
        if beta == 0 {
          p.pointee = alpha * value
        } else if beta == 1 {
          p.pointee = p.pointee.addingProduct(alpha, value)
        } else {
          p.pointee = (beta * p.pointee).addingProduct(alpha, value)
        }
      }
    }
  }
}

/// The inner-product ("dot") micro-kernel for C = A·Bᵀ with both operands read along
/// their contiguous rows:
///
///     out[r][q] = Σ_{p<k} a[r·lda + p] · b[q·ldb + p]
///
/// vectorised over p in chunks of 8 (lane l sums p ≡ l mod 8 in order), lanes reduced by
/// `laneSum`, then the k mod 8 leftover terms added in order. Used when op(B) = Bᵀ and A
/// has too few rows to repay transposing B into panels.
enum DotKernel<let Rows: Int, let Columns: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int
  ) -> InlineArray<Rows, InlineArray<Columns, Float>> {
    var acc = Tile<Rows, Columns>(repeating: InlineArray(repeating: .zero))
    let vectorEnd = k & ~7
    var p = 0
    while p < vectorEnd {
      var bv = InlineArray<Columns, SIMD8<Float>>(repeating: .zero)
      for q in 0..<Columns { bv[q] = loadVector(b + q * ldb + p) }
      for r in 0..<Rows {
        let av = loadVector(a + r * lda + p)
        for q in 0..<Columns { acc[r][q].addProduct(av, bv[q]) }
      }
      p += 8
    }
    var out = InlineArray<Rows, InlineArray<Columns, Float>>(repeating: InlineArray(repeating: 0))
    for r in 0..<Rows {
      for q in 0..<Columns {
        var s = laneSum(acc[r][q])
        var t = vectorEnd
        while t < k {
          s.addProduct(a[r * lda + t], b[q * ldb + t])
          t += 1
        }
        out[r][q] = s
      }
    }
    return out
  }
}
