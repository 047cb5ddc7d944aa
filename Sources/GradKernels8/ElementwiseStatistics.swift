// The activation statistics' sums, read back by the forward sweep a group of finished
// rows at a time while they are in L1 (`activationSweep`), in the canonical order of
// `ActivationSums`: 16 Float partial sums per quantity, one block's lanes, whichever
// family runs. Compiled in both kernel families (GradKernels16 links this file).

import GradKernelsCore

/// Sets the shifts cz, ca to the means of the first row's z and a: Double sums in j
/// order (scalar, so no width changes them), rounded to Float.
@inline(__always)
func setShifts(_ sums: inout ActivationSums, firstRowZ z: UnsafePointer<Float>, firstRowA a: UnsafePointer<Float>, width: Int) {
  var zTotal = 0.0, aTotal = 0.0
  for j in 0..<width {
    zTotal += Double(z[j])
    aTotal += Double(a[j])
  }
  sums.zShift = Float(zTotal / Double(max(width, 1)))
  sums.aShift = Float(aTotal / Double(max(width, 1)))
}

/// Adds `rows` consecutive rows of z, f(z) and f′(z) (`width` entries each, row after
/// row). The sums run in Float lanes held in registers and go into the Doubles after
/// every row that brings the count since the last move to 256 or more, and after the
/// last row, so the grouping depends only on the shape.
@inline(__always)
func addRows(
  _ sums: inout ActivationSums, z: UnsafePointer<Float>, a: UnsafePointer<Float>, d: UnsafePointer<Float>,
  rows: Int, width: Int
) {
  var zs = Block(), zq = Block(), as_ = Block(), aq = Block(), ds = Block(), sat = Block()
  let cz = Block(repeating: sums.zShift), ca = Block(repeating: sums.aShift)
  let threshold = Block(repeating: sums.threshold)
  let one = Block(repeating: 1), zero = Block()
  let alive = sums.alive
  let fullEnd = width & ~(blockWidth - 1)
  let tail = reachBackMask(width)
  var pending = 0
  for row in 0..<rows {
    let (z, a, d) = (z + row &* width, a + row &* width, d + row &* width)
    var j = 0
    while j < fullEnd {
      let zv = loadBlock(z + j) - cz, av = loadBlock(a + j) - ca, dv = loadBlock(d + j)
      zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
      let isSaturated = absolute(dv) .< threshold
      sat += zero.replacing(with: one, where: isSaturated)
      storeBlock(loadBlock(alive + j).replacing(with: one, where: .!isSaturated), alive + j)
      j &+= blockWidth
    }
    if j < width && width >= blockWidth {
      // The row's last width mod 16 entries, from a block reaching back (see
      // `reachBackMask`); its first lanes were added by the loop.
      let start = width &- blockWidth
      let zv = (loadBlock(z + start) - cz).replacing(with: 0, where: .!tail)
      let av = (loadBlock(a + start) - ca).replacing(with: 0, where: .!tail)
      let dv = loadBlock(d + start).replacing(with: 0, where: .!tail)
      zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
      let isSaturated = (absolute(dv) .< threshold) .& tail
      sat += zero.replacing(with: one, where: isSaturated)
      storeBlock(loadBlock(alive + start).replacing(with: one, where: .!isSaturated .& tail), alive + start)
    } else if j < width {
      let n = width &- j
      let lanes = leadingLanes(n)
      let zv = (loadBlock(z + j, count: n) - cz).replacing(with: 0, where: .!lanes)
      let av = (loadBlock(a + j, count: n) - ca).replacing(with: 0, where: .!lanes)
      let dv = loadBlock(d + j, count: n)
      zs += zv; zq = zq.addingProduct(zv, zv); as_ += av; aq = aq.addingProduct(av, av); ds += dv
      let isSaturated = (absolute(dv) .< threshold) .& lanes
      sat += zero.replacing(with: one, where: isSaturated)
      storeBlock(
        loadBlock(alive + j, count: n).replacing(with: one, where: .!isSaturated .& lanes), alive + j, count: n)
    }
    pending &+= width
    if pending >= 256 || row == rows &- 1 {
      sums.zSum += Double(blockSum(zs)); sums.zSquares += Double(blockSum(zq))
      sums.aSum += Double(blockSum(as_)); sums.aSquares += Double(blockSum(aq))
      sums.dSum += Double(blockSum(ds)); sums.saturated += Double(blockSum(sat))
      zs = Block(); zq = Block(); as_ = Block(); aq = Block(); ds = Block(); sat = Block()
      pending = 0
    }
  }
}
