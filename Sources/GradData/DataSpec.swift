import GradEngine

/// Where a run's data comes from, with every parameter any source takes. One flat
/// struct (rather than an enum of sources) so that any field can be a sweep axis by
/// its dotted path (`data.noise`, `data.samples`) and two runs with equal specs share
/// one loaded data set. Fields a source does not use are ignored by it.
///
/// The defaults here are the documented defaults of the `data:` section (docs/data.md).
/// Three settings have a default that depends on the source — `samples`, `classes` and
/// `test_fraction` — so they are stored as optionals (`nil` = the source's default) and
/// read through computed properties that resolve them.
package struct DataSpec: Sendable, Hashable, Codable {
  /// The source: see `DataSourceKind`.
  package var name: DataSourceKind = .spirals
  /// `samples` as written; nil = the source's default (see `samples`).
  package var explicitSamples: Int? = nil
  /// `classes` as written; nil = the source's default (see `classes`).
  package var explicitClasses: Int? = nil
  /// Noise. For the 2-D sets the std of Gaussian jitter added to each coordinate
  /// (spirals: to the angle, in radians); for the teacher, the std of Gaussian noise
  /// added to its standardised output. Ignored by gaussian (use `spread`), mnist1d and files.
  package var noise: Double = 0.2
  /// Spiral turns: each arm winds `turns` × 360° from the centre to radius 1.
  package var turns: Double = 1.0
  /// Std of each gaussian blob.
  package var spread: Double = 1.0
  /// Input dimension (teacher, gaussian). The 2-D sets always have 2.
  package var features: Int = 2
  /// Circles: radius of the inner circle relative to the outer one (scikit-learn's `factor`).
  package var factor: Double = 0.5
  /// Checkerboard: cells per side of the [−1, 1]² board.
  package var cells: Int = 4
  /// Teacher network: hidden layers, width, activation; `outputs` targets for regression.
  package var teacherDepth: Int = 2
  package var teacherWidth: Int = 32
  package var teacherActivation: ActivationKind = .tanh
  /// Teacher: when non-empty, a *linear* teacher y = U·diag(s)·Vᵀx with these singular
  /// values s and whitened inputs (Saxe et al. 2014), in place of the random deep network.
  package var singularValues: [Double] = []
  /// Classification or regression (teacher and csv; every other source classifies).
  package var task: DataTask = .classification
  package var outputs: Int = 1
  /// IDX files (MNIST and friends): images and labels paths, relative to the sweep file.
  package var images: String? = nil
  package var labels: String? = nil
  /// CSV file and where its label is: `last`, `first`, a 0-based index or a header name.
  package var path: String? = nil
  package var labelColumn: String = "last"
  package var header: CSVHeaderMode = .auto
  /// Feature scaling fitted on the training split and applied to all splits.
  package var scale: FeatureScaling = .standardize
  /// Fraction of the non-test data held out for validation, in [0, 1).
  package var validation: Double = 0.2
  /// Keep each class's share equal across train/validation/test when splitting.
  package var stratify: Bool = true
  /// A separate test set: a file path (IDX images for `idx` with `test_labels`, or CSV) ...
  package var test: String? = nil
  package var testLabels: String? = nil
  /// `test_fraction` as written; nil = the source's default (see `testFraction`).
  package var explicitTestFraction: Double? = nil
  /// Seed of the data (generation and split). nil = the sweep's `seed`, so replicates
  /// share one data set and differ only in initialisation and batch order. MNIST-1D
  /// instead defaults to the reference seed 42, so that it is the published data set.
  package var seed: UInt64? = nil

  package init() {}

  /// Generated examples in all, or for files the first N rows of the training file.
  /// Default: 2,000 (synthetic, teacher), 5,000 (mnist1d, 500 per class), 0 = every row (idx, csv).
  package var samples: Int {
    get { explicitSamples ?? name.defaultSamples }
    set { explicitSamples = newValue }
  }

  /// Classes. Default: 3 (spirals, gaussian, teacher), 0 = inferred from the labels
  /// (idx, csv). Fixed, whatever is written: 2 (moons, circles, xor, checkerboard), 10 (mnist1d).
  package var classes: Int {
    get { name.fixedClasses ?? explicitClasses ?? name.defaultClasses }
    set { explicitClasses = newValue }
  }

  /// Fraction of all examples held out as test set (0 = none), when there is no `test`
  /// file. Default 0, except mnist1d: 0.2, the reference's 4,000 / 1,000 split.
  package var testFraction: Double {
    get { explicitTestFraction ?? name.defaultTestFraction }
    set { explicitTestFraction = newValue }
  }

  /// Equal when every setting resolves to the same value (`samples`, `classes` and
  /// `test_fraction` as resolved for the source), so a spec and its encoded-then-decoded
  /// copy are equal and share one cached data set.
  package static func == (a: DataSpec, b: DataSpec) -> Bool {
    a.name == b.name
      && a.samples == b.samples
      && a.classes == b.classes
      && a.noise == b.noise
      && a.turns == b.turns
      && a.spread == b.spread
      && a.features == b.features
      && a.factor == b.factor
      && a.cells == b.cells
      && a.teacherDepth == b.teacherDepth
      && a.teacherWidth == b.teacherWidth
      && a.teacherActivation == b.teacherActivation
      && a.singularValues == b.singularValues
      && a.task == b.task
      && a.outputs == b.outputs
      && a.images == b.images
      && a.labels == b.labels
      && a.path == b.path
      && a.labelColumn == b.labelColumn
      && a.header == b.header
      && a.scale == b.scale
      && a.validation == b.validation
      && a.stratify == b.stratify
      && a.test == b.test
      && a.testLabels == b.testLabels
      && a.testFraction == b.testFraction
      && a.seed == b.seed
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(samples)
    hasher.combine(classes)
    hasher.combine(noise)
    hasher.combine(turns)
    hasher.combine(spread)
    hasher.combine(features)
    hasher.combine(factor)
    hasher.combine(cells)
    hasher.combine(teacherDepth)
    hasher.combine(teacherWidth)
    hasher.combine(teacherActivation)
    hasher.combine(singularValues)
    hasher.combine(task)
    hasher.combine(outputs)
    hasher.combine(images)
    hasher.combine(labels)
    hasher.combine(path)
    hasher.combine(labelColumn)
    hasher.combine(header)
    hasher.combine(scale)
    hasher.combine(validation)
    hasher.combine(stratify)
    hasher.combine(test)
    hasher.combine(testLabels)
    hasher.combine(testFraction)
    hasher.combine(seed)
  }

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case name, samples, classes, noise, turns, spread, features, factor, cells
    case teacherDepth = "teacher_depth", teacherWidth = "teacher_width"
    case teacherActivation = "teacher_activation", singularValues = "singular_values", task, outputs
    case images, labels, path, labelColumn = "label_column", header, scale, validation, stratify
    case test, testLabels = "test_labels", testFraction = "test_fraction", seed
  }

  /// Missing keys keep the property defaults (synthesised `Decodable` would throw).
  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = DataSpec()
    name = try c.decodeName(DataSourceKind.self, forKey: .name) ?? d.name
    explicitSamples = try c.decodeIfPresent(Int.self, forKey: .samples)
    explicitClasses = try c.decodeIfPresent(Int.self, forKey: .classes)
    noise = try c.decodeIfPresent(Double.self, forKey: .noise) ?? d.noise
    turns = try c.decodeIfPresent(Double.self, forKey: .turns) ?? d.turns
    spread = try c.decodeIfPresent(Double.self, forKey: .spread) ?? d.spread
    features = try c.decodeIfPresent(Int.self, forKey: .features) ?? d.features
    factor = try c.decodeIfPresent(Double.self, forKey: .factor) ?? d.factor
    cells = try c.decodeIfPresent(Int.self, forKey: .cells) ?? d.cells
    teacherDepth = try c.decodeIfPresent(Int.self, forKey: .teacherDepth) ?? d.teacherDepth
    teacherWidth = try c.decodeIfPresent(Int.self, forKey: .teacherWidth) ?? d.teacherWidth
    teacherActivation =
      try c.decodeName(ActivationKind.self, forKey: .teacherActivation) ?? d.teacherActivation
    singularValues = try c.decodeIfPresent([Double].self, forKey: .singularValues) ?? d.singularValues
    task = try c.decodeName(DataTask.self, forKey: .task) ?? d.task
    outputs = try c.decodeIfPresent(Int.self, forKey: .outputs) ?? d.outputs
    images = try c.decodeIfPresent(String.self, forKey: .images)
    labels = try c.decodeIfPresent(String.self, forKey: .labels)
    path = try c.decodeIfPresent(String.self, forKey: .path)
    labelColumn = try c.decodeIfPresent(LabelColumnText.self, forKey: .labelColumn)?.text ?? d.labelColumn
    header = try c.decodeName(CSVHeaderMode.self, forKey: .header) ?? d.header
    scale = try c.decodeName(FeatureScaling.self, forKey: .scale) ?? d.scale
    validation = try c.decodeIfPresent(Double.self, forKey: .validation) ?? d.validation
    stratify = try c.decodeIfPresent(Bool.self, forKey: .stratify) ?? d.stratify
    test = try c.decodeIfPresent(String.self, forKey: .test)
    testLabels = try c.decodeIfPresent(String.self, forKey: .testLabels)
    explicitTestFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction)
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
  }

  /// Writes every key, with `samples`, `classes` and `test_fraction` resolved for the
  /// source, so a run's config.yaml shows the values it actually used. Unset paths
  /// and seed are written as null.
  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(samples, forKey: .samples)
    try c.encode(classes, forKey: .classes)
    try c.encode(noise, forKey: .noise)
    try c.encode(turns, forKey: .turns)
    try c.encode(spread, forKey: .spread)
    try c.encode(features, forKey: .features)
    try c.encode(factor, forKey: .factor)
    try c.encode(cells, forKey: .cells)
    try c.encode(teacherDepth, forKey: .teacherDepth)
    try c.encode(teacherWidth, forKey: .teacherWidth)
    try c.encode(teacherActivation, forKey: .teacherActivation)
    try c.encode(singularValues, forKey: .singularValues)
    try c.encode(task, forKey: .task)
    try c.encode(outputs, forKey: .outputs)
    try c.encode(images, forKey: .images)
    try c.encode(labels, forKey: .labels)
    try c.encode(path, forKey: .path)
    try c.encode(labelColumn, forKey: .labelColumn)
    try c.encode(header, forKey: .header)
    try c.encode(scale, forKey: .scale)
    try c.encode(validation, forKey: .validation)
    try c.encode(stratify, forKey: .stratify)
    try c.encode(test, forKey: .test)
    try c.encode(testLabels, forKey: .testLabels)
    try c.encode(testFraction, forKey: .testFraction)
    try c.encode(seed, forKey: .seed)
  }
}

