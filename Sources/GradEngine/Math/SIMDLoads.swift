// Loads and stores of 8-lane Float vectors from plain memory, with a partial form for
// the tail of a row whose length is not a multiple of 8. The partial form runs the
// same vector arithmetic on zero-filled lanes, so a tail element gets exactly the bits
// it would get in a full vector: results never depend on where a row's tail falls.

typealias Vector8 = SIMD8<Float>
/// The vector of the shared elementary functions (`ElementwiseMath.swift`, a symbolic
/// link to GradKernels8's): 8 lanes here, for the losses.
typealias MathVector = Vector8
/// `MathVector`'s lanes as Int32, for the exponent bits of eˣ.
typealias MathInts = SIMD8<Int32>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Vector8 {
  UnsafeRawPointer(p).loadUnaligned(as: Vector8.self)
}

@inline(__always)
func store8(_ v: Vector8, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector8.self)
}

/// The first `count` (1…8) floats at `p`, the remaining lanes zero.
@inline(__always)
func load8(_ p: UnsafePointer<Float>, count: Int) -> Vector8 {
  if count == 8 { return load8(p) }
  var v = Vector8()
  for i in 0..<count { v[i] = p[i] }
  return v
}

/// Stores the first `count` (1…8) lanes of `v` at `p`.
@inline(__always)
func store8(_ v: Vector8, _ p: UnsafeMutablePointer<Float>, count: Int) {
  if count == 8 { store8(v, p); return }
  for i in 0..<count { p[i] = v[i] }
}

/// For a row of `width` ≥ 8 entries whose last `width mod 8` are handled by one vector
/// loaded at `width − 8` (reaching back over entries already done, instead of lane-by-lane
/// loads): the mask of that vector's new lanes, the last `width mod 8` (none when
/// 8 divides `width`).
@inline(__always)
func reachBackLanes(_ width: Int) -> SIMDMask<SIMD8<Int32>> {
  SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Int32>(repeating: Int32(8 - width % 8))
}

/// The mask of the first `count` lanes.
@inline(__always)
func laneMask(_ count: Int) -> SIMDMask<SIMD8<Int32>> {
  SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(count))
}

/// |v|, by clearing the sign bits (NaN stays NaN).
@inline(__always)
func absolute(_ v: Vector8) -> Vector8 {
  unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vector8.self)
}

/// Σ lanes in a fixed order (pairwise halves), so reductions are the same on every machine.
@inline(__always)
func laneSum(_ v: Vector8) -> Float {
  let four = v.lowHalf + v.highHalf
  let two = four.lowHalf + four.highHalf
  return two[0] + two[1]
}

/// Σ lanes of a Double vector in a fixed order.
@inline(__always)
func laneSum(_ v: SIMD4<Double>) -> Double {
  let two = v.lowHalf + v.highHalf
  return two[0] + two[1]
}

/// Squares of `v` added to a Double accumulator (two 4-lane halves), so sums of
/// squares of large gradients neither overflow nor lose the small ones.
@inline(__always)
func accumulateSquares(_ v: Vector8, into low: inout SIMD4<Double>, _ high: inout SIMD4<Double>) {
  let l = SIMD4<Double>(v.lowHalf)
  let h = SIMD4<Double>(v.highHalf)
  low = low.addingProduct(l, l)
  high = high.addingProduct(h, h)
}
