import GradData

// The validated sweep: what the validate stage (Schema/) hands to expansion. Plain
// values and typed closures, no YAML: expansion and its tests need no parser.

/// A validated value of one field, parsed once and applied to every run that uses it.
struct Assignment {
  let path: String
  let section: SectionName
  let key: String
  /// The canonical spelling (`xavier_normal` for `glorot_normal`, `0.1`, `[64, 32]`).
  let canonical: String
  let isNull: Bool
  let location: SourceLocation?
  /// Sets the field in a run's config (model, training and log fields); nil for data
  /// fields, which `SweepDefinition.resolveData` decodes together.
  let apply: ((inout RunConfig) -> Void)?
  /// A data field's value as written (opaque here; the validator's data resolver reads it).
  var dataValue: Any? = nil
}

/// A varied field and its values.
struct Axis {
  enum Block: Equatable {
    case grid
    case zip(group: Int)
    case random
    /// A field only `include` entries set.
    case include
  }

  let path: String
  /// Where the axis's key is written (for "already an axis (line N)").
  let keyLocation: SourceLocation?
  /// Grid and zip: the listed values. Random: empty (expansion draws them).
  var values: [Assignment]
  let block: Block
}

/// A random-axis distribution.
enum Distribution {
  case list([Assignment])
  case logUniform(Double, Double)
  case uniform(Double, Double)
  case intUniform(Int, Int)
}

struct RandomAxis {
  let axis: Int
  let distribution: Distribution
  /// Where the distribution is written (generated values are located there).
  let location: SourceLocation?
  /// A drawn number (and its canonical text) as a value of the field; nil if invalid.
  let value: (_ number: Double, _ text: String) -> Assignment?
}

struct RandomBlock {
  let samples: Int
  let seed: UInt64
  let samplesLocation: SourceLocation?
  var axes: [RandomAxis]
}

/// An `exclude` entry: the runs whose axis values all match are dropped.
struct ExcludeEntry {
  let location: SourceLocation?
  let matches: [(axis: Int, canonical: String)]
}

/// An `include` entry: one more combination, base values for the axes it does not set.
struct IncludeEntry {
  let location: SourceLocation?
  let assignments: [Assignment]
}

/// The data section of one combination of data values: the spec, or the problems.
struct DataResolution {
  var spec: DataSpec?
  var problems: [ExpansionProblem] = []
}

/// The sweep, checked: a base config and the axes that vary it.
struct SweepDefinition {
  /// The sweep's seed (replicate r runs with seed + r) and replicate count.
  var seed: UInt64 = 1
  var replicates = 1
  /// The base config: the sections as written, defaults elsewhere; `data.seed` resolved.
  var base = RunConfig()
  /// Whether the base sections set `training.epochs` / `training.steps` explicitly.
  var baseExplicitEpochs = false
  var baseExplicitSteps = false
  var axes: [Axis] = []
  /// Zip groups as axis indices; a group with a bad value is an empty list (dropping
  /// one value would shift the pairing).
  var zipGroups: [[Int]] = []
  var random: RandomBlock?
  var excludes: [ExcludeEntry] = []
  var includes: [IncludeEntry] = []
  var excludeLocation: SourceLocation?
  /// Where the `sweep:` (or `replicates:`) key is written, for whole-sweep problems.
  var sweepLocation: SourceLocation?
  /// Where base fields (`training.steps`) and sections (`model`) are written.
  var baseLocations: [String: SourceLocation] = [:]
  /// The data section with these data values set (fields `data.*`), decoded and
  /// checked; called once per distinct combination of data values. The validator
  /// supplies it; the default (a definition built without one) refuses data axes.
  var resolveData: ([Assignment]) -> DataResolution = { values in
    DataResolution(
      spec: nil,
      problems: [ExpansionProblem(message: "data fields cannot vary here", location: values.first?.location)])
  }

  func axisIndex(_ path: String) -> Int? { axes.firstIndex { $0.path == path } }
}

/// A problem found while expanding, located in the sweep file.
struct ExpansionProblem: Equatable {
  enum Severity: Equatable { case error, warning }
  var message: String
  var location: SourceLocation?
  var note: String? = nil
  var severity = Severity.error
}
