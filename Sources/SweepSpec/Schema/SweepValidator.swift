import Foundation
import GradData
import GradEngine
import SweepResults
import Yams

// Stage 2, validate: the parsed tree checked key by key against the schema (the config
// sections, `sweep:`, `report:`, `reference:`), every problem located `file:line:col`.
// The result is a typed `SweepDefinition` (Expansion/) that needs no YAML to expand.

/// The validate stage's working state for one file; `validate` is its only entry
/// point. It reads the parsed tree section by section, collects every problem with its
/// position, and returns the typed `SweepDefinition` expansion needs.
final class SweepValidator: NodeReporting {
  static let topLevelKeys = [
    "name", "description", "seed", "replicates", "data", "model", "training", "log", "sweep", "report",
    "reference",
  ]
  static let sweepKeys = ["grid", "zip", "random", "exclude", "include"]
  /// Plans larger than this are refused (each run is a folder of CSV files).
  static let maxRuns = SweepExpansion.maxRuns

  let path: String
  var diagnostics: DiagnosticCollector
  let root: Node
  /// Top-level entries by key.
  var top: [String: (key: Node, value: Node)] = [:]

  var header = SweepHeader()
  /// Each section's pairs as written, minus keys that failed validation.
  var dataNodes = KeyedNodes()
  var modelNodes = KeyedNodes()
  var trainingNodes = KeyedNodes()
  var logNodes = KeyedNodes()
  /// The base config: the sections as written, defaults elsewhere; `data.seed` resolved.
  var base = RunConfig()
  var baseExplicitEpochs = false
  var baseExplicitSteps = false
  /// Set when the axis lengths alone exceed `maxRuns`: the values are then not read
  /// one by one and nothing is expanded, so an absurd sweep is refused at once.
  var refusedForSize = false
  let dataDefaults = DataSpecSupport.defaultPairs()
  let dataNameFields = DataSpecSupport.nameFields()

  private init(_ parsed: ParsedSweep) {
    path = parsed.path
    root = parsed.root
    diagnostics = parsed.diagnostics
  }

  /// Checks every section of `parsed` and reads it into a sweep definition.
  static func validate(_ parsed: ParsedSweep) -> ValidatedSweep {
    let validator = SweepValidator(parsed)
    return validator.validate()
  }

  private func validate() -> ValidatedSweep {
    readTopLevelKeys()
    readHeader()
    readSections()
    var sweep = readSweep(top["sweep"])
    let report = readReport(top["report"], axisPaths: sweep.axes.map(\.path))
    let reference = readReference(top["reference"], axes: sweep.axes)
    sweep.seed = header.seed
    sweep.replicates = header.replicates
    sweep.base = base
    sweep.baseExplicitEpochs = baseExplicitEpochs
    sweep.baseExplicitSteps = baseExplicitSteps
    sweep.sweepLocation = location(top["sweep"]?.key) ?? location(top["replicates"]?.key)
    sweep.baseLocations = baseLocations()
    sweep.resolveData = dataResolver()
    return ValidatedSweep(
      header: header, definition: sweep, report: report, reference: reference, refusedForSize: refusedForSize,
      diagnostics: diagnostics)
  }

  /// Where the base sections' fields (`training.steps`, after validation) and the
  /// sections themselves (`model`) are written: problems of a run that no axis causes
  /// are shown there.
  private func baseLocations() -> [String: SourceLocation] {
    var locations = [String: SourceLocation]()
    for section in SectionName.allCases {
      if let key = location(top[section.rawValue]?.key) { locations[section.rawValue] = key }
      for (key, _, value) in sectionNodes(section).entries {
        if let at = location(value) { locations[section.rawValue + "." + key] = at }
      }
    }
    return locations
  }

  private func sectionNodes(_ section: SectionName) -> KeyedNodes {
    switch section {
    case .data: return dataNodes
    case .model: return modelNodes
    case .training: return trainingNodes
    case .log: return logNodes
    }
  }

