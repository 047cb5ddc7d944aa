import Foundation
import Testing

@testable import SweepReport

/// Not a check: writes a larger synthetic results folder and its report to
/// $SWEEPREPORT_SHOWCASE (a folder path) for looking at the page, e.g. with
/// `chromium --headless --screenshot`. Skipped unless the variable is set.
@Suite struct ShowcaseReport {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["SWEEPREPORT_SHOWCASE"] != nil))
  func writeShowcase() throws {
    let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SWEEPREPORT_SHOWCASE"]!)
    try? FileManager.default.removeItem(at: root)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

    let standard = root.appendingPathComponent("standard")
    try SyntheticSweep.standard().write(to: standard)
    _ = try ReportWriter.write(for: standard, now: Date())

    // activation × depth × initializer, 3 seeds, 300 steps.
    var runs: [SyntheticSweep.Run] = []
    var index = 0
    for activation in ["sigmoid", "tanh", "relu", "leaky_relu"] {
      for depth in [2, 4, 8] {
        for initializer in ["xavier_normal", "he_normal"] {
          for seed in 1 ... 3 {
            let ratio: Double =
              switch activation {
              case "sigmoid": 0.25
              case "tanh": initializer == "he_normal" ? 1.3 : 0.7
              default: initializer == "he_normal" ? 1.0 : 0.75
              }
            let base = min(0.97, 0.6 + 0.35 * pow(min(ratio, 1 / ratio), Double(depth) / 2))
            var run = SyntheticSweep.Run(
              id: String(format: "%04d-%@-d%d-%@-s%d", index, activation, depth, initializer, seed), index: index,
              axisValues: ["model.activation": activation, "model.depth": String(depth), "model.initializer": initializer],
              seed: seed, status: "completed", depth: depth, rate: 0.03 * base * (1 + 0.1 * Double(seed)) / sqrt(Double(depth)),
              ratio: ratio, finalValAccuracy: base + 0.01 * Double(seed), seconds: 2.5 * Double(depth))
            if activation == "tanh", depth == 8, initializer == "he_normal", seed == 2 {
              run.status = "diverged"
              run.divergeAt = 120
            }
            runs.append(run)
            index += 1
          }
        }
      }
    }
    runs[5].status = nil
    let big = SyntheticSweep(
      name: "vanishing-gradients", description: "Sigmoid vs tanh vs ReLU vs leaky ReLU as depth grows",
      axes: ["model.activation", "model.depth", "model.initializer"], runs: runs, steps: 300, every: 10)
    let bigFolder = root.appendingPathComponent("big")
    try big.write(to: bigFolder)
    let files = try ReportWriter.write(for: bigFolder, now: Date())
    print(files.terminalText)
  }
}

/// Not a check: times a report on a seed-vanishing-sized folder (4 activations ×
/// 5 depths up to 32 × 3 initializers × 3 seeds = 180 runs, 2000 steps logged every
/// 10). Skipped unless $SWEEPREPORT_LARGE names a scratch folder.
@Suite struct LargeReportTiming {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["SWEEPREPORT_LARGE"] != nil))
  func timeLargeReport() throws {
    let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SWEEPREPORT_LARGE"]!)
    try? FileManager.default.removeItem(at: root)
    var runs: [SyntheticSweep.Run] = []
    for activation in ["sigmoid", "tanh", "relu", "leaky_relu"] {
      for depth in [2, 4, 8, 16, 32] {
        for initializer in ["standard", "xavier_normal", "he_normal"] {
          for seed in 1 ... 3 {
            let ratio = activation == "sigmoid" ? 0.25 : (initializer == "he_normal" ? 1.0 : 0.8)
            runs.append(
              SyntheticSweep.Run(
                id: "\(runs.count)-\(activation)-d\(depth)-\(initializer)-s\(seed)", index: runs.count,
                axisValues: ["model.activation": activation, "model.depth": String(depth), "model.initializer": initializer],
                seed: seed, status: "completed", depth: depth, rate: 0.002 * Double(seed), ratio: ratio,
                finalValAccuracy: 0.5 + 0.1 * Double(seed)))
          }
        }
      }
    }
    let sweep = SyntheticSweep(
      name: "large", axes: ["model.activation", "model.depth", "model.initializer"], runs: runs, steps: 2000, every: 10)
    try sweep.write(to: root)
    let start = Date()
    let files = try ReportWriter.write(for: root, now: Date())
    let seconds = Date().timeIntervalSince(start)
    let html = try Data(contentsOf: files.html).count
    print("large report: \(runs.count) runs in \(String(format: "%.2f", seconds)) s, report.html \(html / 1024) KiB")
  }
}
