// swift-tools-version:6.0
import PackageDescription

// The numeric modules are always optimised: a debug engine is ~50x slower, which
// would make `swift test` (gradient checks, tiny trainings) crawl. On x86-64 we
// target Haswell (AVX2 + FMA, i.e. x86-64-v3): SwiftPM otherwise builds for SSE2
// and the SIMD8 kernels lose more than an order of magnitude.
#if arch(x86_64)
let vectorISA: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let vectorISA: [SwiftSetting] = []
#endif
let numeric: [SwiftSetting] = vectorISA + [.unsafeFlags(["-O"], .when(configuration: .debug))]

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
    .target(name: "GradKernels", swiftSettings: numeric),
    .target(name: "GradEngine", dependencies: ["GradKernels"], swiftSettings: numeric),
    // The system zlib, for gzip-compressed data files (Debian: zlib1g-dev; macOS ships it).
    .systemLibrary(
      name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    // Signal-propagation theory (mean field, depth scales, finite width): pure Double
    // math, no dependency, so the runner, the CLI and the report can all predict.
    .target(name: "GradTheory", exclude: ["README.md"], swiftSettings: numeric),
    // Data sets: synthetic, teacher network, MNIST-1D, IDX and CSV files.
    .target(name: "GradData", dependencies: ["GradEngine", "CZlib"], swiftSettings: numeric),
    // Tidy CSV writing and reading (RFC 4180), shared by the scheduler and the report.
    .target(name: "TidyCSV"),
    // The sweep model: schema, defaults, located validation, expansion into runs.
    .target(
      name: "SweepSpec",
      dependencies: ["GradEngine", "GradData", .product(name: "Yams", package: "Yams")]),
    // The results folder contract: file names, manifest.json, status.json, atomic writes.
    .target(name: "SweepResults", dependencies: ["SweepSpec", "TidyCSV"]),
    // The scheduler: runs trainings in parallel with Dispatch and writes results.
    .target(
      name: "SweepRunner", dependencies: ["GradEngine", "GradData", "GradTheory", "SweepSpec", "SweepResults", "TidyCSV"]),
    // Reports: Markdown and self-contained HTML with SVG charts.
    .target(name: "SweepReport", dependencies: ["SweepSpec", "SweepResults", "TidyCSV"]),
    // The command line wires the modules together.
    .target(
      name: "GradsweepCLI",
      dependencies: [
        "GradEngine", "GradData", "GradTheory", "SweepSpec", "SweepResults", "SweepRunner", "SweepReport",
        "TidyCSV", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "gradsweep", dependencies: ["GradsweepCLI"]),

    .testTarget(name: "GradKernelsTests", dependencies: ["GradKernels"]),
    .testTarget(name: "GradEngineTests", dependencies: ["GradEngine"]),
    // Optimised like the engine: the Monte-Carlo nets would take a minute unoptimised.
    .testTarget(name: "GradTheoryTests", dependencies: ["GradTheory", "GradEngine"], swiftSettings: numeric),
    .testTarget(name: "GradDataTests", dependencies: ["GradData"]),
    .testTarget(name: "TidyCSVTests", dependencies: ["TidyCSV"]),
    .testTarget(name: "SweepSpecTests", dependencies: ["SweepSpec"]),
    .testTarget(name: "SweepResultsTests", dependencies: ["SweepResults"]),
    .testTarget(name: "SweepRunnerTests", dependencies: ["SweepRunner", "GradTheory", "SweepResults", "TidyCSV"]),
    .testTarget(name: "SweepReportTests", dependencies: ["SweepReport", "SweepResults", "TidyCSV"]),
    .testTarget(name: "GradsweepCLITests", dependencies: ["GradsweepCLI", "GradTheory", "SweepResults", "TidyCSV", "gradsweep"]),
  ],
  swiftLanguageModes: [.v6]
)