  /// Decodes the data section with some data values set, for expansion (which knows no
  /// YAML): each distinct combination of data values is decoded once.
  private func dataResolver() -> ([Assignment]) -> DataResolution {
    let (nodes, defaults, path) = (dataNodes, dataDefaults, path)
    func at(_ node: Node?) -> SourceLocation? {
      node?.mark.map { SourceLocation(file: path, line: $0.line, column: $0.column) }
    }
    return { values in
      var merged = nodes
      for value in values {
        if let node = value.dataValue as? Node { merged = merged.setting(value.key, to: node) }
      }
      do {
        let spec = try YAMLDecoder().decode(DataSpec.self, from: merged.filling(from: defaults).node)
        let issues = DataSpecSupport.issues(in: spec)
        let problems = issues.map { issue in
          ExpansionProblem(
            message: issue.message,
            location: values.first { $0.key == issue.key }?.location ?? at(nodes.value(issue.key))
              ?? values.first?.location,
            note: issue.note)
        }
        return DataResolution(spec: issues.isEmpty ? spec : nil, problems: problems)
      } catch {
        let problem = ProblemLocator.locate(error, in: merged.node, prefix: "data")
        return DataResolution(
          spec: nil,
          problems: [ExpansionProblem(message: problem.message, location: values.first?.location, note: problem.note)])
      }
    }
  }

  // MARK: Top level

  private func readTopLevelKeys() {
    for (key, value) in root.pairs ?? [] {
      guard let name = key.scalarText else {
        error("keys must be plain names, got \(key.shapeDescription)", at: key)
        continue
      }
      if Self.topLevelKeys.contains(name) {
        top[name] = (key, value)
      } else {
        reportUnknownTopLevelKey(name, at: key)
      }
    }
  }

  private func reportUnknownTopLevelKey(_ name: String, at key: Node) {
    if let suggestion = Suggestions.closest(to: name, among: Self.topLevelKeys) {
      error("unknown key '\(name)' (did you mean '\(suggestion)'?)", at: key)
    } else if let section = SectionName.allCases.first(where: { $0.keys.contains(name) }) {
      error(
        "unknown key '\(name)' (did you mean '\(section.rawValue).\(name)'?)", at: key,
        note: "fields go in their section: \(section.rawValue): {\(name): …}")
    } else if Self.sweepKeys.contains(name) {
      error("unknown key '\(name)' (did you mean 'sweep.\(name)'?)", at: key, note: "axes go under sweep:")
    } else {
      error("unknown key '\(name)'", at: key, note: "top-level keys: " + Suggestions.list(Self.topLevelKeys))
    }
  }

  private func readHeader() {
    var nodes = KeyedNodes()
    for name in SweepHeader.CodingKeys.allCases.map(\.rawValue) {
      if let entry = top[name] { nodes.entries.append((name, entry.key, entry.value)) }
    }
    header = decodeCollecting(SweepHeader.self, nodes, prefix: "").value ?? SweepHeader()
  }

  // MARK: Sections

  /// The `key: value` pairs of a section, reporting a non-mapping and unknown keys.
  func sectionEntries(_ entry: (key: Node, value: Node)?, name: String, allowed: [String]) -> KeyedNodes {
    guard let entry, !entry.value.isNull else { return KeyedNodes() }
    guard let pairs = entry.value.pairs else {
      error(
        "\(name) must be a mapping of keys (\(name): {key: value, …}), got \(entry.value.shapeDescription)",
        at: entry.value, entry.key)
      return KeyedNodes()
    }
    var result = KeyedNodes()
    for (key, value) in pairs {
      guard let keyName = key.scalarText else {
        error("keys in \(name) must be plain names, got \(key.shapeDescription)", at: key)
        continue
      }
      guard allowed.contains(keyName) else {
        reportUnknownKey(keyName, in: name, allowed: allowed, at: key)
        continue
      }
      result.entries.append((keyName, key, value))
    }
    return result
  }

  func reportUnknownKey(_ keyName: String, in name: String, allowed: [String], at key: Node) {
    if let suggestion = Suggestions.closest(to: keyName, among: allowed) {
      error("unknown key '\(keyName)' in \(name) (did you mean '\(suggestion)'?)", at: key)
      return
    }
    if let other = SectionName.allCases.first(where: { $0.rawValue != name && $0.keys.contains(keyName) }) {
      error(
        "unknown key '\(keyName)' in \(name) (did you mean '\(other.rawValue).\(keyName)'?)", at: key,
        note: "\(keyName) belongs in the \(other.rawValue): section")
      return
    }
    error("unknown key '\(keyName)' in \(name)", at: key, note: "\(name) keys: " + Suggestions.list(allowed))
  }

