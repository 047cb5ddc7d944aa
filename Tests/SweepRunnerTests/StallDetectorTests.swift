import Testing

@testable import SweepRunner

@Suite("Stall detector")
struct StallDetectorTests {
  /// Feeds `losses` and returns the 0-based record at which the detector fired.
  func firstStall(_ losses: [Double], window: Int, minImprovement: Double) -> Int? {
    var detector = StallDetector(window: window, minImprovement: minImprovement)
    for (k, loss) in losses.enumerated() where detector.observe(loss) { return k }
    return nil
  }

  @Test func firesWhenTheBestRecentLossIsNotEnoughBelowTheBestBefore() {
    // k=3: best before 1.0, best of [0.5, 0.45, 0.44] = 0.44 ≤ 0.9·1.0 → moving.
    // k=4: best before 0.5, best recent 0.43 ≤ 0.45 → moving.
    // k=5: best before 0.45, best of [0.44, 0.43, 0.43] = 0.43 > 0.9·0.45 = 0.405 → stalled.
    #expect(firstStall([1.0, 0.5, 0.45, 0.44, 0.43, 0.43, 0.43], window: 3, minImprovement: 0.1) == 5)
  }

  @Test func needsWindowPlusOneRecords() {
    #expect(firstStall([1, 1, 1], window: 3, minImprovement: 0.01) == nil)
    #expect(firstStall([1, 1, 1, 1], window: 3, minImprovement: 0.01) == 3)
  }

  @Test func steadyProgressNeverStalls() {
    let losses = (0..<200).map { 2.0 * pow(0.8, Double($0)) }  // −20 % per logged step
    #expect(firstStall(losses, window: 1, minImprovement: 0.19) == nil)
    #expect(firstStall(losses, window: 1, minImprovement: 0.21) == 1)
  }

  @Test func aNoisyPlateauStallsDespiteItsLuckyBatches() {
    // Mini-batch losses alternating around a plateau: comparing single values would see
    // a 5 % "improvement" every other step; comparing minima sees one (k = 4: 0.95 beats
    // the first 1.0), then none (k = 5: the best before is 0.95 too).
    let losses = (0..<20).map { $0 % 2 == 0 ? 1.0 : 0.95 }
    #expect(firstStall(losses, window: 4, minImprovement: 0.01) == 5)
  }

  @Test func aLossOfZeroHasConverged() {
    #expect(firstStall([1, 0, 0, 0, 0, 0], window: 2, minImprovement: 0.5) == nil)
  }

  @Test func nonFiniteLossesAreIgnored() {
    #expect(firstStall([.nan, .infinity, 1.0, 0.5, 0.25], window: 2, minImprovement: 0.1) == nil)
  }

  @Test func explanationNamesTheRule() {
    #expect(StallDetector(window: 5, minImprovement: 0.01).explanation
      == "training loss improved by less than 1% over the last 5 logged steps")
  }
}

private func pow(_ x: Double, _ y: Double) -> Double {
  var result = 1.0
  for _ in 0..<Int(y) { result *= x }
  return result
}
