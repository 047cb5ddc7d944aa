// The loops around the micro-kernels: k-blocking, optional packing, row tiling and
// column panels. Every decision here is a function of the shape and the transposes
// only, never of pointers, strides or timing, so a shape always sums in the same order.
// Tile sizes follow `Lane` (`Lanes.swift`); k-blocks do not, so every family sums alike.

import GradKernelsCore

/// Greatest depth of one k-block when operands are packed. Every k of the engine's
/// layers (≤ 1000) is then one block: C is written once, with no read-modify-write pass
/// per block and no repacking of A. The B panel (≤ 64 KiB) and A block then stream from
/// L2 rather than L1, which Zen 3 sustains: against 256-deep blocks this measured +3–14 %
/// per product (128×1000×1000, 128×512×512) and +6–10 % on W2b128 training steps.
let gemmBlockK = 1024
/// Rows of A packed per block (a 6-row panel is re-read from L2 for every column panel).
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
  /// Chosen for the weight-gradient form Aᵀ·B, where C (the weights, when the SGD update
  /// is fused) is the big operand: C then streams once in address order, which measured
  /// 10–30 % faster than sweeping it by column panels at 1000×1000×128.
  var rowTilesOuter: Bool
  /// Depth of one k-block. Products with few rows reading B in place take all of k at
  /// once: each kernel call walks a whole column panel of B at one stride, and C is
  /// written once (blocks of 8–256 rows measured no faster for 10×1000×1000).
  var blockK: Int

  /// The plan for a shape; a function of the shape and transposes only.
  static func choose(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> BroadcastPlan {
    let large = m >= 48 && n >= 48 && k >= 48
    let packB = large || transB.isTransposed
    return BroadcastPlan(
      packA: large,
      packB: packB,
      rowTilesOuter: transA.isTransposed,
      blockK: !packB && m < 16 ? max(k, 1) : gemmBlockK)
  }
}

