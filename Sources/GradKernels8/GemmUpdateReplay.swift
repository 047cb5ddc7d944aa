// The measured update with the products formed elsewhere (the AVX-512 family's 16-lane
// kernels): the update and its sums are then replayed over the 6 × 16 tiles in the very
// order `sgemmUpdateSums`'s epilogue visits them, so C and every sum keep their bits.

import GradKernelsCore

/// `sgemmUpdateSums` with S = op(A)·op(B) supplied by `products`, or nil (nothing read or
/// written) for a shape this replay does not serve.
///
///     C ← α·S + β·C, measuring Σ S², Σ |S|, Σ c², Σ (c′ − c)²
///
/// `products(first, rows, s)` must store rows `first ..< first + rows` of S (what
/// `sgemm(α: 1, β: 0)` stores for those rows of op(A)) at `s`, row stride n; it is called
/// once per block of ≤ 144 rows (`gemmBlockM`), so S stays in cache.
///
/// Properties: C and the sums have the bits `sgemmUpdateSums` gives for the same arguments,
/// given S with the bits `sgemm` gives (every family's: one chain of FMAs per element
/// within one k-block, whatever the tile). Served: the shapes whose measured update runs
/// in the broadcast kernels' epilogue (0 < k ≤ the plan's k-block, α ≠ 0, no dot path, at
/// least 8 columns) and whose row blocks cannot take the dot path either (not A·Bᵀ).
/// Edge cases: each row block's S goes through a scratch block of 144 × n Floats.
package func sgemmUpdateSums(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int,
  products: (_ first: Int, _ rows: Int, _ s: UnsafeMutablePointer<Float>) -> Void
) -> GemmUpdateSums? {
  let plan = BroadcastPlan.choose(transA, transB, m: m, n: n, k: k)
  let partition = ColumnPartition(n: n)
  guard m > 0, n >= laneCount, k > 0, alpha != 0, k <= plan.blockK,
    !(!transA.isTransposed && transB.isTransposed)
  else { return nil }
  let s = allocateFloats(min(m, gemmBlockM) * n)
  defer { s.deallocate() }
  let copyB = plan.packB || partition.isNarrow
  var epilogue = UpdateSumsEpilogue()
  var i0 = 0
  while i0 < m {
    let mc = min(gemmBlockM, m - i0)
    products(i0, mc, s)
    let tiling = RowTiling(count: mc, maxRows: maxTileRows)
    let block = c + i0 * ldc
    @inline(__always)
    func tile<E: TileEpilogue>(_ t: Int, _ j: Int, _ epilogue: inout E) {
      let panel = partition.panel(j)
      let start = tiling.start(t)
      replayTile(
        rows: tiling.rows(t), vectors: panel.vectors, secondOffset: panel.secondOffset,
        s: s + start * n + panel.column, lds: n, alpha: alpha, beta: beta,
        c: block + start * ldc + panel.column, ldc: ldc, epilogue: &epilogue)
    }
    // The loop orders of `broadcastGemm` for one k-block, `runAcross`'s groups included.
    if plan.rowTilesOuter && !copyB && partition.count >= 8 {
      for t in 0..<tiling.tiles {
        var first = 0
        while first < partition.count {
          let end = min(first + 4, partition.count)
          var group = SumsInRegisters()
          for j in first..<end { tile(t, j, &group) }
          epilogue.add(group.sums, entries: group.entries)
          first = end
        }
      }
    } else if plan.rowTilesOuter {
      for t in 0..<tiling.tiles {
        for j in 0..<partition.count { tile(t, j, &epilogue) }
      }
    } else {
      for j in 0..<partition.count {
        for t in 0..<tiling.tiles { tile(t, j, &epilogue) }
      }
    }
    i0 += mc
  }
  return epilogue.finish()
}

/// `storeTile`'s update and sums for one tile of S read from memory (row stride `lds`),
/// the β case and the vector count decided once per tile, as `storeTile` does.
@inline(__always)
func replayTile<E: TileEpilogue>(
  rows: Int, vectors: Int, secondOffset: Int, s: UnsafePointer<Float>, lds: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: inout E
) {
  let vb = Lane(repeating: beta)
  switch (BetaCase(beta), vectors == 2) {
  case (.zero, true):
    replayRows(rows, 2, secondOffset, s, lds, alpha, c, ldc, reads: false, &epilogue) { product, _ in product }
  case (.zero, false):
    replayRows(rows, 1, secondOffset, s, lds, alpha, c, ldc, reads: false, &epilogue) { product, _ in product }
  case (.one, true):
    replayRows(rows, 2, secondOffset, s, lds, alpha, c, ldc, reads: true, &epilogue) { product, old in product + old }
  case (.one, false):
    replayRows(rows, 1, secondOffset, s, lds, alpha, c, ldc, reads: true, &epilogue) { product, old in product + old }
  case (.general, true):
    replayRows(rows, 2, secondOffset, s, lds, alpha, c, ldc, reads: true, &epilogue) { product, old in
      product + vb * old
    }
  case (.general, false):
    replayRows(rows, 1, secondOffset, s, lds, alpha, c, ldc, reads: true, &epilogue) { product, old in
      product + vb * old
    }
  }
}

/// The row loop of `replayTile` (`storeRows`'s, S loaded instead of accumulated): the new
/// entry is `combine(α·S, c)`, c read only when `reads` (else 0); sums one per vector
/// column, rows in order, the second's lanes that the first holds left out.
@_transparent
func replayRows<E: TileEpilogue>(
  _ rows: Int, _ vectors: Int, _ secondOffset: Int, _ s: UnsafePointer<Float>, _ lds: Int, _ alpha: Float,
  _ c: UnsafeMutablePointer<Float>, _ ldc: Int, reads: Bool, _ epilogue: inout E,
  combine: (Lane, Lane) -> Lane
) {
  let va = Lane(repeating: alpha)
  var firstSums = TileSums(), secondSums = TileSums()
  for r in 0..<rows {
    let row = c + r &* ldc, sums = s + r &* lds
    let s0 = loadVector(sums)
    let old0 = reads ? loadVector(row) : Lane.zero
    if vectors == 2 {
      // Both old vectors read before either is written (they overlap when o₁ < 8).
      let s1 = loadVector(sums + secondOffset)
      let old1 = reads ? loadVector(row + secondOffset) : Lane.zero
      let new0 = combine(va * s0, old0), new1 = combine(va * s1, old1)
      storeVector(new0, row)
      storeVector(new1, row + secondOffset)
      firstSums.add(sum: s0, old: old0, new: new0)
      secondSums.add(sum: s1, old: old1, new: new1)
    } else {
      let new0 = combine(va * s0, old0)
      storeVector(new0, row)
      firstSums.add(sum: s0, old: old0, new: new0)
    }
  }
  guard vectors == 2 else { return epilogue.add(firstSums, entries: rows * laneCount) }
  var keep = LaneBits(repeating: 0xFFFF_FFFF)
  for lane in 0..<(laneCount &- min(secondOffset, laneCount)) { keep[lane] = 0 }
  epilogue.add(firstSums + secondSums.keeping(keep), entries: rows * (laneCount + min(secondOffset, laneCount)))
}
