import GradData
import GradEngine
import Yams

// What the sweep model knows about the `data:` section, whose type (`DataSpec`) lives in
// GradData. Its defaults are DataSpec's property initialisers; its keys are
// `DataSpec.CodingKeys`. Here: range checks that need no file access, the enum-valued
// keys (found by reflection, so new fields are covered without edits here), and
// estimates of the network's input and output sizes for the model-size check.

enum DataSpecSupport {
  static let sectionName = "data"

  static var keyNames: [String] { DataSpec.CodingKeys.allCases.map(\.rawValue) }

  /// True when DataSpec's own decoder does not apply defaults for missing keys (the
  /// synthesized one). Only then does the loader fill them in from `DataSpec()`: filling
  /// in would defeat a decoder whose defaults depend on the source (e.g. `samples`).
  static let needsDefaultsFilled: Bool = {
    (try? YAMLDecoder().decode(DataSpec.self, from: Node.mapping(Node.Mapping([])))) == nil
  }()

  /// The canonical mapping of `DataSpec()`, for keys a `data:` section leaves out when
  /// `needsDefaultsFilled`; empty otherwise.
  static func defaultPairs() -> [(key: String, value: Node)] {
    guard needsDefaultsFilled else { return [] }
    let text = CanonicalYAML.value(of: DataSpec()).blockText()
    guard let node = try? Yams.compose(yaml: text), case .mapping(let mapping) = node else { return [] }
    return mapping.compactMap { pair in pair.key.scalar.map { ($0.string, pair.value) } }
  }

  /// The data seed a run uses when `data.seed` is not given: the sweep's base seed (so
  /// replicates share their data), except MNIST-1D's reference seed 42 — the rule of
  /// GradData's loader, stated here so every config.yaml records the seed used.
  static func resolvedSeed(of spec: DataSpec, sweepSeed: UInt64) -> UInt64 {
    spec.seed ?? (spec.name == .mnist1d ? 42 : sweepSeed)
  }

  // MARK: Enum-valued keys

  /// A key whose value is a user-facing name.
  struct NameField {
    let names: [String]
    let canonical: (String) -> String?
  }

  /// Enum-valued keys of DataSpec by YAML key, found by reflecting on `DataSpec()`:
  /// a property `fooBar` of a `UserFacingName` type (or an optional one) maps to key `foo_bar`.
  static func nameFields() -> [String: NameField] {
    let keys = Set(keyNames)
    var fields = [String: NameField]()
    for child in Mirror(reflecting: DataSpec()).children {
      guard let label = child.label else { continue }
      let key = snakeCase(label)
      guard keys.contains(key) else { continue }
      var type: Any.Type = Swift.type(of: child.value)
      if let optional = type as? any OptionalType.Type { type = optional.wrappedType }
      if let nameType = type as? any UserFacingName.Type {
        fields[key] = nameField(nameType)
      }
    }
    return fields
  }

  private static func nameField<T: UserFacingName>(_ type: T.Type) -> NameField {
    NameField(names: T.allUserNames, canonical: { T(userName: $0)?.rawValue })
  }

  /// `teacherActivation` → `teacher_activation`.
  static func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
      if character.isUppercase {
        result += "_" + character.lowercased()
      } else {
        result.append(character)
      }
    }
    return result
  }

  /// Words used in "unknown … 'x'" messages for the known enum keys.
  static func kindLabel(forKey key: String) -> String {
    switch key {
    case "name": return "data source"
    case "teacher_activation": return "activation"
    case "scale": return "scaling"
    case "header": return "header mode"
    default: return "data.\(key) value"
    }
  }

  // MARK: Checks

  /// A problem with one key of a data spec.
  struct Issue {
    let key: String
    let message: String
    var note: String? = nil
  }

  /// Range and consistency checks that need no file access: GradData's own
  /// (`DataLoader.validate` without a base directory), so the sweep file is refused at
  /// load time for exactly what the loader would refuse later, keyed by the field for
  /// the caller to locate.
  static func issues(in spec: DataSpec) -> [Issue] {
    DataLoader.validate(spec, baseDirectory: nil).map { problem in
      let key = problem.field.hasPrefix("data.") ? String(problem.field.dropFirst(5)) : problem.field
      // "validation must be …" reads as the other sections' "model.depth must be …".
      let message = problem.message.hasPrefix(key + " ") ? "data." + problem.message : problem.message
      return Issue(key: key, message: message, note: problem.suggestion)
    }
  }

  // MARK: What the data implies for the network

  /// The task the data will have: teacher and CSV data follow `task`; every other
  /// source has class labels.
  static func task(of spec: DataSpec) -> DataTask {
    switch spec.name {
    case .teacher, .csv: return spec.task
    default: return .classification
    }
  }

  /// A lower bound on the input width known before loading: exact for generated
  /// sources, 1 for files (their width is known only once read).
  static func estimatedInputSize(of spec: DataSpec) -> Int {
    switch spec.name {
    case .spirals, .moons, .circles, .xor, .checkerboard: return 2
    case .gaussian, .teacher: return max(1, spec.features)
    case .mnist1d: return 40
    default: return 1  // files: known once read
    }
  }

  /// A lower bound on the output width known before loading.
  static func estimatedOutputSize(of spec: DataSpec) -> Int {
    if task(of: spec) == .regression { return max(1, spec.outputs) }
    switch spec.name {
    case .moons, .circles, .xor, .checkerboard: return 2
    case .spirals, .gaussian, .teacher: return max(2, spec.classes)
    case .mnist1d: return 10
    default: return 1  // files: known once read
    }
  }
}

/// Lets reflection see through `Optional<T>` to `T`.
protocol OptionalType {
  static var wrappedType: Any.Type { get }
}

extension Optional: OptionalType {
  static var wrappedType: Any.Type { Wrapped.self }
}
