import Foundation
import GradEngine
import Testing
@testable import GradData

@Suite struct ValidationTests {
  static let base = URL(fileURLWithPath: "/tmp")

  static func fields(_ s: DataSpec) -> [String] {
    DataLoader.validate(s, baseDirectory: base).map(\.field)
  }

  @Test func defaultsOfEverySourceThatNeedsNoFileAreValid() {
    for kind in DataSourceKind.allCases where !kind.readsFiles {
      #expect(Self.fields(spec(kind)) == [], "\(kind)")
    }
  }

  @Test func outOfRangeParametersAreReportedAllAtOnce() {
    let s = spec(.spirals) { $0.validation = 1; $0.testFraction = -0.1; $0.noise = -1; $0.turns = 0; $0.classes = 1; $0.samples = 0 }
    #expect(Self.fields(s) == ["data.validation", "data.test_fraction", "data.samples", "data.noise", "data.classes", "data.turns"])
    let problems = DataLoader.validate(s, baseDirectory: Self.base)
    #expect(problems[0].description == "data.validation: validation must be a fraction in [0, 1), got 1.0")
    #expect(problems.last?.description == "data.turns: turns must be > 0, got 0.0")
  }

  @Test func sourceSpecificChecks() {
    #expect(Self.fields(spec(.gaussian) { $0.spread = 0; $0.features = 0 }) == ["data.features", "data.spread"])
    #expect(Self.fields(spec(.circles) { $0.factor = 1 }) == ["data.factor"])
    #expect(Self.fields(spec(.checkerboard) { $0.cells = 1 }) == ["data.cells"])
    #expect(Self.fields(spec(.teacher) { $0.teacherDepth = -1; $0.teacherWidth = 0 }) == ["data.teacher_depth", "data.teacher_width"])
    #expect(Self.fields(spec(.teacher) { $0.task = .regression; $0.outputs = 0 }) == ["data.outputs"])
    #expect(Self.fields(spec(.moons) { $0.task = .regression }) == ["data.task"])
    #expect(Self.fields(spec(.mnist1d) { $0.samples = 5 }) == ["data.samples"])
    #expect(Self.fields(spec(.xor) { $0.test = "x.csv" }) == ["data.test"])
    #expect(Self.fields(spec(.csv) { $0.path = nil }) == ["data.path"])
    #expect(Self.fields(spec(.csv) { $0.path = "/etc/hostname"; $0.labelColumn = "species"; $0.header = .false }) == ["data.label_column"])
    #expect(Self.fields(spec(.csv) { $0.path = "/etc/hostname"; $0.test = "/etc/hostname"; $0.testFraction = 0.2 }) == ["data.test_fraction"])
    #expect(Self.fields(spec(.gaussian) { $0.samples = 1 << 30; $0.features = 100 }) == ["data.samples"])
    #expect(Self.fields(spec(.teacher) { $0.teacherWidth = 4096; $0.teacherDepth = 3 }) == ["data.teacher_width"])
    #expect(Self.fields(spec(.teacher) { $0.teacherWidth = 512; $0.teacherDepth = 30 }) == [])
    // Fixed-class sources ignore classes rather than fail on it.
    #expect(Self.fields(spec(.moons) { $0.classes = 7 }) == [])
  }

  @Test func loadThrowsTheFirstProblem() {
    let p = problem { _ = try load(spec(.spirals) { $0.turns = -2 }) }
    #expect(p?.field == "data.turns" && p?.message == "turns must be > 0, got -2.0")
  }
}
