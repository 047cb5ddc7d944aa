// The scratch a product packs its operands into, given by the caller: a run allocates it
// once for all its layers' products (GradKernels/GemmPlan.swift) instead of once per
// call. Where the operands go never changes a result's bits (packing only moves values).

import GradKernelsCore

/// Where `broadcastGemm` keeps its packed operands for one shape: op(B)'s panels from
/// offset 0, op(A)'s row panels from `packedAOffset` (a cache line boundary).
///
/// Sweeping column panels outermost, each panel of B is packed right before its row
/// tiles use it, into one panel of kc × `panelWidth` floats (kc ≤ 1024); sweeping
/// row tiles outermost, all panels are packed up front.
struct BroadcastScratch {
  /// Whether op(B) is copied: packed panels, or one zero-padded vector of a matrix
  /// narrower than a vector.
  let copiesB: Bool
  /// Whether B's panels are packed one at a time into the same place.
  let packsJustInTime: Bool
  let packedBFloats: Int
  let packedAFloats: Int

  init(m: Int, n: Int, k: Int, plan: BroadcastPlan) {
    let partition = ColumnPartition(n: n)
    let kcMax = min(k, plan.blockK)
    copiesB = plan.packB || partition.isNarrow
    packsJustInTime = copiesB && !plan.rowTilesOuter
    packedBFloats = copiesB ? kcMax * (packsJustInTime ? 1 : partition.count) * panelWidth : 0
    packedAFloats = plan.packA ? kcMax * min(m, gemmBlockM) : 0
  }

  var packedAOffset: Int { roundedToCacheLine(packedBFloats) }
  /// Floats of scratch the shape uses (0: none).
  var floats: Int { packedAOffset + packedAFloats }
}

/// `count` rounded up to a whole number of 64-byte cache lines of Floats.
@inline(__always)
func roundedToCacheLine(_ count: Int) -> Int { (count + 15) & ~15 }

/// Floats of scratch `sgemm(…, scratch:scratchFloats:)` uses for a shape: the sums of a
/// product whose k spans several k-blocks, then the packed operands (0 for the dot path
/// and for operands all read in place). A function of the shape and transposes only.
package func sgemmScratchFloats(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> Int {
  if m > 0 && takesDotPath(transA, transB, m: m, k: k) { return 0 }
  return broadcastScratchFloats(transA, transB, m: m, n: n, k: k)
}

/// `sgemmScratchFloats` as if the shape took the broadcast kernel, whatever its path.
package func broadcastScratchFloats(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> Int {
  guard m > 0, n > 0, k > 0 else { return 0 }
  let plan = BroadcastPlan.choose(transA, transB, m: m, n: n, k: k)
  let sums = k > plan.blockK ? roundedToCacheLine(m * n) : 0
  return sums + BroadcastScratch(m: m, n: n, k: k, plan: plan).floats
}

/// Rows and columns at which the scratch a shape needs may drop as it grows (below them
/// fewer than 16 rows read B in place in one k-block; narrower than a vector, B is
/// copied): a bound's scratch is sized at these too (`GemmScratch`).
package let scratchThresholds = (rows: 15, columns: laneCount - 1)

/// `sgemm` with its packed operands (and multi-block sums) in `scratch`, 64-byte aligned
/// and `scratchFloats` long: the same bits, and no allocation when `scratchFloats` ≥
/// `sgemmScratchFloats` of the shape (otherwise the call allocates, as `sgemm` does).
package func sgemm(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int,
  scratch: UnsafeMutablePointer<Float>?, scratchFloats: Int
) {
  guard m > 0, n > 0 else { return }
  if k <= 0 || alpha == 0 {
    scaleMatrix(m: m, n: n, beta: beta, c: c, ldc: ldc)
    return
  }
  if takesDotPath(transA, transB, m: m, k: k) {
    dotGemm(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    return
  }
  let plan = BroadcastPlan.choose(transA, transB, m: m, n: n, k: k)
  let fits = scratch != nil && scratchFloats >= sgemmScratchFloats(transA, transB, m: m, n: n, k: k)
  var plain = PlainStore()
  if k > plan.blockK && !(alpha == 1 && beta == 0) {
    // Several k-blocks: form S = Σ first (blocks added into it in order), then α·S + β·C,
    // so that S is the same sum whatever α and β are (the fused SGD update relies on it).
    let sums = fits ? scratch! : allocateFloats(m * n)
    defer { if !fits { sums.deallocate() } }
    broadcastGemm(
      transA, transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 0,
      c: sums, ldc: n, plan: plan, scratch: fits ? scratch! + roundedToCacheLine(m * n) : nil, epilogue: &plain)
    combineSums(sums, m: m, n: n, alpha: alpha, beta: beta, c: c, ldc: ldc)
    return
  }
  broadcastGemm(
    transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
    c: c, ldc: ldc, plan: plan, scratch: fits ? scratch! + (k > plan.blockK ? roundedToCacheLine(m * n) : 0) : nil,
    epilogue: &plain)
}
