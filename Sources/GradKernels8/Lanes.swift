// The vector width of this module's kernels. The kernel sources are shared with
// GradKernels16 (symbolic links); only this file differs, so the families differ in tile
// sizes and never in how an element is summed.

/// One register of the broadcast kernel: 8 Float lanes, a YMM register under
/// `-target-cpu haswell` (AVX2 + FMA), two NEON registers on arm64.
typealias Lane = SIMD8<Float>
/// `Lane`'s bit pattern, for masks and |x| by AND.
typealias LaneBits = SIMD8<UInt32>

/// Lanes per vector.
let laneCount = 8
/// Columns of a full two-vector panel.
let panelWidth = 16
/// Rows of the tallest broadcast tile: 6 × 2 accumulators + 2 B vectors + 1 broadcast =
/// 15 of the 16 YMM registers.
let maxTileRows = 6
