import Foundation
import GradData
import Yams

// One value of a field, as written under `sweep:` (or an exclude/include entry, or a
// claim's `runs:`): its path resolved, the value checked as the base section with that
// key replaced, and spelt canonically.

extension SweepValidator {
  // MARK: Paths and values

  /// Resolves `model.depth` to its section and key; reports unknown paths with a suggestion.
  func resolvePath(_ keyNode: Node, context: String) -> (section: SectionName, key: String, path: String)? {
    guard let path = keyNode.scalarText, !keyNode.isNull else {
      error("\(context) keys are dotted field paths like model.depth, got \(keyNode.shapeDescription)", at: keyNode)
      return nil
    }
    let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
    if parts.count == 2, let section = SectionName(rawValue: parts[0]), section.keys.contains(parts[1]) {
      return (section, parts[1], path)
    }
    if ["seed", "replicates"].contains(path) {
      error(
        "\(path) cannot be an axis", at: keyNode,
        note: "replicates: N runs every combination with seeds seed, seed+1, …, seed+N-1")
      return nil
    }
    let all = SectionName.allPaths
    var suggestion = Suggestions.closest(to: path, among: all)
    if suggestion == nil {
      let key = parts.last ?? path
      suggestion = all.first { $0.hasSuffix("." + key) }
    }
    var note: String? = nil
    if suggestion == nil {
      if parts.count == 2, let section = SectionName(rawValue: parts[0]) {
        note = "\(section.rawValue) fields: " + Suggestions.list(section.keys)
      } else {
        note = "an axis is a field of data, model, training or log, written section.field (model.depth)"
      }
    }
    error(
      "unknown axis '\(path)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""), at: keyNode, note: note)
    return nil
  }

  /// Validates one value of a field, as the base section with that key replaced.
  func assignment(section: SectionName, key: String, path: String, value: Node) -> Assignment? {
    switch section {
    case .model:
      return sectionAssignment(ModelConfig.self, modelNodes, key: key, path: path, value: value, into: \.model)
    case .training:
      return sectionAssignment(
        TrainingConfig.self, trainingNodes, key: key, path: path, value: value, into: \.training)
    case .log:
      return sectionAssignment(LogConfig.self, logNodes, key: key, path: path, value: value, into: \.log)
    case .data:
      return dataAssignment(key: key, path: path, value: value)
    }
  }

  func sectionAssignment<C: ConfigSection>(
    _ type: C.Type, _ nodes: KeyedNodes, key: String, path: String, value: Node,
    into keyPath: WritableKeyPath<RunConfig, C>
  ) -> Assignment? {
    let merged = nodes.setting(key, to: value).node
    let decoded: C
    do {
      decoded = try YAMLDecoder().decode(C.self, from: merged)
    } catch {
      reportValueProblem(error, in: merged, prefix: C.sectionName, key: key, value: value)
      return nil
    }
    guard let access = C.fieldAccess[key] else { return nil }
    return Assignment(
      path: path, section: SectionName(rawValue: C.sectionName)!, key: key,
      canonical: canonicalText(of: decoded, key: key), isNull: value.isNull, location: location(value),
      apply: { config in access.copy(&config[keyPath: keyPath], decoded) })
  }

  func dataAssignment(key: String, path: String, value: Node) -> Assignment? {
    guard let valueNode = canonicalDataName(key: key, value: value) else { return nil }
    let merged = dataNodes.setting(key, to: valueNode).filling(from: dataDefaults).node
    let decoded: DataSpec
    do {
      decoded = try YAMLDecoder().decode(DataSpec.self, from: merged)
    } catch {
      reportValueProblem(error, in: merged, prefix: "data", key: key, value: value)
      return nil
    }
    let issues = DataSpecSupport.issues(in: decoded).filter { $0.key == key }
    for issue in issues { self.error(issue.message, at: value, note: issue.note) }
    guard issues.isEmpty else { return nil }
    return Assignment(
      path: path, section: .data, key: key, canonical: canonicalText(of: decoded, key: key),
      isNull: value.isNull, location: location(value), apply: nil, dataValue: valueNode)
  }

  /// Reports a value's decoding error at the value (or inside it, for a list's item).
  func reportValueProblem(_ error: Error, in merged: Node, prefix: String, key: String, value: Node) {
    let problem = ProblemLocator.locate(error, in: merged, prefix: prefix)
    let node = problem.firstKey == key ? problem.node : value
    self.error(problem.message, at: node, value, note: problem.note)
  }

  /// Parses a list of values; repeated values (after canonical spelling) are errors
  /// when `unique`.
  func values(
    _ items: [Node], section: SectionName, key: String, path: String, unique: Bool
  ) -> [Assignment?] {
    if refusedForSize { return [] }
    var result = [Assignment?]()
    var seen = [String: Node]()
    for item in items {
      guard let parsed = assignment(section: section, key: key, path: path, value: item) else {
        result.append(nil)
        continue
      }
      if unique, let first = seen[parsed.canonical] {
        let written = item.scalarText ?? parsed.canonical
        let firstAt = location(first).map { " (line \($0.line))" } ?? ""
        let message =
          written == parsed.canonical
          ? "duplicate value '\(written)' for \(path)\(firstAt)"
          : "duplicate value '\(written)' for \(path): same as '\(parsed.canonical)'\(firstAt)"
        error(message, at: item)
        continue
      }
      seen[parsed.canonical] = item
      result.append(parsed)
    }
    return result
  }

  /// An error when `path` already varies somewhere in the sweep.
  func isNewAxis(_ path: String, _ keyNode: Node, in sweep: SweepDefinition) -> Bool {
    guard let existing = sweep.axisIndex(path) else { return true }
    let line = sweep.axes[existing].keyLocation.map { " (line \($0.line))" } ?? ""
    error(
      "\(path) is already an axis\(line)", at: keyNode,
      note: "a field varies in one place only: grid, zip or random")
    return false
  }

  /// The list of an axis; reports a non-list and an empty list.
  func axisItems(_ value: Node, path: String, block: String) -> [Node]? {
    guard let items = value.items else {
      error(
        "\(block).\(path) must be a list of values, e.g. [a, b], got \(value.shapeDescription)", at: value)
      return nil
    }
    if items.isEmpty {
      error("empty axis: \(block).\(path) has no values", at: value, note: "an axis without values gives no runs")
      return nil
    }
    return items
  }
}

/// The canonical spelling of one field of a decoded section; `null` when absent.
func canonicalText<T: Encodable>(of value: T, key: String) -> String {
  guard case .map(let pairs) = CanonicalYAML.value(of: value) else { return "null" }
  return pairs.first { $0.key == key }?.value.inlineText ?? "null"
}
