// `sgemm` that also reports what it did to C: the fused SGD update of a logged training
// step, W ← β·W + α·Xᵀδ, measured in the kernel's own epilogue while the sums, the old
// and the new weights are in registers — no gradient buffer is written or read back.
// Only the 8-lane module has it: the sums' order follows its 6×16 tiles on every family
// (the AVX-512 family replays them over its own products, GemmUpdateReplay.swift), so
// that layers.csv has the same bits on every CPU.

import GradKernelsCore

/// `sgemm`, writing bitwise the same C, that also returns `GemmUpdateSums`.
///
/// Properties: C is exactly what `sgemm` with the same arguments writes (the products go
/// through the same kernels and the same `(α·S) + (β·c)` rounding; a test checks the
/// bits); each S in the sums is the S `sgemm(α: 1, β: 0)` would store. Shapes the
/// broadcast kernel takes in one k-block are measured in its epilogue; the others (the
/// dot path, k above one block, α = 0) form S in a scratch block first.
package func sgemmUpdateSums(
  _ transA: Transpose, _ transB: Transpose,
  m: Int, n: Int, k: Int,
  alpha: Float,
  a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int
) -> GemmUpdateSums {
  guard m > 0, n > 0 else { return GemmUpdateSums() }
  let plan = BroadcastPlan.choose(transA, transB, m: m, n: n, k: k)
  if k > 0 && alpha != 0 && !takesDotPath(transA, transB, m: m, k: k) && k <= plan.blockK {
    var epilogue = UpdateSumsEpilogue()
    broadcastGemm(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
      c: c, ldc: ldc, plan: plan, epilogue: &epilogue)
    return epilogue.finish()
  }
  // S first (exactly what sgemm(α: 1, β: 0) stores), then C as sgemm writes it.
  let sums = allocateFloats(m * n)
  defer { sums.deallocate() }
  sgemm(transA, transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: sums, ldc: n)
  var epilogue = UpdateSumsEpilogue()
  var old = [Float](repeating: 0, count: n)
  for i in 0..<m {
    let row = c + i * ldc
    if beta != 0 { for j in 0..<n { old[j] = row[j] } }
    if k <= 0 || alpha == 0 {
      scaleMatrix(m: 1, n: n, beta: beta, c: row, ldc: ldc)
    } else {
      combineSums(sums + i * n, m: 1, n: n, alpha: alpha, beta: beta, c: row, ldc: ldc)
    }
    var rowSums = TileSums()
    var j = 0
    while j < n {
      let lanes = min(8, n - j)
      var s = SIMD8<Float>.zero, before = SIMD8<Float>.zero, after = SIMD8<Float>.zero
      for l in 0..<lanes {
        s[l] = sums[i * n + j + l]
        before[l] = old[j + l]
        after[l] = row[j + l]
      }
      rowSums.add(sum: s, old: before, new: after)
      j += 8
    }
    epilogue.add(rowSums, entries: n)
  }
  return epilogue.finish()
}

/// The measuring epilogue: tiles' lane sums added up in Float, moved into Doubles after
/// a tile that brings the count since the last move to 1024 or more. (Moving them every
/// 256 entries took ~5 % of a logged W1 step.) A lane then sums at most ~160 terms,
/// within 10⁻⁵ relative. The move keeps the 8 lanes apart (two `SIMD4<Double>` per sum:
/// a conversion and an addition each) and reduces them once, in `finish`; reducing the
/// Float lanes at every move took 0.5 % of a logged W2 step.
struct UpdateSumsEpilogue: TileEpilogue {
  static var isMeasuring: Bool { true }
  private var lanes = TileSums()
  private var pending = 0
  private var totals = DoubleLanes()

  /// The four sums in Double, lane by lane: `low` holds lanes 0–3, `high` lanes 4–7.
  private struct DoubleLanes {
    var low = InlineArray<4, SIMD4<Double>>(repeating: .zero)
    var high = InlineArray<4, SIMD4<Double>>(repeating: .zero)

    @inline(__always)
    mutating func add(_ index: Int, _ v: SIMD8<Float>) {
      low[index] += SIMD4<Double>(v.lowHalf)
      high[index] += SIMD4<Double>(v.highHalf)
    }

    /// Lane sum `index`, in a fixed order.
    func total(_ index: Int) -> Double {
      let v = low[index] + high[index]
      return (v[0] + v[2]) + (v[1] + v[3])
    }
  }

  @inline(__always)
  mutating func add(_ tile: TileSums, entries: Int) {
    lanes = lanes + tile
    pending &+= entries
    if pending >= 1024 { flush() }
  }

  private mutating func flush() {
    totals.add(0, lanes.squares)
    totals.add(1, lanes.magnitudes)
    totals.add(2, lanes.oldSquares)
    totals.add(3, lanes.changeSquares)
    lanes = TileSums()
    pending = 0
  }

  mutating func finish() -> GemmUpdateSums {
    flush()
    var sums = GemmUpdateSums()
    sums.sumSquares = totals.total(0)
    sums.sumMagnitudes = totals.total(1)
    sums.oldSquares = totals.total(2)
    sums.changeSquares = totals.total(3)
    return sums
  }
}
