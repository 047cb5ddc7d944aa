import SweepResults
import Foundation
import GradData
import GradEngine
import Yams

/// The sections of a run's config that fields can be swept in.
enum SectionName: String, CaseIterable {
  case data, model, training, log

  var keys: [String] {
    switch self {
    case .data: return DataSpecSupport.keyNames
    case .model: return ModelConfig.keyNames
    case .training: return TrainingConfig.keyNames
    case .log: return LogConfig.keyNames
    }
  }

  /// Every sweepable dotted path, section by section.
  static var allPaths: [String] {
    allCases.flatMap { section in section.keys.map { section.rawValue + "." + $0 } }
  }
}

/// Checks a sweep file and expands it into a plan. One builder per load; it collects
/// every problem as it goes and throws them all at the end.
final class SweepBuilder {
  static let topLevelKeys = [
    "name", "description", "seed", "replicates", "data", "model", "training", "log", "sweep", "report",
    "reference",
  ]
  static let sweepKeys = ["grid", "zip", "random", "exclude", "include"]
  /// Plans larger than this are refused (each run is a folder of CSV files).
  static let maxRuns = 100_000

  let path: String
  let text: String
  var diagnostics: DiagnosticCollector
  var root: Node = .mapping(Node.Mapping([]))
  var keyPathLocations: [String: SourceLocation] = [:]
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

  /// Command-line overrides (`Overrides.swift`), applied to the parsed file.
  let overrides: [String]
  /// Override k is shown as line `overrideLineOffset + k` of the display text (the
  /// file's lines, then one line per override) and reported as `command line:k`.
  let overrideLineOffset: Int

  init(text: String, path: String, overrides: [String] = []) {
    self.text = text
    self.path = path
    self.overrides = overrides
    overrideLineOffset = SourceLines(text).count
    let display = overrides.isEmpty ? text : text + "\n" + overrides.joined(separator: "\n")
    self.diagnostics = DiagnosticCollector(
      file: path, sourceText: display, overrideLines: overrides.isEmpty ? nil : overrideLineOffset)
  }

  // MARK: Reporting

  func location(_ node: Node?) -> SourceLocation? {
    guard let mark = node?.mark else { return nil }
    return SourceLocation(file: path, line: mark.line, column: mark.column)
  }

  /// Reports an error at the first of `nodes` that has a position.
  func error(_ message: String, at nodes: Node?..., note: String? = nil) {
    let place = nodes.lazy.compactMap { self.location($0) }.first
    diagnostics.report(message, at: place, note: note)
  }

  func error(_ message: String, atLocation location: SourceLocation?, note: String? = nil) {
    diagnostics.report(message, at: location, note: note)
  }

  func warning(_ message: String, at node: Node?, note: String? = nil) {
    diagnostics.report(message, at: location(node), severity: .warning, note: note)
  }

  // MARK: The whole file

  func build() throws -> SweepPlan {
    guard parseRoot() else { throw SweepDiagnostics(diagnostics: diagnostics.sorted()) }
    applyOverrides()
    indexLocations(root, prefix: "", depth: 0)
    readTopLevelKeys()
    readHeader()
    readSections()
    var sweep = readSweep(top["sweep"])
    let report = readReport(top["report"], axisPaths: sweep.axes.map(\.path))
    let reference = readReference(top["reference"], axes: sweep.axes)
    let expansion = expand(&sweep)
    if diagnostics.hasErrors { throw SweepDiagnostics(diagnostics: diagnostics.sorted()) }
    return SweepPlan(
      name: header.name ?? SweepHeader.defaultName(forPath: path), description: header.description,
      sourcePath: path, sourceText: text, effectiveText: effectiveText(), overrides: overrides, seed: header.seed, replicates: header.replicates,
      axisPaths: sweep.axes.map(\.path),
      zipGroups: sweep.zipGroups.filter { $0.count > 1 }.map { $0.map { sweep.axes[$0].path } },
      runs: expansion.runs, report: report, reference: reference,
      warnings: diagnostics.sorted(), keyPathLocations: keyPathLocations,
      axisValueLocations: expansion.axisValueLocations)
  }

