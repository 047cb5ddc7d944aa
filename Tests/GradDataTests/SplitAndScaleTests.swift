import Foundation
import GradEngine
import Testing
@testable import GradData

@Suite struct SplitAndScaleTests {
  /// A CSV whose first feature is the row id, so splits can be checked to partition the rows.
  static func idCSV(rows: Int, classes: Int = 3) throws -> (folder: URL, path: String) {
    let folder = try makeTemporaryFolder()
    var text = "id,x,label\n"
    for i in 0..<rows { text += "\(i),\(Double(i % 7) * 1.5 + 2),\(i % classes)\n" }
    try Data(text.utf8).write(to: folder.appendingPathComponent("ids.csv"))
    return (folder, "ids.csv")
  }

  @Test(arguments: [true, false])
  func testAndValidationHoldOutsPartitionTheRows(stratify: Bool) throws {
    let (folder, path) = try Self.idCSV(rows: 1000)
    let s = spec(.csv) { $0.path = path; $0.testFraction = 0.15; $0.validation = 0.25; $0.stratify = stratify; $0.scale = .none }
    let split = try load(s, base: folder)
    let test = try #require(split.test), validation = try #require(split.validation)
    #expect(test.count == 150 && validation.count == 213 && split.train.count == 637)  // 850 · 0.25 = 212.5 → 213
    let ids = allRows(split).flatMap { d in (0..<d.count).map { Int(d.features[$0 * 2]) } }
    #expect(ids.sorted() == Array(0..<1000))
    // Each split keeps its rows in file order.
    for d in allRows(split) {
      let own = (0..<d.count).map { d.features[$0 * 2] }
      #expect(own == own.sorted())
    }
    if stratify {
      // 1000 rows of classes 334/333/333: the test split gets 50 of each within one.
      for n in classCounts(test) { #expect(abs(n - 50) <= 1) }
    }
    // Same seed, same split; another seed, another split.
    #expect(try load(s, seed: 1, base: folder) == split)
    #expect(try load(s, seed: 2, base: folder).test != test)
  }

  @Test func standardizeIsFittedOnTrainOnly() throws {
    let (folder, path) = try Self.idCSV(rows: 500)
    let split = try load(spec(.csv) { $0.path = path; $0.validation = 0.3; $0.scale = .standardize }, base: folder)
    for j in 0..<2 {
      let s = columnStatistics(split.train, column: j)
      #expect(abs(s.mean) < 1e-5 && abs(s.std - 1) < 1e-5)
    }
    // Validation is transformed with the training mean and std: its id column keeps the
    // same affine map, so raw = mean + std·scaled is an integer id for every row.
    let raw = try load(spec(.csv) { $0.path = path; $0.validation = 0.3; $0.scale = .none }, base: folder)
    let rawTrain = columnStatistics(raw.train, column: 0)
    let v = try #require(split.validation), rv = try #require(raw.validation)
    for r in 0..<v.count {
      let back = rawTrain.mean + rawTrain.std * Double(v.features[r * 2])
      #expect(abs(back - Double(rv.features[r * 2])) < 1e-3)
    }
  }

  @Test func minmaxMapsTrainToUnitRangeAndConstantColumnsToZero() throws {
    let folder = try makeTemporaryFolder()
    var text = ""
    for i in 0..<40 { text += "\(i * i),5,\(i % 2)\n" }
    try Data(text.utf8).write(to: folder.appendingPathComponent("c.csv"))
    let split = try load(spec(.csv) { $0.path = "c.csv"; $0.validation = 0; $0.scale = .minmax }, base: folder)
    let a = columnStatistics(split.train, column: 0), b = columnStatistics(split.train, column: 1)
    #expect(a.min == 0 && a.max == 1)
    #expect(b.min == 0 && b.max == 0)  // a constant column is shifted to 0, not divided by 0
    let standardized = try load(spec(.csv) { $0.path = "c.csv"; $0.validation = 0 }, base: folder)
    #expect(columnStatistics(standardized.train, column: 1).max == 0)
    #expect(standardized.train.features.allSatisfy { $0.isFinite })
  }

  @Test func synthetisedSetsStandardizeToo() throws {
    let split = try load(spec(.moons) { $0.samples = 1000 })
    for j in 0..<2 {
      let s = columnStatistics(split.train, column: j)
      #expect(abs(s.mean) < 1e-5 && abs(s.std - 1) < 1e-4)
    }
  }

  @Test func noTrainingRowsLeftIsAnError() throws {
    let p = problem { _ = try load(spec(.spirals) { $0.samples = 3; $0.validation = 0.9 }) }
    #expect(p?.field == "data.validation" && p?.message.contains("no training examples") == true)
  }
}