extension KeyedDecodingContainer where Key == DataSpec.CodingKeys {
  /// A user-facing name by its canonical spelling or an alias (`blobs`, `mnist_1d`,
  /// `swish`); a YAML/JSON boolean reads as `true`/`false` (for `header: true`).
  /// An unknown name throws a `DecodingError` that lists the accepted ones.
  func decodeName<T: UserFacingName>(_ type: T.Type, forKey key: Key) throws -> T? {
    guard contains(key), try !decodeNil(forKey: key) else { return nil }
    let text: String
    if let flag = try? decode(Bool.self, forKey: key) {
      text = flag ? "true" : "false"
    } else {
      text = try decode(String.self, forKey: key)
    }
    guard let value = T(userName: text) else {
      throw DecodingError.dataCorruptedError(
        forKey: key, in: self,
        debugDescription: "unknown \(key.stringValue) '\(text)'; expected one of \(T.allUserNames.joined(separator: ", "))")
    }
    return value
  }
}

/// `label_column` accepts a name or a bare integer in YAML (`label_column: 0`), which
/// a YAML decoder hands over as a number, not a string.
private struct LabelColumnText: Decodable {
  var text: String
  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let i = try? c.decode(Int.self) {
      text = String(i)
    } else {
      text = try c.decode(String.self)
    }
  }
}

