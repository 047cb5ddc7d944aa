// How C's columns are cut into register-tile panels, and copies of operand blocks into
// the contiguous layouts the broadcast kernel streams best. Packing only moves values
// (no arithmetic), so it never changes a result's bits.

import GradKernelsCore

/// The column panels of an n-column product, each one or two vectors of w = `laneCount`
/// lanes wide and never narrower than w (unless n < w): with n = 2w·q + r,
///
///     r = 0:       q panels of 2w
///     r = w:       q of 2w, then one of w
///     w < r < 2w:  q of 2w, then one of r as two overlapping vectors at 0 and r − w
///     0 < r < w:   q − 1 of 2w, one of w + r (vectors at 0 and r), then one of w
///     n < w:       one panel of n, computed in a zero-padded w-wide copy
///
/// e.g. with w = 8: 10 → [10 = 0…7 ∪ 2…9], 30 → [16, 14], 1000 → [16 × 62, 8], 20 → [12, 8];
/// with w = 16: 1000 → [32 × 30, 24, 16], 30 → [30 = 0…15 ∪ 14…29].
struct ColumnPartition {
  let n: Int

  var isNarrow: Bool { n < laneCount }

  var count: Int {
    if n < laneCount { return 1 }
    return n / panelWidth + (n % panelWidth == 0 ? 0 : 1)
  }

  /// Panel `index`: first column, vector count, offset of the second vector.
  @inline(__always)
  func panel(_ index: Int) -> (column: Int, vectors: Int, secondOffset: Int) {
    let w = laneCount
    if n < w { return (0, 1, 0) }
    let q = n / (2 * w)
    let r = n % (2 * w)
    if r == 0 || r >= w {
      if index < q { return (index * 2 * w, 2, w) }
      return r == w ? (q * 2 * w, 1, 0) : (q * 2 * w, 2, r - w)
    }
    if index < q - 1 { return (index * 2 * w, 2, w) }
    if index == q - 1 { return (index * 2 * w, 2, r) }
    return ((q - 1) * 2 * w + w + r, 1, 0)
  }
}

/// Packs op(B)[p0 ..< p0+kc, ·] panel by panel; panel i occupies `kc·panelWidth` floats
/// from `packed + i·kc·panelWidth` (see `packPanelB`).
func packPanelsB(
  _ trans: Transpose, b: UnsafePointer<Float>, ldb: Int, p0: Int, kc: Int, partition: ColumnPartition,
  into packed: UnsafeMutablePointer<Float>
) {
  for index in 0..<partition.count {
    packPanelB(trans, b: b, ldb: ldb, p0: p0, kc: kc, partition: partition, index: index, into: packed + index * kc * panelWidth)
  }
}

/// Packs panel `index` of op(B)[p0 ..< p0+kc, ·], row p holding vector 0 then vector 1
/// (`w·vectors` floats, w = `laneCount`):
///
///     dst[p·w·vectors + w·v + l] = op(B)(p0 + p, column + o_v + l)
///
/// (0 past column n for a narrow matrix). `op(B)(p, j)` is `b[p·ldb + j]`, or `b[j·ldb + p]`
/// when transposed; the transposed case moves 8×8 blocks through registers (w/8 per row).
func packPanelB(
  _ trans: Transpose, b: UnsafePointer<Float>, ldb: Int, p0: Int, kc: Int, partition: ColumnPartition,
  index: Int, into dst: UnsafeMutablePointer<Float>
) {
  let panel = partition.panel(index)
  let w = laneCount
  let stride = w * panel.vectors
  for v in 0..<panel.vectors {
    let column = panel.column + (v == 0 ? 0 : panel.secondOffset)
    let valid = min(w, partition.n - column)
    switch trans {
    case .none:
      var src = b + p0 * ldb + column
      if valid == w {
        for p in 0..<kc {
          storeVector(loadVector(src), dst + (p &* stride &+ w &* v))
          src += ldb
        }
      } else {
        for p in 0..<kc {
          for l in 0..<w { dst[p &* stride &+ w &* v &+ l] = l < valid ? src[l] : 0 }
          src += ldb
        }
      }
    case .transposed:
      for group in Swift.stride(from: 0, to: w, by: 8) {
        packTransposedVector(
          b: b + (column + group) * ldb + p0, ldb: ldb, kc: kc, valid: min(8, valid - group),
          into: dst + (w * v + group), stride: stride)
      }
    }
  }
}

/// Eight columns of Bᵀ: `dst[p·stride + l] = src[l·ldb + p]` for l < valid, 0 beyond
/// (valid ≤ 0: all zeros, src not read).
private func packTransposedVector(
  b src: UnsafePointer<Float>, ldb: Int, kc: Int, valid: Int, into dst: UnsafeMutablePointer<Float>, stride: Int
) {
  var p = 0
  if valid == 8 {
    while p + 8 <= kc {
      var block = InlineArray<8, SIMD8<Float>>(repeating: .zero)
      for r in 0..<8 { block[r] = load8(src + (r &* ldb &+ p)) }
      let t = transpose8x8(block)
      for r in 0..<8 { store8(t[r], dst + (p &+ r) &* stride) }
      p += 8
    }
  }
  while p < kc {
    for l in 0..<8 { dst[p &* stride &+ l] = l < valid ? src[l &* ldb &+ p] : 0 }
    p += 1
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

/// Packs the rows `start ..< start + rows` of op(A)[·, p0 ..< p0+kc] as one panel,
/// column after column: `packed[p·rows + r] = op(A)(start + r, p0 + p)`.
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
      for p in 0..<kc { packed[p &* rows &+ r] = src[p] }
    }
  case .transposed:
    var src = a + p0 * lda + start
    for p in 0..<kc {
      for r in 0..<rows { packed[p &* rows &+ r] = src[r] }
      src += lda
    }
  }
}