  /// Parses the YAML; false (with a diagnostic) when it is not YAML or not a mapping.
  private func parseRoot() -> Bool {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      reportYamlError(error)
      return false
    } catch {
      diagnostics.report("invalid YAML: \(error)", at: nil)
      return false
    }
    guard let node, !node.isNull else { return true }  // an empty file: every default
    guard node.pairs != nil else {
      self.error(
        "a sweep file is a mapping of keys (name:, data:, model:, training:, sweep:, …), got \(node.shapeDescription)",
        at: node)
      return false
    }
    root = node
    return true
  }

  private func reportYamlError(_ error: YamlError) {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: path, line: mark.line, column: mark.column) }
    func contextNote(_ context: YamlError.Context?) -> String? {
      context.map { "\($0.text) (at \($0.mark.line):\($0.mark.column))" }
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      diagnostics.report("invalid YAML: \(problem)", at: at(mark), note: contextNote(context))
    case .reader(let problem, let offset, _, _):
      diagnostics.report("invalid text: \(problem)", at: offset.map { characterLocation(offset: $0) })
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      diagnostics.report(
        "duplicate key \(names) in one mapping",
        at: repeatedKeyLocation(duplicates.first ?? "", after: context.mark) ?? at(context.mark),
        note: "a key may appear only once per mapping; YAML would otherwise keep only one of the values")
    default:
      diagnostics.report("invalid YAML: \(error)", at: nil)
    }
  }

  /// Line and column of the `offset`-th character.
  private func characterLocation(offset: Int) -> SourceLocation {
    var line = 1
    var column = 1
    for character in text.prefix(offset) {
      if character == "\n" || character == "\r\n" || character == "\r" {
        line += 1
        column = 1
      } else {
        column += character.unicodeScalars.count
      }
    }
    return SourceLocation(file: path, line: line, column: column)
  }

  /// Yams reports a duplicated key at its first occurrence; the second one, at the same
  /// indentation further down, is the one to point at.
  private func repeatedKeyLocation(_ key: String, after mark: Mark) -> SourceLocation? {
    let lines = SourceLines(text)
    let column = mark.column - 1
    var number = mark.line + 1
    while let line = lines.line(number) {
      let scalars = Array(line.unicodeScalars)
      let indent = scalars.prefix { $0 == " " }.count
      if indent < scalars.count, scalars[indent] != "#" {
        if indent < column { return nil }  // the mapping ended
        if indent == column {
          let rest = String(String.UnicodeScalarView(scalars[indent...]))
          if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
            return SourceLocation(file: path, line: number, column: mark.column)
          }
        }
      }
      number += 1
    }
    return nil
  }

  /// Records where every key path's value is written, for `SweepPlan.location(ofKeyPath:)`.
  /// Nodes left to index: YAML aliases can make a small file a huge tree ("billion
  /// laughs"); the index stops growing instead of walking it.
  private static let indexBudget = 200_000

  private func indexLocations(_ node: Node, prefix: String, depth: Int) {
    guard depth < 32, keyPathLocations.count < Self.indexBudget else { return }
    if let pairs = node.pairs {
      for (key, value) in pairs {
        guard let name = key.scalarText else { continue }
        let path = prefix.isEmpty ? name : prefix + "." + name
        if keyPathLocations[path] == nil {
          keyPathLocations[path] = location(value.isNull ? key : value) ?? location(key)
        }
        indexLocations(value, prefix: path, depth: depth + 1)
      }
    } else if let items = node.items {
      for (index, item) in items.enumerated() {
        let path = prefix + "[\(index)]"
        if keyPathLocations[path] == nil { keyPathLocations[path] = location(item) }
        indexLocations(item, prefix: path, depth: depth + 1)
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
        error(issue.message, at: clean.value(issue.key), entry?.key, note: issue.note)
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
