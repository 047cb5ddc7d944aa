import Foundation

extension DataLoader {
  /// Checks that need no heavy work — parameters in range, required paths given, files
  /// present, regular and readable — and returns every problem found (empty = fine).
  /// `validate`, `plan` and `run` all call it for every distinct spec before any
  /// training starts (the sweep loader through SweepSpec), and `load` runs it too, so
  /// no command accepts data another refuses.
  ///
  /// With `baseDirectory` nil the files are not looked at (only that required paths
  /// are given): the settings alone.
  package static func validate(_ spec: DataSpec, baseDirectory: URL?) -> [DataProblem] {
    var problems: [DataProblem] = []
    func fail(_ field: String, _ message: String, _ suggestion: String? = nil) {
      problems.append(DataProblem(field: "data.\(field)", message: message, suggestion: suggestion))
    }
    let source = spec.name.rawValue

    // Shared by every source.
    if !(spec.validation >= 0 && spec.validation < 1) {
      fail("validation", "validation must be a fraction in [0, 1), got \(spec.validation)")
    }
    if !(spec.testFraction >= 0 && spec.testFraction < 1) {
      fail("test_fraction", "test_fraction must be a fraction in [0, 1), got \(spec.testFraction)")
    }
    if spec.test != nil && spec.explicitTestFraction.map({ $0 > 0 }) == true {
      fail("test_fraction", "a test file and test_fraction exclude each other", "keep one of them")
    }
    if !spec.name.readsFiles {
      if spec.test != nil {
        fail("test", "\(source) makes its own data; a test file applies to idx and csv", "use test_fraction")
      }
      if spec.testLabels != nil { fail("test_labels", "test_labels applies to idx only") }
    }
    if spec.task == .regression && spec.name != .teacher && spec.name != .csv {
      fail("task", "\(source) is a classification set; regression is available for teacher and csv")
    }

    // Generated sources.
    if !spec.name.readsFiles {
      let minimum = max(spec.name == .mnist1d ? 10 : 2, spec.task == .classification ? spec.classes : 1)
      if spec.samples < minimum {
        fail("samples", "\(source) needs at least \(minimum) samples, got \(spec.samples)")
      }
      let dimension = spec.name == .mnist1d ? MNIST1D.length : (spec.name.isPlanar ? 2 : spec.features)
      // Generation holds the values in Double before storing Float32: cap at 2²⁸ values
      // (1 GiB as Float32), refused before anything is allocated.
      if spec.samples > 0 && dimension > 0 && spec.samples > DataLimits.maxValues / dimension {
        let gib = Double(spec.samples) * Double(dimension) * 4 / Double(1 << 30)
        fail(
          "samples", "\(spec.samples) samples × \(dimension) features would need \(String(format: "%.1f", gib)) GiB",
          "use fewer samples or features (at most 2²⁸ = 268,435,456 values)")
      }
    } else if !(0...(1 << 28)).contains(spec.samples) {
      fail(
        "samples", "samples must be in 0…268435456 (0 = every row of the file), got \(spec.samples)",
        "0 reads every row; a number reads at most that many")
    }
    if !(spec.noise >= 0 && spec.noise.isFinite) { fail("noise", "noise must be ≥ 0, got \(spec.noise)") }
    // Every integer is in range whatever the source uses, so no number in a config can
    // overflow arithmetic later (ranges documented in docs/sweep-file.md).
    checkFeatures(spec, &problems)
    if !(2...1000).contains(spec.cells) {
      fail("cells", "cells (per side of the board) must be in 2…1000, got \(spec.cells)")
    }
    if !(0...100).contains(spec.teacherDepth) {
      fail("teacher_depth", "teacher_depth must be in 0…100 hidden layers, got \(spec.teacherDepth)")
    }
    if !(1...4096).contains(spec.teacherWidth) {
      fail("teacher_width", "teacher_width must be in 1…4096, got \(spec.teacherWidth)")
    }
    if !(1...1000).contains(spec.outputs) {
      fail("outputs", "outputs must be in 1…1000, got \(spec.outputs)")
    }
    if spec.name.readsFiles { checkFileClasses(spec, &problems) } else { checkClasses(spec, &problems) }
    problems += singularValueProblems(spec)

    switch spec.name {
    case .spirals:
      if !(spec.turns > 0 && spec.turns.isFinite) { fail("turns", "turns must be > 0, got \(spec.turns)") }
    case .gaussian:
      if !(spec.spread > 0 && spec.spread.isFinite) { fail("spread", "spread must be > 0, got \(spec.spread)") }
    case .circles:
      if !(spec.factor > 0 && spec.factor < 1) {
        fail("factor", "factor (inner radius / outer radius) must be in (0, 1), got \(spec.factor)")
      }
    case .teacher:
      let w = Double(spec.teacherWidth), depth = Double(max(spec.teacherDepth, 0))
      let parameters = depth == 0
        ? Double(spec.features) * Double(spec.outputs)
        : Double(spec.features) * w + (depth - 1) * w * w + w * Double(spec.outputs)
      if parameters > 10_000_000 {
        // In Double: the fields may be anything the file said (Int(parameters) would trap).
        fail(
          "teacher_width", "the teacher network would have \(String(format: "%.4g", parameters)) weights, more than 10,000,000",
          "use a narrower or shallower teacher")
      }
    case .idx:
      checkFile(spec.images, field: "images", required: "idx needs images: PATH (e.g. train-images-idx3-ubyte.gz)", baseDirectory, &problems)
      checkFile(spec.labels, field: "labels", required: "idx needs labels: PATH (e.g. train-labels-idx1-ubyte.gz)", baseDirectory, &problems)
      checkTestPair(spec, baseDirectory, &problems)
    case .csv:
      checkFile(spec.path, field: "path", required: "csv needs path: FILE.csv", baseDirectory, &problems)
      if let test = spec.test { checkFile(test, field: "test", required: "", baseDirectory, &problems) }
      if spec.testLabels != nil {
        fail("test_labels", "a csv test file carries its own labels; test_labels applies to idx only")
      }
      if spec.labelColumn.trimmingCharacters(in: .whitespaces).isEmpty {
        fail("label_column", "label_column is empty", "use last, first, a 0-based column index or a header name")
      } else if spec.header == .false, CSVSource.LabelColumn(spec.labelColumn).isName {
        fail(
          "label_column", "label_column '\(spec.labelColumn)' is a column name, but header is false",
          "set header: true (or auto), or give the column's 0-based index")
      }
    case .moons, .xor, .checkerboard, .mnist1d:
      break
    }
    return problems
  }

