// Which kernels run: chosen once per process from what the CPU supports, or forced with
// GRADSWEEP_ISA. Every family gives the same bits (tests/GradKernelsTests/
// KernelFamilyTests.swift); they differ only in speed.

import CPUFeatures

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of compiled kernels for one instruction set.
///
/// - `avx2`: the 8-lane kernels (module GradKernels8) compiled with `-target-cpu haswell`
///   (AVX2 + FMA, x86-64-v3): 6×16 register tiles.
/// - `avx512`: products with m ≥ 16 and n ≥ 32 on the 16-lane kernels (module
///   GradKernels16, the same source compiled with `-target-cpu skylake-avx512`: 12×32
///   tiles in 24 ZMM accumulators); the others, and the measured updates of logged
///   steps (`sgemmUpdateSums`), on the 8-lane kernels. The activation sweeps
///   (`activationSweep`, `multiplyByDerivatives`) run on GradKernels16 at every width.
/// - `generic`: the 8-lane kernels compiled with no CPU flags: NEON on arm64, and the
///   only family of an x86-64 build made with `GRADSWEEP_PORTABLE=1` (how this host tests
///   the code arm64 runs: scripts/check-portable-build.sh).
///
/// Properties: every family sums each output element as the same chain of fused
/// multiply-adds in k order within the same k-blocks, and rounds α·S + β·c the same way;
/// the elementwise kernels are one source on 16-lane blocks with canonical sums
/// (`ActivationSums`); so results are bitwise identical whichever runs.
package enum KernelFamily: String, Sendable, CaseIterable, CustomStringConvertible {
  case avx2
  case avx512
  case generic

  /// The environment variable that forces a family: `avx2` or `avx512`.
  package static let environmentVariable = "GRADSWEEP_ISA"

  /// The families this CPU can run, narrowest first.
  package static var supported: [KernelFamily] {
    #if GRADSWEEP_X86_KERNELS
    var families: [KernelFamily] = []
    if gradsweep_cpu_has_avx2_fma() != 0 { families.append(.avx2) }
    if gradsweep_cpu_has_avx512() != 0 { families.append(.avx512) }
    return families
    #else
    return [.generic]
    #endif
  }

  /// Why `family` cannot run in this process (nil when it can): the reason a test that
  /// needs it prints when it is skipped.
  package static func whyUnavailable(_ family: KernelFamily) -> String? {
    guard !supported.contains(family) else { return nil }
    #if GRADSWEEP_X86_KERNELS
    switch family {
    case .avx2: return "this CPU lacks AVX2 and FMA, so the avx2 family cannot run here"
    case .avx512: return "this CPU lacks AVX-512 F/BW/DQ/VL, so the avx512 (16-lane) family cannot run here"
    case .generic: return "this build has the x86-64 families; generic is arm64's, or a GRADSWEEP_PORTABLE=1 build's (scripts/check-portable-build.sh)"
    }
    #else
    return "this build has only the generic family (arm64, or built with GRADSWEEP_PORTABLE=1): no \(family.rawValue) kernels compiled"
    #endif
  }

  /// The family for a value of `GRADSWEEP_ISA` (nil or empty: the widest supported).
  /// Fails, saying why, for an unknown name or a family this CPU cannot run.
  package static func choose(requested: String?) -> Result<KernelFamily, KernelFamilyError> {
    let supported = supported
    guard let requested, !requested.isEmpty else {
      guard let widest = supported.last else { return .failure(.noneSupported) }
      return .success(widest)
    }
    guard let family = KernelFamily(rawValue: requested.lowercased()) else {
      return .failure(.unknown(requested, supported: supported))
    }
    guard supported.contains(family) else { return .failure(.unsupported(family, supported: supported)) }
    return .success(family)
  }

  /// The family this process runs, chosen at its first use from `GRADSWEEP_ISA` and the
  /// CPU. An invalid `GRADSWEEP_ISA` stops the process with the reason (the command line
  /// checks it first, with `choose`, to report it as a usage error).
  package static let active: KernelFamily = {
    let requested = getenv(environmentVariable).map { String(cString: $0) }
    switch choose(requested: requested) {
    case .success(let family): return family
    case .failure(let error): fatalError(error.description)
    }
  }()

  package var description: String {
    switch self {
    case .avx2: "avx2 (8-lane AVX2+FMA kernels)"
    case .avx512: "avx512 (16-lane AVX-512 kernels for m ≥ 16, n ≥ 32; 8-lane AVX2+FMA for the rest)"
    case .generic: "generic (8-lane kernels, no CPU-specific flags)"
    }
  }
}

/// Why `GRADSWEEP_ISA` names no family this process can run.
package enum KernelFamilyError: Error, Equatable, CustomStringConvertible {
  case unknown(String, supported: [KernelFamily])
  case unsupported(KernelFamily, supported: [KernelFamily])
  case noneSupported

  package var description: String {
    let variable = KernelFamily.environmentVariable
    switch self {
    case .unknown(let name, let supported):
      return "\(variable)=\(name) is not a kernel family; use one of: \(supported.map(\.rawValue).joined(separator: ", "))"
    case .unsupported(let family, let supported):
      return
        "\(variable)=\(family.rawValue), but this CPU cannot run the \(family.rawValue) kernels; it runs: \(supported.map(\.rawValue).joined(separator: ", "))"
    case .noneSupported:
      return "this CPU lacks AVX2 and FMA, which gradsweep's x86-64 build requires (x86-64-v3)"
    }
  }
}