extension BroadcastKernel {
  /// One tile read in place or from packed B only: accumulate over `k`, then store.
  @inline(never)
  static func run<E: TileEpilogue>(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, bRowStride: Int, secondOffset: Int, alpha: Float, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, cSecondOffset: Int, epilogue: inout E
  ) {
    let acc = accumulate(
      k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: bRowStride,
      secondOffset: secondOffset)
    storeTile(acc, secondOffset: cSecondOffset, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  }

  /// One tile from packed A and packed B: every stride a compile-time constant, so the
  /// broadcasts use fixed displacements and the loop carries two pointer increments.
  @inline(never)
  static func runPacked<E: TileEpilogue>(
    k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, alpha: Float, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, cSecondOffset: Int, epilogue: inout E
  ) {
    let acc = accumulate(
      k: k, a: a, aRowStride: 1, aColStride: Rows, b: b, bRowStride: laneCount * Vectors, secondOffset: laneCount)
    storeTile(acc, secondOffset: cSecondOffset, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  }

  /// One tile with A read in place along its rows (A·B and A·Bᵀ, lda apart) and B from a
  /// packed panel: only lda is a run-time stride.
  @inline(never)
  static func runRowsOfA<E: TileEpilogue>(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, alpha: Float, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, cSecondOffset: Int, epilogue: inout E
  ) {
    let acc = accumulate(
      k: k, a: a, aRowStride: lda, aColStride: 1, b: b, bRowStride: laneCount * Vectors, secondOffset: laneCount)
    storeTile(acc, secondOffset: cSecondOffset, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  }

  /// One row tile across every column panel of B read in place (panel j's vectors at
  /// b + column_j + o_v, C likewise): the weight-gradient form with a short k, where a
  /// driver round trip per tile would cost as much as the tile's few k steps. A measuring
  /// epilogue gets the sums of four panels at a time, added up in registers (handing
  /// each tile's sums to it through memory measured ~6 % slower on W2's 1000 × 1000 × 10).
  @inline(never)
  static func runAcross<E: TileEpilogue>(
    partition: ColumnPartition, k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, ldb: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    epilogue: inout E
  ) {
    guard E.isMeasuring else {
      return runPanels(
        0..<partition.count, partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride,
        b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
    }
    var first = 0
    while first < partition.count {
      let end = min(first + 4, partition.count)
      var group = SumsInRegisters()
      runPanels(
        first..<end, partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride,
        b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &group)
      epilogue.add(group.sums, entries: group.entries)
      first = end
    }
  }

  /// Panels `panels` of one row tile (see `runAcross`).
  @inline(__always)
  static func runPanels<E: TileEpilogue>(
    _ panels: Range<Int>, partition: ColumnPartition, k: Int, a: UnsafePointer<Float>, aRowStride: Int,
    aColStride: Int, b: UnsafePointer<Float>, ldb: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>,
    ldc: Int, epilogue: inout E
  ) {
    for j in panels {
      let panel = partition.panel(j)
      if panel.vectors == 2 {
        let acc = BroadcastKernel<Rows, 2>.accumulate(
          k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b + panel.column, bRowStride: ldb,
          secondOffset: panel.secondOffset)
        storeTile(
          acc, secondOffset: panel.secondOffset, alpha: alpha, beta: beta, c: c + panel.column, ldc: ldc,
          epilogue: &epilogue)
      } else {
        let acc = BroadcastKernel<Rows, 1>.accumulate(
          k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b + panel.column, bRowStride: ldb,
          secondOffset: 0)
        storeTile(acc, secondOffset: 0, alpha: alpha, beta: beta, c: c + panel.column, ldc: ldc, epilogue: &epilogue)
      }
    }
  }

  /// A tile of a matrix narrower than one vector, B from a zero-padded one-vector-wide copy.
  @inline(never)
  static func runNarrow<E: TileEpilogue>(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int, b: UnsafePointer<Float>,
    columns: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: inout E
  ) {
    let acc = BroadcastKernel<Rows, 1>.accumulate(
      k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, bRowStride: laneCount, secondOffset: 0)
    storeNarrowTile(acc, columns: columns, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  }
}

/// Where one tile reads its operands and writes its result.
struct TileOperands {
  var k: Int
  var a: UnsafePointer<Float>
  var aRowStride: Int
  var aColStride: Int
  var aPacked: Bool
  var b: UnsafePointer<Float>
  var bRowStride: Int
  var bSecondOffset: Int
  var bPacked: Bool
  var alpha: Float
  var beta: Float
  var c: UnsafeMutablePointer<Float>
  var ldc: Int
  var cSecondOffset: Int
}

/// Dispatches one tile to the kernel instantiated for its height and vector count.
@inline(__always)
func broadcastTile<let Rows: Int, let Vectors: Int, E: TileEpilogue>(
  _ kernel: BroadcastKernel<Rows, Vectors>.Type, _ t: TileOperands, _ epilogue: inout E
) {
  if t.aPacked && t.bPacked {
    kernel.runPacked(
      k: t.k, a: t.a, b: t.b, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, cSecondOffset: t.cSecondOffset,
      epilogue: &epilogue)
  } else if t.bPacked && t.aColStride == 1 {
    kernel.runRowsOfA(
      k: t.k, a: t.a, lda: t.aRowStride, b: t.b, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc,
      cSecondOffset: t.cSecondOffset, epilogue: &epilogue)
  } else {
    kernel.run(
      k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, bRowStride: t.bRowStride,
      secondOffset: t.bSecondOffset, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, cSecondOffset: t.cSecondOffset,
      epilogue: &epilogue)
  }
}

@inline(__always)
func broadcastTile<E: TileEpilogue>(rows: Int, vectors: Int, _ t: TileOperands, _ epilogue: inout E) {
  if vectors == 2 {
    switch rows {
    case 12 where maxTileRows >= 12: broadcastTile(BroadcastKernel<12, 2>.self, t, &epilogue)
    case 11 where maxTileRows >= 11: broadcastTile(BroadcastKernel<11, 2>.self, t, &epilogue)
    case 10 where maxTileRows >= 10: broadcastTile(BroadcastKernel<10, 2>.self, t, &epilogue)
    case 9 where maxTileRows >= 9: broadcastTile(BroadcastKernel<9, 2>.self, t, &epilogue)
    case 8 where maxTileRows >= 8: broadcastTile(BroadcastKernel<8, 2>.self, t, &epilogue)
    case 7 where maxTileRows >= 7: broadcastTile(BroadcastKernel<7, 2>.self, t, &epilogue)
    case 6: broadcastTile(BroadcastKernel<6, 2>.self, t, &epilogue)
    case 5: broadcastTile(BroadcastKernel<5, 2>.self, t, &epilogue)
    case 4: broadcastTile(BroadcastKernel<4, 2>.self, t, &epilogue)
    case 3: broadcastTile(BroadcastKernel<3, 2>.self, t, &epilogue)
    case 2: broadcastTile(BroadcastKernel<2, 2>.self, t, &epilogue)
    default: broadcastTile(BroadcastKernel<1, 2>.self, t, &epilogue)
    }
  } else {
    switch rows {
    case 12 where maxTileRows >= 12: broadcastTile(BroadcastKernel<12, 1>.self, t, &epilogue)
    case 11 where maxTileRows >= 11: broadcastTile(BroadcastKernel<11, 1>.self, t, &epilogue)
    case 10 where maxTileRows >= 10: broadcastTile(BroadcastKernel<10, 1>.self, t, &epilogue)
    case 9 where maxTileRows >= 9: broadcastTile(BroadcastKernel<9, 1>.self, t, &epilogue)
    case 8 where maxTileRows >= 8: broadcastTile(BroadcastKernel<8, 1>.self, t, &epilogue)
    case 7 where maxTileRows >= 7: broadcastTile(BroadcastKernel<7, 1>.self, t, &epilogue)
    case 6: broadcastTile(BroadcastKernel<6, 1>.self, t, &epilogue)
    case 5: broadcastTile(BroadcastKernel<5, 1>.self, t, &epilogue)
    case 4: broadcastTile(BroadcastKernel<4, 1>.self, t, &epilogue)
    case 3: broadcastTile(BroadcastKernel<3, 1>.self, t, &epilogue)
    case 2: broadcastTile(BroadcastKernel<2, 1>.self, t, &epilogue)
    default: broadcastTile(BroadcastKernel<1, 1>.self, t, &epilogue)
    }
  }
}

@inline(never)
func across<E: TileEpilogue>(
  rows: Int, partition: ColumnPartition, k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
  b: UnsafePointer<Float>, ldb: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  epilogue: inout E
) {
  switch rows {
  case 12 where maxTileRows >= 12: BroadcastKernel<12, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 11 where maxTileRows >= 11: BroadcastKernel<11, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 10 where maxTileRows >= 10: BroadcastKernel<10, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 9 where maxTileRows >= 9: BroadcastKernel<9, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 8 where maxTileRows >= 8: BroadcastKernel<8, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 7 where maxTileRows >= 7: BroadcastKernel<7, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 6: BroadcastKernel<6, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 5: BroadcastKernel<5, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 4: BroadcastKernel<4, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 3: BroadcastKernel<3, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  case 2: BroadcastKernel<2, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  default: BroadcastKernel<1, 2>.runAcross(partition: partition, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride, b: b, ldb: ldb, alpha: alpha, beta: beta, c: c, ldc: ldc, epilogue: &epilogue)
  }
}

@inline(__always)
func narrowTile<E: TileEpilogue>(rows: Int, columns: Int, _ t: TileOperands, _ epilogue: inout E) {
  switch rows {
  case 12 where maxTileRows >= 12: BroadcastKernel<12, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 11 where maxTileRows >= 11: BroadcastKernel<11, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 10 where maxTileRows >= 10: BroadcastKernel<10, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 9 where maxTileRows >= 9: BroadcastKernel<9, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 8 where maxTileRows >= 8: BroadcastKernel<8, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 7 where maxTileRows >= 7: BroadcastKernel<7, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 6: BroadcastKernel<6, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 5: BroadcastKernel<5, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 4: BroadcastKernel<4, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 3: BroadcastKernel<3, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  case 2: BroadcastKernel<2, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  default: BroadcastKernel<1, 1>.runNarrow(k: t.k, a: t.a, aRowStride: t.aRowStride, aColStride: t.aColStride, b: t.b, columns: columns, alpha: t.alpha, beta: t.beta, c: t.c, ldc: t.ldc, epilogue: &epilogue)
  }
}

/// C ← α·op(A)·op(B) + β·C with the broadcast kernel (any transposes; op(B) = Bᵀ needs
/// `plan.packB`). Packed operands go to `scratch` when given (at least
/// `BroadcastScratch(…).floats`, 64-byte aligned: a layer's `GemmScratch`), otherwise to
/// buffers allocated for the call.
func broadcastGemm<E: TileEpilogue>(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, plan: BroadcastPlan, scratch: UnsafeMutablePointer<Float>? = nil,
  epilogue: inout E
) {
  let partition = ColumnPartition(n: n)
  let layout = BroadcastScratch(m: m, n: n, k: k, plan: plan)
  let copyB = layout.copiesB
  let packJustInTime = layout.packsJustInTime
  let owned = scratch == nil && layout.floats > 0 ? allocateFloats(layout.floats) : nil
  defer { owned?.deallocate() }
  let base = scratch ?? owned
  let packedB = copyB ? base! : nil
  let packedA = plan.packA ? base! + layout.packedAOffset : nil

  var p0 = 0
  while p0 < k {
    let kc = min(plan.blockK, k - p0)
    let blockBeta: Float = p0 == 0 ? beta : 1
    if let packedB, !packJustInTime {
      packPanelsB(transB, b: b, ldb: ldb, p0: p0, kc: kc, partition: partition, into: packedB)
    }

    var i0 = 0
    while i0 < m {
      let mc = min(gemmBlockM, m - i0)
      let tiling = RowTiling(count: mc, maxRows: maxTileRows)
      if let packedA {
        for t in 0..<tiling.tiles {
          packPanelA(
            transA, a: a, lda: lda, start: i0 + tiling.start(t), rows: tiling.rows(t), p0: p0, kc: kc,
            into: packedA + tiling.start(t) * kc)
        }
      }

      // Copies of the loop counters: a local function that captured the `var`s themselves
      // would box them, and every access would pay a dynamic exclusivity check (~7 % of
      // W3's step in a profile).
      let rowBlock = i0, kBlock = p0
      @inline(__always)
      func tile(_ t: Int, _ panelIndex: Int, _ epilogue: inout E) {
        let start = tiling.start(t)
        let rows = tiling.rows(t)
        let panel = partition.panel(panelIndex)
        var operands = TileOperands(
          k: kc, a: a, aRowStride: 1, aColStride: rows, aPacked: packedA != nil,
          b: b, bRowStride: ldb, bSecondOffset: panel.secondOffset, bPacked: packedB != nil,
          alpha: alpha, beta: blockBeta, c: c + (rowBlock + start) * ldc + panel.column, ldc: ldc,
          cSecondOffset: panel.secondOffset)
        if let packedA {
          operands.a = UnsafePointer(packedA + start * kc)
        } else if !transA.isTransposed {
          operands.a = a + (rowBlock + start) * lda + kBlock
          operands.aRowStride = lda
          operands.aColStride = 1
        } else {
          operands.a = a + kBlock * lda + rowBlock + start
          operands.aRowStride = 1
          operands.aColStride = lda
        }
        if let packedB {
          operands.b = UnsafePointer(packedB + (packJustInTime ? 0 : panelIndex * kc * panelWidth))
          operands.bRowStride = laneCount * panel.vectors
          operands.bSecondOffset = laneCount
        } else {
          operands.b = b + kBlock * ldb + panel.column
        }
        if partition.isNarrow {
          narrowTile(rows: rows, columns: n, operands, &epilogue)
        } else {
          broadcastTile(rows: rows, vectors: panel.vectors, operands, &epilogue)
        }
      }

      if plan.rowTilesOuter && packedB == nil && partition.count >= 8 {
        // B read in place and wide: each row tile runs across all column panels in one
        // call (+10–19 % at 1000×1000×10; narrower products measured faster per tile).
        let direct = !transA.isTransposed
        for t in 0..<tiling.tiles {
          let start = tiling.start(t)
          across(
            rows: tiling.rows(t), partition: partition, k: kc,
            a: direct ? a + (i0 + start) * lda + p0 : a + p0 * lda + i0 + start,
            aRowStride: direct ? lda : 1, aColStride: direct ? 1 : lda, b: b + p0 * ldb, ldb: ldb,
            alpha: alpha, beta: blockBeta, c: c + (i0 + start) * ldc, ldc: ldc, epilogue: &epilogue)
        }
      } else if plan.rowTilesOuter {
        for t in 0..<tiling.tiles {
          for j in 0..<partition.count { tile(t, j, &epilogue) }
        }
      } else {
        for j in 0..<partition.count {
          if let packedB, packJustInTime {
            packPanelB(transB, b: b, ldb: ldb, p0: p0, kc: kc, partition: partition, index: j, into: packedB)
          }
          for t in 0..<tiling.tiles { tile(t, j, &epilogue) }
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
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, reachBack: Bool,
    alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let sums = accumulate(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack)
    for r in 0..<Rows {
      for q in 0..<Columns {
        combine(sums[r][q], alpha: alpha, beta: beta, into: c + (r &* ldc &+ q))
      }
    }
  }
}

@inline(__always)
func dotTile(
  rows: Int, columns: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  reachBack: Bool, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  switch (rows, columns) {
  case (4, 3): DotKernel<4, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, 3): DotKernel<3, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, 3): DotKernel<2, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (1, 3): DotKernel<1, 3>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (4, 2): DotKernel<4, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, 2): DotKernel<3, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, 2): DotKernel<2, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (1, 2): DotKernel<1, 2>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (4, _): DotKernel<4, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (3, _): DotKernel<3, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  case (2, _): DotKernel<2, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  default: DotKernel<1, 1>.run(k: k, a: a, lda: lda, b: b, ldb: ldb, reachBack: reachBack, alpha: alpha, beta: beta, c: c, ldc: ldc)
  }
}

/// C ← α·A·Bᵀ + β·C with the dot kernel, for few rows of A: no copy of B at all, each
/// 3-row group of B streamed from memory once, front to back over the whole k, and reused
/// from L1 by every row tile of A (256-deep k-blocks measured 15–25 % slower at
/// 10×1000×1000 with B out of cache; 12×1 and 5×2 tiles slower than 4×3).
func dotGemm(
  m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  let tiling = RowTiling(count: m, maxRows: 4)
  var q0 = 0
  while q0 < n {
    let columns = min(3, n - q0)
    for t in 0..<tiling.tiles {
      let start = tiling.start(t)
      dotTile(
        rows: tiling.rows(t), columns: columns, k: k, a: a + start * lda, lda: lda,
        b: b + q0 * ldb, ldb: ldb, reachBack: k >= 8, alpha: alpha, beta: beta, c: c + start * ldc + q0, ldc: ldc)
    }
    q0 += columns
  }
}

/// C ← α·S + β·C elementwise, with S an m×n sum computed beforehand (ld = n): the last
/// step of a product whose k spans several blocks, rounded as `storeTile` rounds.
func combineSums(
  _ sums: UnsafePointer<Float>, m: Int, n: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  let va = Lane(repeating: alpha)
  let vb = Lane(repeating: beta)
  for i in 0..<m {
    let source = sums + i * n
    let row = c + i * ldc
    var j = 0
    while j + laneCount <= n {
      let s = va * loadVector(source + j)
      storeVector(beta == 0 ? s : s + vb * loadVector(row + j), row + j)
      j += laneCount
    }
    while j < n {
      combine(source[j], alpha: alpha, beta: beta, into: row + j)
      j += 1
    }
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

// MARK: - The micro-kernels
//
// In this file with their callers on purpose: the kernels are generic over the tile's
// shape (value generics), and a debug build compiles file by file, where a call into
// another file stays unspecialised — and unspecialised, `InlineArray(repeating:)` of
// 32-byte SIMD lanes overran its dynamically sized stack slot (AddressSanitizer:
// dynamic-stack-buffer-overflow in BroadcastKernel.accumulate; an occasional SIGSEGV of
// `swift test`, never of release builds, which are whole-module and specialise).

// The register-blocked inner loops of sgemm. Everything here is `@inline(__always)` so
// that each (rows, vectors) instantiation is specialised into its caller with the tile
// held in registers: with 8 lanes a 6×16 tile is 12 accumulators + 2 B vectors + 1
// broadcast = 15 of the 16 AVX2 YMM registers, and 12 independent FMA chains cover Zen 3's
// / Haswell's 2 FMA pipes × 4-cycle latency; with 16 lanes a 12×32 tile is 24 + 2 + 1 of
// the 32 AVX-512 ZMM registers. Index arithmetic inside the loops is wrapping (`&*`,
// `&+`): an overflow check there would pin the accumulators to memory.

/// A register tile of `Rows` × `Vectors` accumulators of `Lane` (see `Lanes.swift`).
typealias Tile<let Rows: Int, let Vectors: Int> = InlineArray<Rows, InlineArray<Vectors, Lane>>

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> Lane {
  UnsafeRawPointer(p).loadUnaligned(as: Lane.self)
}

@inline(__always)
func storeVector(_ v: Lane, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lane.self)
}

/// Eight lanes whatever `Lane` is: the dot kernel and the 8×8 transposes keep this width
/// in every family, so that their sums (split over 8 lanes) have the same order.
@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
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
///     tile[r][v] = Σ_{p<k} A(r, p) · B(p, o_v ..< o_v + 8),   o_0 = 0, o_1 = secondOffset
///
/// where A(r, p) = a[r·aRowStride + p·aColStride] is broadcast to all lanes and row p of
/// B starts at b + p·bRowStride. The same code serves packed panels (constant strides,
/// see `runPacked`) and operands read in place (NN: lda / 1, TN: 1 / lda). A second
/// vector offset below 8 overlaps the first: a 10- or 14-column edge panel is computed as
/// two full vectors without copying or reading past the matrix.
///
/// Properties: for every lane the sum runs over p = 0, 1, …, k−1 in order, one fused
/// multiply-add per term, so the result depends only on k and the data; overlapping
/// lanes compute bit-identical values.
enum BroadcastKernel<let Rows: Int, let Vectors: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, bRowStride: Int, secondOffset: Int
  ) -> Tile<Rows, Vectors> {
    var acc = Tile<Rows, Vectors>(repeating: InlineArray(repeating: .zero))
    var pa = a
    var pb = b
    // Two k steps per trip: measured 3–6 % faster than one on 128×512×512 (four spill).
    var pairs = k >> 1
    while pairs > 0 {
      for _ in 0..<2 {
        var bv = InlineArray<Vectors, Lane>(repeating: .zero)
        for v in 0..<Vectors { bv[v] = loadVector(pb + (v == 0 ? 0 : secondOffset)) }
        for r in 0..<Rows {
          let av = Lane(repeating: pa[r &* aRowStride])
          for v in 0..<Vectors { acc[r][v].addProduct(av, bv[v]) }
        }
        pa += aColStride
        pb += bRowStride
      }
      pairs &-= 1
    }
    for _ in 0..<(k & 1) {
      var bv = InlineArray<Vectors, Lane>(repeating: .zero)
      for v in 0..<Vectors { bv[v] = loadVector(pb + (v == 0 ? 0 : secondOffset)) }
      for r in 0..<Rows {
        let av = Lane(repeating: pa[r &* aRowStride])
        for v in 0..<Vectors { acc[r][v].addProduct(av, bv[v]) }
      }
      pa += aColStride
      pb += bRowStride
    }
    return acc
  }
}

/// What `storeTile` does besides writing C: nothing (`PlainStore`, every ordinary
/// product), or adding up what a fused update did (`UpdateSumsEpilogue`).
protocol TileEpilogue {
  /// False for `PlainStore`: its calls compile away.
  static var isMeasuring: Bool { get }
  /// One tile's lane sums of S², |S|, c² and (c′ − c)² (S the sum of the products, c and
  /// c′ an entry before and after; c = 0 when β = 0), over `entries` entries.
  mutating func add(_ tile: TileSums, entries: Int)
}

/// Lane sums of one tile (see `TileEpilogue`).
struct TileSums {
  var squares = Lane.zero
  var magnitudes = Lane.zero
  var oldSquares = Lane.zero
  var changeSquares = Lane.zero

  /// Adds one vector's entries: S (the sum of the products), the entry before and after.
  @_transparent
  mutating func add(sum s: Lane, old: Lane, new: Lane) {
    let change = new - old
    squares.addProduct(s, s)
    magnitudes += unsafeBitCast(unsafeBitCast(s, to: LaneBits.self) & 0x7FFF_FFFF, to: Lane.self)
    oldSquares.addProduct(old, old)
    changeSquares.addProduct(change, change)
  }

  /// The sums with the lanes whose `keep` bits are 0 set to +0: a bitwise AND, exact
  /// whatever the lanes hold (a multiplication by 0 would turn ∞ into NaN).
  @_transparent
  func keeping(_ keep: LaneBits) -> TileSums {
    @_transparent func masked(_ v: Lane) -> Lane {
      unsafeBitCast(unsafeBitCast(v, to: LaneBits.self) & keep, to: Lane.self)
    }
    return TileSums(
      squares: masked(squares), magnitudes: masked(magnitudes), oldSquares: masked(oldSquares),
      changeSquares: masked(changeSquares))
  }

  @inline(__always)
  static func + (x: TileSums, y: TileSums) -> TileSums {
    TileSums(
      squares: x.squares + y.squares, magnitudes: x.magnitudes + y.magnitudes,
      oldSquares: x.oldSquares + y.oldSquares, changeSquares: x.changeSquares + y.changeSquares)
  }
}

/// The epilogue of every ordinary product.
struct PlainStore: TileEpilogue {
  static var isMeasuring: Bool { false }
  /// Unused storage. An empty struct passed `inout` has no address of its own, and
  /// ThreadSanitizer's instrumentation of `inout` accesses dereferenced the made-up one
  /// (SEGV in `swift test --sanitize=thread`); one byte gives it a real one.
  private var storage: UInt8 = 0
  @inline(__always) mutating func add(_ tile: TileSums, entries: Int) {}
}

/// A measuring epilogue local to a kernel call: the tiles' lane sums added up where the
/// compiler can keep them in registers, handed on to the real epilogue in groups.
struct SumsInRegisters: TileEpilogue {
  static var isMeasuring: Bool { true }
  var sums = TileSums()
  var entries = 0
  @inline(__always) mutating func add(_ tile: TileSums, entries count: Int) {
    sums = sums + tile
    entries &+= count
  }
}

/// How `storeTile` combines a sum with the old entry: β = 0 does not read C, β = 1 (the
/// SGD update without weight decay) adds c itself — 1·c = c exactly, so the bits are
/// those of the general `(α·S) + (β·c)` and one multiplication per vector is saved.
enum BetaCase {
  case zero, one, general
  @_transparent init(_ beta: Float) { self = beta == 0 ? .zero : beta == 1 ? .one : .general }
}

/// Writes a tile into C, `C ← α·tile + β·C`, vector v of row r at c + r·ldc + o_v.
///
/// Evaluated as `(α·tile) + (β·C)` with three roundings and no fused multiply-add,
/// exactly like `referenceSgemm` and a separate SGD step `w ← α·g + β·w` on g = tile: so
/// the fused update (α = −η, β = 1) gives the same bits as forming the gradient first.
/// β = 0 never reads C. A row's old values are all read before any is written, so
/// overlapping vectors (o_1 < 8) store identical values and β is applied once; a
/// measuring epilogue gets the tile's sums with the overlapping lanes left out, formed
/// in registers (one sum per vector column, rows in order, then the columns added).
/// The β case is decided once per tile (tested in the row loop, the compiler did not hoist
/// it); that and skipping β·c for β = 1 made the fused update of W1's and W2's first
/// layer (784 × 30 × 10, 784 × 1000 × 10) 1.3× and 1.45× faster (`bench --kernels`).
@_transparent
func storeTile<let Rows: Int, let Vectors: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, Vectors>, secondOffset: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: inout E
) {
  // One sum per vector column (two at most), so that each lane's chain is Rows long.
  var firstSums = TileSums(), secondSums = TileSums()
  switch BetaCase(beta) {
  case .zero:
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: false, &firstSums, &secondSums, E.self
    ) { product, _ in product }
  case .one:
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: true, &firstSums, &secondSums, E.self
    ) { product, old in product + old }
  case .general:
    let vb = Lane(repeating: beta)
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: true, &firstSums, &secondSums, E.self
    ) { product, old in product + vb * old }
  }
  if E.isMeasuring {
    guard Vectors == 2 else { return epilogue.add(firstSums, entries: Rows * laneCount) }
    // Leave out the lanes of the second vector that the first one holds.
    var keep = LaneBits(repeating: 0xFFFF_FFFF)
    for lane in 0..<(laneCount &- min(secondOffset, laneCount)) { keep[lane] = 0 }
    epilogue.add(firstSums + secondSums.keeping(keep), entries: Rows * (laneCount + min(secondOffset, laneCount)))
  }
}

