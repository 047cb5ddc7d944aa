// The vector width of this module's kernels: the kernel sources are GradKernels8's
// (symbolic links), compiled with `-target-cpu skylake-avx512` and this file.
// The facade (GradKernels) runs products with m ≥ 16 and n ≥ 32 here (a measured update's
// products too, its sums replayed in the 8-lane tiles' order); the others and the dot
// path stay on the 8-lane kernels (see `KernelFamily`).

/// One register of the broadcast kernel: 16 Float lanes, a ZMM register.
typealias Lane = SIMD16<Float>
/// `Lane`'s bit pattern, for masks and |x| by AND.
typealias LaneBits = SIMD16<UInt32>

/// Lanes per vector.
let laneCount = 16
/// Columns of a full two-vector panel.
let panelWidth = 32
/// Rows of the tallest broadcast tile: 12 × 2 accumulators + 2 B vectors + 1 broadcast =
/// 27 of the 32 ZMM registers (a 12×32 tile measured 1.6–1.7× the 6×16 one, issue 19).
let maxTileRows = 12
