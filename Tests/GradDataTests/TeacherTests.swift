import Foundation
import GradEngine
import Testing
@testable import GradData

@Suite struct TeacherTests {
  @Test(arguments: [ActivationKind.tanh, .relu, .sigmoid, .selu, .gelu, .softsign])
  func classificationIsExactlyBalanced(activation: ActivationKind) throws {
    let s = spec(.teacher) {
      $0.features = 10
      $0.classes = 4
      $0.samples = 1002
      $0.teacherDepth = 3
      $0.teacherWidth = 16
      $0.teacherActivation = activation
      $0.validation = 0
      $0.scale = .none
    }
    let d = try load(s).train
    #expect(d.featureCount == 10 && d.count == 1002)
    let counts = classCounts(d)
    #expect(counts.max()! - counts.min()! <= 1, "\(counts)")
    // Inputs are N(0, I).
    let stats = columnStatistics(d, column: 3)
    #expect(abs(stats.mean) < 0.1 && abs(stats.std - 1) < 0.1)
  }

  @Test func labelsAreAFunctionOfTheInputs() throws {
    // With no noise and depth 0 the teacher is linear: classes are bands of one
    // linear score, so a point's label is determined by that score (monotone in it).
    let s = spec(.teacher) { $0.features = 3; $0.classes = 3; $0.teacherDepth = 0; $0.noise = 0; $0.samples = 300; $0.validation = 0; $0.scale = .none }
    let d = try load(s).train
    let l = labels(d)
    // Fit the score direction by least squares on (x, label) and check the bands are ordered:
    // the mean label rises with the projection on the class-mean difference.
    var m0 = [Double](repeating: 0, count: 3), m2 = [Double](repeating: 0, count: 3)
    for r in 0..<d.count {
      for j in 0..<3 {
        if l[r] == 0 { m0[j] += Double(d.features[r * 3 + j]) }
        if l[r] == 2 { m2[j] += Double(d.features[r * 3 + j]) }
      }
    }
    let w = (0..<3).map { m2[$0] - m0[$0] }
    let projection = (0..<d.count).map { r in (0..<3).map { w[$0] * Double(d.features[r * 3 + $0]) }.reduce(0, +) }
    let order = (0..<d.count).sorted { projection[$0] < projection[$1] }
    let sortedLabels = order.map { l[$0] }
    let inversions = zip(sortedLabels, sortedLabels.dropFirst()).filter { $0 > $1 }.count
    #expect(inversions < 15, "bands of a linear score: labels nearly sorted along it, \(inversions) inversions")
  }

  @Test func regressionTargetsAreStandardisedOutputs() throws {
    let s = spec(.teacher) { $0.task = .regression; $0.outputs = 3; $0.features = 5; $0.noise = 0; $0.samples = 500; $0.validation = 0; $0.scale = .none }
    let d = try load(s).train
    guard case .values(let y, let outputs) = d.targets else {
      Issue.record("expected regression targets")
      return
    }
    #expect(outputs == 3 && y.count == 1500)
    for o in 0..<3 {
      let v = (0..<500).map { Double(y[$0 * 3 + o]) }
      let mean = v.reduce(0, +) / 500
      let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 500).squareRoot()
      #expect(abs(mean) < 1e-5 && abs(std - 1) < 1e-5)
    }
  }

  @Test func moreSamplesKeepTheSameTeacherAndInputs() throws {
    let small = spec(.teacher) { $0.samples = 100; $0.validation = 0; $0.scale = .none }
    var large = small
    large.samples = 200
    let a = try load(small).train, b = try load(large).train
    #expect(Array(b.features.prefix(a.features.count)) == a.features)
    var deeper = small
    deeper.teacherDepth = 5
    #expect(try load(deeper).train.features == a.features)  // a different teacher, the same inputs
  }
}