/// The row loop of `storeTile` for one β case: `combine(α·S, c)` is the new entry (c is
/// read only when `reads`; otherwise it counts as 0).
@_transparent
func storeRows<let Rows: Int, let Vectors: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, Vectors>, secondOffset: Int, alpha: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  reads: Bool, _ firstSums: inout TileSums, _ secondSums: inout TileSums, _: E.Type,
  combine: (Lane, Lane) -> Lane
) {
  let va = Lane(repeating: alpha)
  for r in 0..<Rows {
    let row = c + r &* ldc
    var old = InlineArray<Vectors, Lane>(repeating: .zero)
    if reads { for v in 0..<Vectors { old[v] = loadVector(row + (v == 0 ? 0 : secondOffset)) } }
    for v in 0..<Vectors {
      let new = combine(va * acc[r][v], old[v])
      storeVector(new, row + (v == 0 ? 0 : secondOffset))
      if E.isMeasuring {
        if v == 0 {
          firstSums.add(sum: acc[r][v], old: old[v], new: new)
        } else {
          secondSums.add(sum: acc[r][v], old: old[v], new: new)
        }
      }
    }
  }
}

/// `α·sum + β·c` for one element, rounded as `storeTile` rounds (β = 0 does not read c).
@inline(__always)
func combine(_ sum: Float, alpha: Float, beta: Float, into p: UnsafeMutablePointer<Float>) {
  p.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * p.pointee
}

