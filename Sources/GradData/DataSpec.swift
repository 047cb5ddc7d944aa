import GradEngine

/// Where a run's data comes from, with every parameter any source takes. One flat
/// struct (rather than an enum of sources) so that any field can be a sweep axis by
/// its dotted path (`data.noise`, `data.samples`) and two runs with equal specs share
/// one loaded data set. Fields a source does not use are ignored by it.
///
/// The defaults here are the documented defaults of the `data:` section.
public struct DataSpec: Sendable, Hashable, Codable {
  /// The source: see `DataSourceKind`.
  public var name: DataSourceKind = .spirals
  /// Generated examples in all (synthetic, teacher); MNIST-1D uses 5,000 by default.
  public var samples: Int = 2000
  /// Classes (spirals, gaussian, teacher classification).
  public var classes: Int = 3
  /// Noise: std of Gaussian jitter added to generated points.
  public var noise: Double = 0.2
  /// Spiral turns.
  public var turns: Double = 1.0
  /// Std of each gaussian blob.
  public var spread: Double = 1.0
  /// Input dimension (teacher, gaussian).
  public var features: Int = 2
  /// Teacher network: hidden layers, width, activation; `outputs` targets for regression.
  public var teacherDepth: Int = 2
  public var teacherWidth: Int = 32
  public var teacherActivation: ActivationKind = .tanh
  public var task: DataTask = .classification
  public var outputs: Int = 1
  /// IDX files (MNIST and friends): images and labels paths, relative to the sweep file.
  public var images: String? = nil
  public var labels: String? = nil
  /// CSV file and where its label is: `last`, `first`, a 0-based index or a header name.
  public var path: String? = nil
  public var labelColumn: String = "last"
  public var header: CSVHeaderMode = .auto
  /// Feature scaling fitted on the training split and applied to all splits.
  public var scale: FeatureScaling = .standardize
  /// Fraction of the non-test data held out for validation, in [0, 1).
  public var validation: Double = 0.2
  /// A separate test set: a file path (IDX images for `idx` with `test_labels`, or CSV) ...
  public var test: String? = nil
  public var testLabels: String? = nil
  /// ... or a fraction of the data held out as test set (0 = none).
  public var testFraction: Double = 0
  /// Seed of the data (generation and split). nil = the sweep's `seed`, so replicates
  /// share one data set and differ only in initialisation and batch order.
  public var seed: UInt64? = nil

  public init() {}

  public enum CodingKeys: String, CodingKey, CaseIterable {
    case name, samples, classes, noise, turns, spread, features
    case teacherDepth = "teacher_depth", teacherWidth = "teacher_width"
    case teacherActivation = "teacher_activation", task, outputs
    case images, labels, path, labelColumn = "label_column", header, scale, validation
    case test, testLabels = "test_labels", testFraction = "test_fraction", seed
  }
}

/// Built-in and file data sources.
public enum DataSourceKind: String, UserFacingName {
  case spirals, moons, circles, xor, gaussian, checkerboard
  /// Labels/targets produced by a random deep network.
  case teacher
  /// Greydanus 2020, procedural 40-dimensional, 10-class.
  case mnist1d
  /// IDX files: MNIST, Fashion-MNIST, KMNIST.
  case idx
  case csv

  public static var aliases: [String: DataSourceKind] { ["mnist_1d": .mnist1d, "blobs": .gaussian] }
}

public enum DataTask: String, UserFacingName {
  case classification, regression
}

public enum CSVHeaderMode: String, UserFacingName {
  case auto
  case `true`
  case `false`
}

public enum FeatureScaling: String, UserFacingName {
  case standardize, minmax, none
}

/// The splits a run trains, validates and tests on.
public struct DataSplit: Sendable {
  public var train: Dataset
  public var validation: Dataset?
  public var test: Dataset?
  public init(train: Dataset, validation: Dataset?, test: Dataset?) {
    self.train = train
    self.validation = validation
    self.test = test
  }
}
