// The loops around the micro-kernels: k-blocking, optional packing, row tiling and
// column panels. Every decision here is a function of the shape and the transposes
// only, never of pointers, strides or timing, so a shape always sums in the same order.

/// Depth of one k-block: a 16-column B panel of this depth is 16 KiB (half of L1d), and a
/// 6-row A panel 6 KiB.
let gemmBlockK = 256
/// Rows of A packed per block: 144 × 256 floats = 144 KiB, well inside a 512 KiB L2.
let gemmBlockM = 144

/// Splits `count` rows into ⌈count / maxRows⌉ tiles of nearly equal height (heights differ
/// by at most one): 10 → 5 + 5, 32 → 6+6+5+5+5+5, 128 → 18×6 + 4×5. Balanced tiles avoid a
/// thin last tile whose few FMA chains would stall on latency.
struct RowTiling {
  let tiles: Int
  let base: Int
  let extra: Int

  init(count: Int, maxRows: Int) {
    tiles = (count + maxRows - 1) / maxRows
    base = count / tiles
    extra = count % tiles
  }

  @inline(__always) func start(_ t: Int) -> Int { t * base + min(t, extra) }
  @inline(__always) func rows(_ t: Int) -> Int { base + (t < extra ? 1 : 0) }
}

/// How the broadcast driver reads its operands.
struct BroadcastPlan {
  /// Copy op(A) blocks into row panels (long k and many columns repay the copy).
  var packA: Bool
  /// Copy op(B) blocks into 16-column panels (needed when op(B) = Bᵀ; also avoids
  /// power-of-two row strides thrashing L1 when many row tiles reuse a panel).
  var packB: Bool
  /// Sweep C row tile by row tile (all column panels of a tile before the next tile).
  /// Chosen when C is the big operand and k is short (the weight-gradient form), so C
  /// is streamed once in address order.
  var rowTilesOuter: Bool

  /// The plan for a shape; a function of the shape and transposes only.
  static func choose(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> BroadcastPlan {
    let large = m >= 48 && n >= 48 && k >= 48
    return BroadcastPlan(
      packA: large,
      packB: large || transB == .transposed,
      rowTilesOuter: !large && transA == .transposed)
  }
}

extension BroadcastKernel {
  /// One tile: accumulate over `k`, then `C ← α·tile + β·C` on `columns` columns.
  @inline(never)
  static func run(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, bRowStride: Int, columns: Int, alpha: Float, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let acc = accumulate(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride)
    storeTile(acc, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
  }
}

/// Dispatches one tile to the kernel instantiated for its height and width.
@inline(__always)
func broadcastTile(
  rows: Int, columns: Int, k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
  b: UnsafePointer<Float>, bRowStride: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if columns > 8 {
    switch rows {
    case 6: BroadcastKernel<6, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 5: BroadcastKernel<5, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 4: BroadcastKernel<4, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 3: BroadcastKernel<3, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 2: BroadcastKernel<2, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    default: BroadcastKernel<1, 2>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    }
  } else {
    switch rows {
    case 6: BroadcastKernel<6, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 5: BroadcastKernel<5, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 4: BroadcastKernel<4, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 3: BroadcastKernel<3, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    case 2: BroadcastKernel<2, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    default: BroadcastKernel<1, 1>.run(k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc)
    }
  }
}

/// The column panels of op(B) for one k-block: where panel `index` starts in C, how many
/// columns it has (≤ 16), and where its rows are read.
struct ColumnPanels {
  let n: Int
  /// Panels of 16 read in place (direct) or from the packed buffer.
  let packed: UnsafeMutablePointer<Float>?
  let direct: UnsafePointer<Float>
  let ldb: Int
  let kc: Int
  /// Zero-padded copy of the last n mod 8 columns when reading in place.
  let tail: UnsafeMutablePointer<Float>?

  /// Panels: in place, 16-wide while 16 remain, then one 8-wide, then the padded tail.
  var count: Int {
    if packed != nil { return (n + 15) / 16 }
    return n / 16 + (n % 16 >= 8 ? 1 : 0) + (n % 8 != 0 ? 1 : 0)
  }

