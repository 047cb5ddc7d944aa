// swift-tools-version:6.0
import PackageDescription

// The numeric modules are always optimised: a debug engine is ~50x slower, which
// would make `swift test` (gradient checks, tiny trainings) crawl. On x86-64 they
// target Haswell (AVX2 + FMA, i.e. x86-64-v3): SwiftPM otherwise builds for SSE2 and the
// SIMD8 kernels lose more than an order of magnitude. The kernels come in families
// chosen at run time (GradKernels/KernelFamily.swift): GradKernels8 (8-lane tiles,
// Haswell flags on x86-64, none elsewhere, i.e. NEON on arm64) and, on x86-64 only,
// GradKernels16: the same source files (symbolic links) with 16-lane tiles, compiled for
// Skylake-SP (AVX-512 F/BW/DQ/VL, which Zen 4 also runs; `x86-64-v4` is not a name the
// compiler takes). Nothing outside GradKernels16 may contain AVX-512 code:
// scripts/check-kernel-isa.sh checks the objects. The `#if` is evaluated on the machine
// that builds, so a cross-compiled build must be made on the target's architecture.
#if arch(x86_64)
// GRADSWEEP_PORTABLE=1 builds the x86-64 engine the way arm64 builds it: no CPU flags, no
// GradKernels16, the `generic` family only (scripts/check-portable-build.sh: the
// generic family's bits against the committed golden hashes, on a host without arm64).
let x86Kernels = Context.environment["GRADSWEEP_PORTABLE"] != "1"
#else
let x86Kernels = false
#endif
let vectorISA: [SwiftSetting] = x86Kernels ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
// The unroll threshold lets LLVM unroll the 12×32 tile's two-step k loop (24 FMAs, 12
// broadcasts a step): left rolled, the 24 accumulators were stored to the stack at every
// step and the kernel ran at half the 8-lane one's speed (W4's products, `bench --kernels`).
let wideISA: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512", "-Xllvm", "-unroll-threshold=2000"])]
let wideKernels: [Target.Dependency] = x86Kernels ? ["GradKernels16"] : []
/// Tells the facade that the x86 families (haswell-compiled GradKernels8, GradKernels16) exist.
let x86KernelsDefine: [SwiftSetting] = x86Kernels ? [.define("GRADSWEEP_X86_KERNELS")] : []
let debugOptimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let numeric: [SwiftSetting] = vectorISA + debugOptimised

let package = Package(
  name: "gradsweep",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "gradsweep", targets: ["gradsweep"])
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
  ],
  targets: [
    // Engine: kernels, then layers/activations/initializers/optimizers/losses/statistics.
    .target(name: "GradKernelsCore", swiftSettings: numeric),
    .target(name: "CPUFeatures"),
    .target(name: "GradKernels8", dependencies: ["GradKernelsCore"], swiftSettings: numeric),
    .target(
      name: "GradKernels", dependencies: ["GradKernelsCore", "GradKernels8", "CPUFeatures"] + wideKernels,
      swiftSettings: numeric + x86KernelsDefine),
    .target(name: "GradEngine", dependencies: ["GradKernels"], swiftSettings: numeric),
    // The system zlib, for gzip-compressed data files (Debian: zlib1g-dev; macOS ships it).
    .systemLibrary(
      name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    // Signal-propagation theory (mean field, depth scales, finite width): pure Double
    // math, no dependency, so the runner, the CLI and the report can all predict.
    .target(name: "GradTheory", exclude: ["README.md"], swiftSettings: numeric),
    // Data sets: synthetic, teacher network, MNIST-1D, IDX and CSV files.
    .target(name: "GradData", dependencies: ["GradEngine", "CZlib", "TidyCSV", "UserFacing"], swiftSettings: numeric),
    // The user-facing error protocol and the named exit statuses (no dependency, so every
    // module whose errors reach the user can conform).
    .target(name: "UserFacing"),
    // Tidy CSV writing and the one CSV reader (RFC 4180), shared by the data loader, the
    // scheduler and the report.
    .target(name: "TidyCSV"),
    // The results folder contract: file names, manifest.json (with the plain `report:` and
    // `reference:` sections), status.json, atomic writes. No engine, data or YAML: the
    // report links this and TidyCSV only.
    .target(name: "SweepResults", dependencies: ["TidyCSV", "UserFacing"]),
    // The sweep file: parse (YAML/), validate (Schema/), expand (Expansion/) into runs.
    .target(
      name: "SweepSpec",
      dependencies: ["GradEngine", "GradData", "SweepResults", "UserFacing", .product(name: "Yams", package: "Yams")]),
    // The scheduler: runs trainings in parallel with Dispatch and writes results.
    .target(
      name: "SweepRunner",
      dependencies: [
        "GradEngine", "GradKernels", "GradData", "GradTheory", "SweepSpec", "SweepResults", "TidyCSV", "UserFacing",
      ]),
    // Reports: Markdown and self-contained HTML with SVG charts, from a results folder
    // alone (no YAML parser, data sets or engine).
    .target(name: "SweepReport", dependencies: ["SweepResults", "TidyCSV"]),
    // The command line wires the modules together.
    .target(
      name: "GradsweepCLI",
      dependencies: [
        "GradEngine", "GradData", "GradTheory", "SweepSpec", "SweepResults", "SweepRunner", "SweepReport",
        "TidyCSV", "UserFacing", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "gradsweep", dependencies: ["GradsweepCLI"]),

    // GradKernels8 directly: the replayed measured update is checked against its epilogue.
    // Optimised: the elementwise tests compare the families over millions of bit patterns.
    .testTarget(name: "GradKernelsTests", dependencies: ["GradKernels", "GradKernels8"], swiftSettings: numeric),
    .testTarget(name: "GradEngineTests", dependencies: ["GradEngine"]),
    // Optimised like the engine: the Monte-Carlo nets would take a minute unoptimised.
    .testTarget(name: "GradTheoryTests", dependencies: ["GradTheory", "GradEngine"], swiftSettings: numeric),
    .testTarget(name: "GradDataTests", dependencies: ["GradData"]),
    .testTarget(name: "TidyCSVTests", dependencies: ["TidyCSV"]),
    .testTarget(name: "SweepSpecTests", dependencies: ["SweepSpec", "SweepResults"]),
    .testTarget(name: "SweepResultsTests", dependencies: ["SweepResults"]),
    .testTarget(name: "SweepRunnerTests", dependencies: ["SweepRunner", "GradTheory", "SweepResults", "TidyCSV"]),
    .testTarget(name: "SweepReportTests", dependencies: ["SweepReport", "SweepResults", "TidyCSV"]),
    .testTarget(
      name: "GradsweepCLITests",
      dependencies: ["GradsweepCLI", "GradTheory", "SweepResults", "TidyCSV", "UserFacing", "gradsweep"]),
  ] + wideKernelTargets,
  swiftLanguageModes: [.v6]
)

/// The 16-lane kernels exist on x86-64 builds only, and not in a portable one (see `wideISA`).
var wideKernelTargets: [Target] {
  x86Kernels ? [.target(name: "GradKernels16", dependencies: ["GradKernelsCore"], swiftSettings: wideISA + debugOptimised)] : []
}
