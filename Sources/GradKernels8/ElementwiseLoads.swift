// The block of the elementwise kernels (activations, their statistics, the backward
// product): 16 Float lanes in both families — one ZMM register under Skylake-SP flags
// (GradKernels16), two YMM registers under Haswell flags (GradKernels8), four NEON
// registers on arm64. A block's lanes are the canonical partial sums of every reduction
// here (see `ActivationSums`), so a sum has the same bits whichever family forms it.
// Loads and stores from plain memory, with partial forms for a row's tail: a tail runs
// the same arithmetic on zero-filled lanes, so it gets exactly the bits of a full block.

/// 16 Float lanes.
typealias Block = SIMD16<Float>
/// The lanes of the shared elementary functions (`ElementwiseMath.swift`).
typealias MathVector = Block
/// `MathVector`'s lanes as Int32, for the exponent bits of eˣ.
typealias MathInts = SIMD16<Int32>
/// A mask of a block's lanes.
typealias BlockMask = SIMDMask<SIMD16<Int32>>

/// Lanes per block.
let blockWidth = 16

@inline(__always)
func loadBlock(_ p: UnsafePointer<Float>) -> Block {
  UnsafeRawPointer(p).loadUnaligned(as: Block.self)
}

@inline(__always)
func storeBlock(_ v: Block, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Block.self)
}

/// The first `count` (1…16) floats at `p`, the remaining lanes zero.
@inline(__always)
func loadBlock(_ p: UnsafePointer<Float>, count: Int) -> Block {
  if count == blockWidth { return loadBlock(p) }
  var v = Block()
  for i in 0..<count { v[i] = p[i] }
  return v
}

/// Stores the first `count` (1…16) lanes of `v` at `p`.
@inline(__always)
func storeBlock(_ v: Block, _ p: UnsafeMutablePointer<Float>, count: Int) {
  if count == blockWidth { storeBlock(v, p); return }
  for i in 0..<count { p[i] = v[i] }
}

/// The lane indices 0…15.
@inline(__always)
func blockLaneIndices() -> SIMD16<Int32> {
  SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// For a row of `width` ≥ 16 entries whose last `width mod 16` are handled by one block
/// loaded at `width − 16` (reaching back over entries already done, instead of lane-by-
/// lane loads): the mask of that block's new lanes, the last `width mod 16`.
@inline(__always)
func reachBackMask(_ width: Int) -> BlockMask {
  blockLaneIndices() .>= SIMD16<Int32>(repeating: Int32(blockWidth - width % blockWidth))
}

/// The mask of the first `count` lanes.
@inline(__always)
func leadingLanes(_ count: Int) -> BlockMask {
  blockLaneIndices() .< SIMD16<Int32>(repeating: Int32(count))
}

/// |v|, by clearing the sign bits (NaN stays NaN).
@inline(__always)
func absolute(_ v: Block) -> Block {
  unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Block.self)
}

/// Σ lanes in the canonical order: lanes 0–7 + lanes 8–15, then halves pairwise (the
/// order of `laneSum` on 8 lanes).
@inline(__always)
func blockSum(_ v: Block) -> Float {
  let eight = v.lowHalf + v.highHalf
  let four = eight.lowHalf + eight.highHalf
  let two = four.lowHalf + four.highHalf
  return two[0] + two[1]
}