  @inline(__always)
  func panel(_ index: Int) -> (column: Int, width: Int, rows: UnsafePointer<Float>, rowStride: Int) {
    if let packed {
      let j0 = index * 16
      return (j0, min(16, n - j0), UnsafePointer(packed + index * kc * 16), 16)
    }
    let full = n / 16
    if index < full { return (index * 16, 16, direct + index * 16, ldb) }
    let eight = n % 16 >= 8
    if eight && index == full { return (full * 16, 8, direct + full * 16, ldb) }
    let j0 = n & ~7
    return (j0, n - j0, UnsafePointer(tail!), 8)
  }
}

/// C ← α·op(A)·op(B) + β·C with the broadcast kernel (any transposes; op(B) = Bᵀ needs
/// `plan.packB`).
func broadcastGemm(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, plan: BroadcastPlan
) {
  let kcMax = min(k, gemmBlockK)
  let packedB = plan.packB ? allocateFloats(kcMax * ((n + 15) / 16) * 16) : nil
  let packedA = plan.packA ? allocateFloats(kcMax * min(m, gemmBlockM)) : nil
  let tail = !plan.packB && n % 8 != 0 ? allocateFloats(kcMax * 8) : nil
  defer {
    packedB?.deallocate()
    packedA?.deallocate()
    tail?.deallocate()
  }

  var p0 = 0
  while p0 < k {
    let kc = min(gemmBlockK, k - p0)
    let blockBeta: Float = p0 == 0 ? beta : 1
    if let packedB {
      packPanelsB(transB, b: b, ldb: ldb, p0: p0, kc: kc, n: n, into: packedB)
    } else if let tail {
      let j0 = n & ~7
      for p in 0..<kc {
        for col in 0..<8 { tail[p * 8 + col] = j0 + col < n ? b[(p0 + p) * ldb + j0 + col] : 0 }
      }
    }
    let panels = ColumnPanels(n: n, packed: packedB, direct: b + p0 * ldb, ldb: ldb, kc: kc, tail: tail)

    var i0 = 0
    while i0 < m {
      let mc = min(gemmBlockM, m - i0)
      let tiling = RowTiling(count: mc, maxRows: 6)
      if let packedA {
        for t in 0..<tiling.tiles {
          packPanelA(
            transA, a: a, lda: lda, start: i0 + tiling.start(t), rows: tiling.rows(t), p0: p0, kc: kc,
            into: packedA + tiling.start(t) * kc)
        }
      }

      @inline(__always)
      func tile(_ t: Int, _ panelIndex: Int) {
        let start = tiling.start(t)
        let rows = tiling.rows(t)
        let aTile: UnsafePointer<Float>
        let aRowStride: Int
        let aColStride: Int
        if let packedA {
          aTile = UnsafePointer(packedA + start * kc)
          aRowStride = 1
          aColStride = rows
        } else if transA == .none {
          aTile = a + (i0 + start) * lda + p0
          aRowStride = lda
          aColStride = 1
        } else {
          aTile = a + p0 * lda + i0 + start
          aRowStride = 1
          aColStride = lda
        }
        let panel = panels.panel(panelIndex)
        broadcastTile(
          rows: rows, columns: panel.width, k: kc, a: aTile, aRowStride: aRowStride, aColStride: aColStride,
          b: panel.rows, bRowStride: panel.rowStride, alpha: alpha, beta: blockBeta,
          c: c + (i0 + start) * ldc + panel.column, ldc: ldc)
      }

      if plan.rowTilesOuter {
        for t in 0..<tiling.tiles {
          for j in 0..<panels.count { tile(t, j) }
        }
      } else {
        for j in 0..<panels.count {
          for t in 0..<tiling.tiles { tile(t, j) }
        }
      }
      i0 += mc
    }
    p0 += kc
  }
}

extension DotKernel {
  /// One tile of C = α·A·Bᵀ + β·C over `k`.
  @inline(never)
  static func run(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let sums = accumulate(k: k, a: a, lda: lda, b: b, ldb: ldb)
    for r in 0..<Rows {
      for q in 0..<Columns {
        let p = c + r * ldc + q
        if beta == 0 {
          p.pointee = alpha * sums[r][q]
        } else if beta == 1 {
          p.pointee = p.pointee.addingProduct(alpha, sums[r][q])
        } else {
          p.pointee = (beta * p.pointee).addingProduct(alpha, sums[r][q])
        }
      }
    }
  }
}

@inline(__always)
func dotTile(
  rows: Int, columns: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  switch (rows, columns) {
  case (4, 3): DotKernel<4, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, 3): DotKernel<3, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, 3): DotKernel<2, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (1, 3): DotKernel<1, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (4, 2): DotKernel<4, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, 2): DotKernel<3, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, 2): DotKernel<2, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (1, 2): DotKernel<1, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (4, _): DotKernel<4, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, _): DotKernel<3, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, _): DotKernel<2, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  default: DotKernel<1, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc)
  }
}

/// C ← α·A·Bᵀ + β·C with the dot kernel, for few rows of A: no copy of B at all, each
/// 3-row group of B read from memory once per k-block and reused from L1 by every row
/// tile of A.
func dotGemm(
  m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  let tiling = RowTiling(count: m, maxRows: 4)
  var p0 = 0
  while p0 < k {
    let kc = min(gemmBlockK, k - p0)
    let blockBeta: Float = p0 == 0 ? beta : 1
    var q0 = 0
    while q0 < n {
      let columns = min(3, n - q0)
      for t in 0..<tiling.tiles {
        let start = tiling.start(t)
        dotTile(
          rows: tiling.rows(t), columns: columns, k: kc, a: a + start * lda + p0, lda: lda,
          b: b + q0 * ldb + p0, ldb: ldb, alpha: alpha, beta: blockBeta, c: c + start * ldc + q0, ldc: ldc)
      }
      q0 += columns
    }
    p0 += kc
  }
}

/// C ← β·C (β = 0 writes zeros without reading C), the whole product when k = 0 or α = 0.
func scaleMatrix(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
  if beta == 1 { return }
  for i in 0..<m {
    let row = c + i * ldc
    for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
  }
}

/// A 64-byte aligned scratch buffer (a cache line, so packed panels never straddle one).
@inline(__always)
func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    .bindMemory(to: Float.self, capacity: max(count, 1))
}
