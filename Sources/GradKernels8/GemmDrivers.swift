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
    let packB = large || transB == .transposed
    return BroadcastPlan(
      packA: large,
      packB: packB,
      rowTilesOuter: transA == .transposed,
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
/// `plan.packB`).
func broadcastGemm<E: TileEpilogue>(
  _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, plan: BroadcastPlan, epilogue: inout E
) {
  let partition = ColumnPartition(n: n)
  let kcMax = min(k, plan.blockK)
  let copyB = plan.packB || partition.isNarrow
  // Sweeping column panels outermost, each panel is packed right before its row tiles
  // use it, into one L1-resident 16 KiB buffer; sweeping row tiles outermost, all panels
  // are packed up front.
  let packJustInTime = copyB && !plan.rowTilesOuter
  let packedB = copyB ? allocateFloats(kcMax * (packJustInTime ? 1 : partition.count) * panelWidth) : nil
  let packedA = plan.packA ? allocateFloats(kcMax * min(m, gemmBlockM)) : nil
  defer {
    packedB?.deallocate()
    packedA?.deallocate()
  }

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
        } else if transA == .none {
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
        let direct = transA == .none
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