  /// `singular_values` (the linear teacher): teacher only, regression, every value finite
  /// and > 0, and at most min(features, outputs) of them (U and V have orthonormal columns).
  static func singularValueProblems(_ spec: DataSpec) -> [DataProblem] {
    let values = spec.singularValues
    guard !values.isEmpty else { return [] }
    func problem(_ message: String, _ suggestion: String? = nil) -> [DataProblem] {
      [DataProblem(field: "data.singular_values", message: message, suggestion: suggestion)]
    }
    if spec.name != .teacher {
      return problem("singular_values applies to the teacher only, not \(spec.name.rawValue)", "set name: teacher")
    }
    if spec.task != .regression {
      return problem("a linear teacher (singular_values) makes regression targets", "set task: regression")
    }
    if let bad = values.first(where: { !($0 > 0 && $0.isFinite) }) {
      return problem("singular values must be finite and > 0, got \(bad)")
    }
    if spec.samples < spec.features {
      return problem(
        "a linear teacher whitens its inputs exactly, which needs samples ≥ features (\(spec.features)), got \(spec.samples)")
    }
    let rank = min(spec.features, spec.outputs)
    if values.count > rank {
      return problem(
        "\(values.count) singular values need features and outputs ≥ \(values.count), got features \(spec.features), outputs \(spec.outputs)",
        "give at most min(features, outputs) = \(rank) values, or raise features and outputs")
    }
    return []
  }

  private static func checkClasses(_ spec: DataSpec, _ problems: inout [DataProblem]) {
    if !(2...10_000).contains(spec.classes) {
      problems.append(
        DataProblem(field: "data.classes", message: "\(spec.name.rawValue) needs 2…10000 classes, got \(spec.classes)"))
    }
  }

  private static func checkFileClasses(_ spec: DataSpec, _ problems: inout [DataProblem]) {
    if let k = spec.explicitClasses, k != 0, !(2...10_000).contains(k) {
      problems.append(
        DataProblem(
          field: "data.classes", message: "classes must be 2…10000 (or 0 = inferred from the labels), got \(k)"))
    }
  }

  private static func checkFeatures(_ spec: DataSpec, _ problems: inout [DataProblem]) {
    if !(1...100_000).contains(spec.features) {
      problems.append(
        DataProblem(field: "data.features", message: "features must be in 1…100000, got \(spec.features)"))
    }
  }

  private static func checkFile(
    _ path: String?, field: String, required: String, _ base: URL?, _ problems: inout [DataProblem]
  ) {
    guard let path, !path.isEmpty else {
      problems.append(DataProblem(field: "data.\(field)", message: required))
      return
    }
    guard let base else { return }
    if let problem = FileLocation(field: "data.\(field)", written: path, baseDirectory: base).accessProblem() {
      problems.append(problem)
    }
  }

  private static func checkTestPair(_ spec: DataSpec, _ base: URL?, _ problems: inout [DataProblem]) {
    switch (spec.test, spec.testLabels) {
    case (nil, nil): break
    case (let images?, let labels?):
      checkFile(images, field: "test", required: "", base, &problems)
      checkFile(labels, field: "test_labels", required: "", base, &problems)
    case (_?, nil):
      problems.append(
        DataProblem(
          field: "data.test_labels", message: "an idx test set needs test_labels: PATH beside test: PATH",
          suggestion: "e.g. test: t10k-images-idx3-ubyte.gz, test_labels: t10k-labels-idx1-ubyte.gz"))
    case (nil, _?):
      problems.append(
        DataProblem(field: "data.test", message: "test_labels is given without test: PATH (the test images)"))
    }
  }
}