/// Writes the first `columns` (< `laneCount`) lanes of a one-vector tile: matrices narrower than
/// one vector, whose B rows were copied into a zero-padded scratch panel.
@inline(__always)
func storeNarrowTile<let Rows: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, 1>, columns: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  epilogue: inout E
) {
  var sums = TileSums()
  for r in 0..<Rows {
    var old = Lane.zero, new = Lane.zero
    for j in 0..<columns {
      let p = c + (r &* ldc &+ j)
      if E.isMeasuring && beta != 0 { old[j] = p.pointee }
      combine(acc[r][0][j], alpha: alpha, beta: beta, into: p)
      if E.isMeasuring { new[j] = p.pointee }
    }
    // Lanes past `columns` hold S = 0 (B's zero padding), old = new = 0: they add 0.
    if E.isMeasuring { sums.add(sum: acc[r][0], old: old, new: new) }
  }
  if E.isMeasuring { epilogue.add(sums, entries: Rows * columns) }
}

/// The inner-product ("dot") micro-kernel for C = A·Bᵀ with both operands read along
/// their contiguous rows:
///
///     out[r][q] = Σ_{p<k} a[r·lda + p] · b[q·ldb + p]
///
/// vectorised over p in chunks of 8 (lane l sums the terms p ≡ l mod 8 in order). When
/// 8 ∤ k the last k mod 8 terms are taken from one more chunk that ends at p = k and
/// starts inside already-summed territory (allowed when `reachBack`: at least 8 valid
/// elements precede a + k), with the repeated lanes' products replaced by 0; otherwise
/// they are added one by one after the lane sum. Lanes are reduced by `laneSum`.
enum DotKernel<let Rows: Int, let Columns: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, reachBack: Bool
  ) -> InlineArray<Rows, InlineArray<Columns, Float>> {
    var acc = InlineArray<Rows, InlineArray<Columns, SIMD8<Float>>>(repeating: InlineArray(repeating: .zero))
    let vectorEnd = k & ~7
    var p = 0
    while p < vectorEnd {
      var bv = InlineArray<Columns, SIMD8<Float>>(repeating: .zero)
      for q in 0..<Columns { bv[q] = load8(b + (q &* ldb &+ p)) }
      for r in 0..<Rows {
        let av = load8(a + (r &* lda &+ p))
        for q in 0..<Columns { acc[r][q].addProduct(av, bv[q]) }
      }
      p += 8
    }
    let leftover = k &- vectorEnd
    let masked = leftover > 0 && reachBack
    if masked {
      let start = k &- 8
      let repeated = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(8 &- leftover))
      var bv = InlineArray<Columns, SIMD8<Float>>(repeating: .zero)
      for q in 0..<Columns { bv[q] = load8(b + (q &* ldb &+ start)) }
      for r in 0..<Rows {
        let av = load8(a + (r &* lda &+ start))
        for q in 0..<Columns { acc[r][q] += (av * bv[q]).replacing(with: 0, where: repeated) }
      }
    }
    var out = InlineArray<Rows, InlineArray<Columns, Float>>(repeating: InlineArray(repeating: 0))
    for r in 0..<Rows {
      for q in 0..<Columns {
        var s = laneSum(acc[r][q])
        if !masked {
          var t = vectorEnd
          while t < k {
            s.addProduct(a[r &* lda &+ t], b[q &* ldb &+ t])
            t &+= 1
          }
        }
        out[r][q] = s
      }
    }
    return out
  }
}
