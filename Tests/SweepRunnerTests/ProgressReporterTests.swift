import Foundation
import Testing

@testable import SweepRunner

@Suite("Progress line")
struct ProgressReporterTests {
  /// The live line fits any terminal: never as wide as it (a full line wraps on some
  /// terminals and every redraw then scrolls).
  @Test func theLineFitsTheTerminalWidth() {
    let reporter = ProgressReporter(total: 48, skipped: 0, mode: .quiet)
    var counts = ProgressReporter.Counts()
    counts.done = 17
    counts.running = 2
    counts.diverged = 3
    counts.stalled = 1
    counts.failed = 1
    counts.interrupted = ["a", "b"]
    let full = reporter.describe(counts, width: nil)
    #expect(full.contains("1 stalled") && full.contains("2 interrupted"), "\(full)")
    for width in [20, 40, 60, 80, 120, 200] {
      let line = reporter.describe(counts, width: width)
      #expect(line.count < width, "\(width): \(line)")
      #expect(line.hasPrefix(width >= 120 ? "[" : "17/48"), "\(width): \(line)")
    }
  }

  /// The ETA weighs runs by cost: after the heaviest quarter of the work (one run of
  /// four, run first) took 60 s, the other three light runs need 20 s, not 180 s.
  @Test func theETAWeighsRunsByTheirCost() {
    #expect(ProgressReporter.eta(elapsed: 60, done: 1, total: 4, doneCost: 3, totalCost: 4) == "20s")
    #expect(ProgressReporter.eta(elapsed: 60, done: 1, total: 4, doneCost: 0, totalCost: 0) == "3m00s")
    #expect(ProgressReporter.eta(elapsed: 60, done: 0, total: 4, doneCost: 0, totalCost: 4) == "--")
    #expect(ProgressReporter.eta(elapsed: 60, done: 4, total: 4, doneCost: 4, totalCost: 4) == "0s")
  }
}
