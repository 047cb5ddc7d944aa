// Copies of operand blocks into the contiguous layouts the broadcast kernel streams best.
// Packing only moves values (no arithmetic), so it never changes a result's bits.

/// Packs op(B)[p0 ..< p0+kc, 0 ..< n] into panels of 16 columns:
///
///     packed[panel·kc·16 + p·16 + c] = op(B)(p0 + p, 16·panel + c)   (0 past column n)
///
/// `op(B)(p, j)` is `b[p·ldb + j]` when not transposed and `b[j·ldb + p]` when transposed;
/// the transposed case moves 8×8 blocks through registers.
func packPanelsB(
  _ trans: Transpose, b: UnsafePointer<Float>, ldb: Int, p0: Int, kc: Int, n: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  let panels = (n + 15) / 16
  for panel in 0..<panels {
    let j0 = panel * 16
    let width = min(16, n - j0)
    let dst = packed + panel * kc * 16
    switch trans {
    case .none:
      var src = b + p0 * ldb + j0
      if width == 16 {
        for p in 0..<kc {
          storeVector(loadVector(src), dst + p * 16)
          storeVector(loadVector(src + 8), dst + p * 16 + 8)
          src += ldb
        }
      } else {
        for p in 0..<kc {
          for c in 0..<16 { dst[p * 16 + c] = c < width ? src[c] : 0 }
          src += ldb
        }
      }
    case .transposed:
      packTransposedPanel(b: b + j0 * ldb + p0, ldb: ldb, kc: kc, width: width, into: dst)
    }
  }
}

/// One 16-column panel of Bᵀ: `dst[p·16 + c] = src[c·ldb + p]` for c < width, 0 beyond.
private func packTransposedPanel(
  b src: UnsafePointer<Float>, ldb: Int, kc: Int, width: Int, into dst: UnsafeMutablePointer<Float>
) {
  var half = 0
  while half < 16 {
    let rows = min(8, width - half)
    if rows <= 0 {
      for p in 0..<kc { storeVector(.zero, dst + p * 16 + half) }
      half += 8
      continue
    }
    let rowBase = src + half * ldb
    var p = 0
    if rows == 8 {
      while p + 8 <= kc {
        var block = InlineArray<8, SIMD8<Float>>(repeating: .zero)
        for r in 0..<8 { block[r] = loadVector(rowBase + r * ldb + p) }
        let t = transpose8x8(block)
        for r in 0..<8 { storeVector(t[r], dst + (p + r) * 16 + half) }
        p += 8
      }
    }
    while p < kc {
      for c in 0..<8 { dst[p * 16 + half + c] = c < rows ? rowBase[c * ldb + p] : 0 }
      p += 1
    }
    half += 8
  }
}

/// The transpose of an 8×8 block held as 8 row vectors (unpack, shuffle, 128-bit swap:
/// the compiler lowers the lane constructors to vunpck/vshufps/vperm2f128).
@inline(__always)
func transpose8x8(_ r: InlineArray<8, SIMD8<Float>>) -> InlineArray<8, SIMD8<Float>> {
  var t = InlineArray<8, SIMD8<Float>>(repeating: .zero)
  for q in 0..<4 {
    let a = r[2 * q], b = r[2 * q + 1]
    t[2 * q] = SIMD8(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5])
    t[2 * q + 1] = SIMD8(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7])
  }
  var u = InlineArray<8, SIMD8<Float>>(repeating: .zero)
  for q in 0..<2 {
    for h in 0..<2 {
      let a = t[4 * q + h], b = t[4 * q + 2 + h]
      u[4 * q + 2 * h] = SIMD8(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5])
      u[4 * q + 2 * h + 1] = SIMD8(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7])
    }
  }
  var o = InlineArray<8, SIMD8<Float>>(repeating: .zero)
  for i in 0..<4 {
    let a = u[i], b = u[i + 4]
    o[i] = SIMD8(lowHalf: a.lowHalf, highHalf: b.lowHalf)
    o[i + 4] = SIMD8(lowHalf: a.highHalf, highHalf: b.highHalf)
  }
  return o
}

/// Packs the rows `tile.start ..< tile.start + tile.rows` of op(A)[·, p0 ..< p0+kc] as one
/// panel, column after column: `packed[p·rows + r] = op(A)(start + r, p0 + p)`.
@inline(__always)
func packPanelA(
  _ trans: Transpose, a: UnsafePointer<Float>, lda: Int, start: Int, rows: Int, p0: Int, kc: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  switch trans {
  case .none:
    // Each source row is contiguous along p; the strided writes land in one small panel.
    for r in 0..<rows {
      let src = a + (start + r) * lda + p0
      for p in 0..<kc { packed[p * rows + r] = src[p] }
    }
  case .transposed:
    var src = a + p0 * lda + start
    for p in 0..<kc {
      for r in 0..<rows { packed[p * rows + r] = src[r] }
      src += lda
    }
  }
}
