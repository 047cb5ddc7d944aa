// The elementwise kernels' public entry points: the active kernel family's, or a given
// family's (for tests). Both families run the same source (GradKernels8/Elementwise*.swift,
// linked into GradKernels16) on 16-lane blocks, so they give the same bits.

import GradKernels8
#if GRADSWEEP_X86_KERNELS
import GradKernels16
#endif

/// A hidden layer's forward activation sweep on the active family: z ← z + b (when
/// `bias` is given), a = f(z), d = f′(z) (when `d` is given), z + b stored back when
/// `keep`, and the layer's statistics accumulated when `statistics` is given (needs
/// `keep` and `d`). Returns Σ|a| (the overflow bound). See `GradKernels8.activationSweep`.
///
/// Properties: every lane of a, d is the same sequence of IEEE operations on every
/// family; Σ|a| and the statistics' sums follow the canonical 16-lane order of
/// `ActivationSums`; so the bits do not depend on the family.
@inline(__always)
package func activationSweep(
  _ kind: ElementwiseActivation, slope: Float, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
  a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>?, rows: Int, width: Int, keep: Bool,
  statistics: UnsafeMutablePointer<ActivationSums>? = nil
) -> Float {
  KernelFamily.active.activationSweep(
    kind, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: keep, statistics: statistics)
}

/// δ ← δ ⊙ f′ in place on the active family; returns Σ|δ| in the canonical 16-lane order.
@inline(__always)
package func multiplyByDerivatives(
  _ delta: UnsafeMutablePointer<Float>, derivatives d: UnsafePointer<Float>, count: Int
) -> Float {
  KernelFamily.active.multiplyByDerivatives(delta, derivatives: d, count: count)
}

extension KernelFamily {
  /// `activationSweep` on this family (the caller checks that the CPU runs it:
  /// `KernelFamily.supported`). The AVX-512 family runs every width on its 16-lane code.
  @inline(__always)
  package func activationSweep(
    _ kind: ElementwiseActivation, slope: Float, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
    a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>?, rows: Int, width: Int, keep: Bool,
    statistics: UnsafeMutablePointer<ActivationSums>? = nil
  ) -> Float {
    #if GRADSWEEP_X86_KERNELS
    if self == .avx512 {
      return GradKernels16.activationSweep(
        kind, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: keep, statistics: statistics)
    }
    #endif
    return GradKernels8.activationSweep(
      kind, slope: slope, z: z, bias: bias, a: a, d: d, rows: rows, width: width, keep: keep, statistics: statistics)
  }

  /// `multiplyByDerivatives` on this family.
  @inline(__always)
  package func multiplyByDerivatives(
    _ delta: UnsafeMutablePointer<Float>, derivatives d: UnsafePointer<Float>, count: Int
  ) -> Float {
    #if GRADSWEEP_X86_KERNELS
    if self == .avx512 { return GradKernels16.multiplyByDerivatives(delta, derivatives: d, count: count) }
    #endif
    return GradKernels8.multiplyByDerivatives(delta, derivatives: d, count: count)
  }
}