/// Built-in and file data sources.
package enum DataSourceKind: String, UserFacingName {
  case spirals, moons, circles, xor, gaussian, checkerboard
  /// Labels/targets produced by a random deep network.
  case teacher
  /// Greydanus 2020, procedural 40-dimensional, 10-class.
  case mnist1d
  /// IDX files: MNIST, Fashion-MNIST, KMNIST.
  case idx
  case csv

  package static var aliases: [String: DataSourceKind] { ["mnist_1d": .mnist1d, "blobs": .gaussian] }

  /// True for the sources that read files.
  package var readsFiles: Bool { self == .idx || self == .csv }

  /// The 2-D synthetic sets (their feature count is always 2).
  package var isPlanar: Bool {
    switch self {
    case .spirals, .moons, .circles, .xor, .checkerboard: true
    default: false
    }
  }

  var defaultSamples: Int {
    switch self {
    case .mnist1d: 5000
    case .idx, .csv: 0
    default: 2000
    }
  }

  var defaultClasses: Int {
    switch self {
    case .idx, .csv: 0
    default: fixedClasses ?? 3
    }
  }

  /// The class count of sources that have a fixed one.
  var fixedClasses: Int? {
    switch self {
    case .moons, .circles, .xor, .checkerboard: 2
    case .mnist1d: 10
    default: nil
    }
  }

  var defaultTestFraction: Double { self == .mnist1d ? 0.2 : 0 }
}

package enum DataTask: String, UserFacingName {
  case classification, regression
}

package enum CSVHeaderMode: String, UserFacingName {
  case auto
  case `true`
  case `false`
}

package enum FeatureScaling: String, UserFacingName {
  case standardize, minmax, none

  package static var aliases: [String: FeatureScaling] { ["standardise": .standardize] }
}

/// The splits a run trains, validates and tests on.
package struct DataSplit: Sendable, Equatable {
  package var train: Dataset
  package var validation: Dataset?
  package var test: Dataset?
  package init(train: Dataset, validation: Dataset?, test: Dataset?) {
    self.train = train
    self.validation = validation
    self.test = test
  }
}