  /// Decodes `nodes` as `T`; each bad key is reported, dropped (so its default applies)
  /// and decoding retried, so every bad key of a section is reported.
  func decodeCollecting<T: Decodable>(
    _ type: T.Type, _ nodes: KeyedNodes, prefix: String, userInfo: [CodingUserInfoKey: Any] = [:],
    fallback: Node? = nil, fill: (KeyedNodes) -> Node = { $0.node }
  ) -> (value: T?, nodes: KeyedNodes) {
    var nodes = nodes
    var dropped = Set<String>()
    for _ in 0...(nodes.entries.count + 1) {
      let node = fill(nodes)
      do {
        return (try YAMLDecoder().decode(T.self, from: node, userInfo: userInfo), nodes)
      } catch {
        let problem = ProblemLocator.locate(error, in: node, prefix: prefix)
        // A required key we dropped ourselves: its own problem is already reported.
        if let key = problem.firstKey, dropped.contains(key) { return (nil, nodes) }
        self.error(problem.message, at: problem.node, fallback, note: problem.note)
        guard let key = problem.firstKey, nodes.contains(key) else { return (nil, nodes) }
        nodes = nodes.removing(key)
        dropped.insert(key)
      }
    }
    return (nil, nodes)
  }

  private func readSections() {
    let modelEntry = top["model"]
    modelNodes = sectionEntries(modelEntry, name: "model", allowed: ModelConfig.keyNames)
    let (model, cleanModel) = decodeCollecting(
      ModelConfig.self, modelNodes, prefix: "model", fallback: modelEntry?.key)
    modelNodes = cleanModel

    let trainingEntry = top["training"]
    trainingNodes = sectionEntries(trainingEntry, name: "training", allowed: TrainingConfig.keyNames)
    let (training, cleanTraining) = decodeCollecting(
      TrainingConfig.self, trainingNodes, prefix: "training", fallback: trainingEntry?.key)
    trainingNodes = cleanTraining
    baseExplicitEpochs = trainingNodes.value("epochs").map { !$0.isNull } ?? false
    baseExplicitSteps = trainingNodes.value("steps").map { !$0.isNull } ?? false

    let logEntry = top["log"]
    logNodes = sectionEntries(logEntry, name: "log", allowed: LogConfig.keyNames)
    let (log, cleanLog) = decodeCollecting(LogConfig.self, logNodes, prefix: "log", fallback: logEntry?.key)
    logNodes = cleanLog

    let data = readData()
    base = RunConfig(
      seed: header.seed, data: data, model: model ?? ModelConfig(), training: training ?? TrainingConfig(),
      log: log ?? LogConfig())
    base.data.seed = DataSpecSupport.resolvedSeed(of: base.data, sweepSeed: header.seed)
  }

  /// The `data:` section: names canonicalised, decoded with defaults filled in, checked.
  private func readData() -> DataSpec {
    let entry = top["data"]
    var nodes = sectionEntries(entry, name: "data", allowed: DataSpecSupport.keyNames)
    for (key, _, value) in nodes.entries {
      guard let canonical = canonicalDataName(key: key, value: value) else {
        nodes = nodes.removing(key)
        continue
      }
      nodes = nodes.setting(key, to: canonical)
    }
    let fill: (KeyedNodes) -> Node = { [dataDefaults] in $0.filling(from: dataDefaults).node }
    var (spec, clean) = decodeCollecting(DataSpec.self, nodes, prefix: "data", fallback: entry?.key, fill: fill)
    // Range checks: report each, drop the key, and decode again without it.
    for _ in 0..<4 {
      guard let current = spec else { break }
      let issues = DataSpecSupport.issues(in: current)
      if issues.isEmpty { break }
      for issue in issues {
        // A missing key (data.path for csv) is located at the source that needs it.
        error(issue.message, at: clean.value(issue.key) ?? clean.value("name"), entry?.key, note: issue.note)
        clean = clean.removing(issue.key)
      }
      spec = try? YAMLDecoder().decode(DataSpec.self, from: fill(clean))
    }
    dataNodes = clean
    return spec ?? DataSpec()
  }

  /// A name-valued data key's value with aliases replaced by the canonical name (what
  /// DataSpec's decoder reads); nil, with a diagnostic, for an unknown name.
  func canonicalDataName(key: String, value: Node) -> Node? {
    guard let field = dataNameFields[key], let text = value.scalarText, !value.isNull else { return value }
    if let canonical = field.canonical(text) { return .scalar(canonical, at: value.mark) }
    let kind = DataSpecSupport.kindLabel(forKey: key)
    let suggestion = Suggestions.closest(to: text, among: field.names)
    error(
      "unknown \(kind) '\(text)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""), at: value,
      note: suggestion == nil ? "expected one of: " + Suggestions.list(field.names) : nil)
    return nil
  }
}

/// The validate stage's result.
struct ValidatedSweep {
  let header: SweepHeader
  let definition: SweepDefinition
  let report: ReportSpec
  let reference: ReferenceSection?
  /// The axis lengths alone exceed the limit: the values were not read, nothing expands.
  let refusedForSize: Bool
  let diagnostics: DiagnosticCollector
}
