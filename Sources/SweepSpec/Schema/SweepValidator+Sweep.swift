import Foundation
import GradData
import Yams

// The `sweep:` section: grid, zip, random, exclude and include, each value checked as
// the base section with that key replaced, read into the definition's axes.

extension SweepValidator {
  static let distributionKinds = ["log_uniform", "uniform", "int_uniform"]
  static let randomKeys = ["samples", "seed", "axes"]

  func readSweep(_ entry: (key: Node, value: Node)?) -> SweepDefinition {
    var sweep = SweepDefinition()
    let blocks = sectionEntries(entry, name: "sweep", allowed: Self.sweepKeys)
    refuseIfTooLarge(blocks)
    if let grid = blocks.value("grid") { readGrid(grid, into: &sweep) }
    if let zip = blocks.value("zip") { readZip(zip, into: &sweep) }
    if let random = blocks.value("random") { readRandom(random, into: &sweep) }
    if let exclude = blocks.value("exclude") {
      sweep.excludeLocation = location(blocks.keyNode("exclude"))
      readExclude(exclude, into: &sweep)
    }
    if let include = blocks.value("include") { readInclude(include, into: &sweep) }
    return sweep
  }

  /// Refuses a sweep whose axis lengths alone give more than `maxRuns` runs, counted
  /// from the list lengths before any value is read (a million-value axis costs the
  /// parse, not a million validations): grid lists multiply, a zip group counts its
  /// longest list, random its `samples`, plus the include entries, times replicates.
  private func refuseIfTooLarge(_ blocks: KeyedNodes) {
    var combinations = 1.0
    if let grid = blocks.value("grid")?.pairs {
      for (_, value) in grid { combinations *= Double(max(1, value.items?.count ?? 1)) }
    }
    if let zip = blocks.value("zip") {
      for group in zip.pairs != nil ? [zip] : (zip.items ?? []) {
        let longest = (group.pairs ?? []).map { $0.1.items?.count ?? 1 }.max() ?? 1
        combinations *= Double(max(1, longest))
      }
    }
    if let samples = blocks.value("random")?.pairs?.first(where: { $0.0.scalarText == "samples" })?.1.scalarText
      .flatMap(Double.init)
    {
      combinations *= max(1, samples)
    }
    let includes = Double(blocks.value("include")?.items?.count ?? 0)
    let total = Double(header.replicates) * (combinations + includes)
    guard total > Double(Self.maxRuns) else { return }
    refusedForSize = true
    let problem = SweepExpansion.tooManyRuns(total, at: location(top["sweep"]?.key) ?? location(top["replicates"]?.key))
    error(problem.message, atLocation: problem.location, note: problem.note)
  }

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

  private func sectionAssignment<C: ConfigSection>(
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

  private func dataAssignment(key: String, path: String, value: Node) -> Assignment? {
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
  private func reportValueProblem(_ error: Error, in merged: Node, prefix: String, key: String, value: Node) {
    let problem = ProblemLocator.locate(error, in: merged, prefix: prefix)
    let node = problem.firstKey == key ? problem.node : value
    self.error(problem.message, at: node, value, note: problem.note)
  }

  /// Parses a list of values; repeated values (after canonical spelling) are errors
  /// when `unique`.
  private func values(
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
  private func isNewAxis(_ path: String, _ keyNode: Node, in sweep: SweepDefinition) -> Bool {
    guard let existing = sweep.axisIndex(path) else { return true }
    let line = sweep.axes[existing].keyLocation.map { " (line \($0.line))" } ?? ""
    error(
      "\(path) is already an axis\(line)", at: keyNode,
      note: "a field varies in one place only: grid, zip or random")
    return false
  }

  /// The list of an axis; reports a non-list and an empty list.
  private func axisItems(_ value: Node, path: String, block: String) -> [Node]? {
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

  // MARK: grid

  private func readGrid(_ node: Node, into sweep: inout SweepDefinition) {
    guard !node.isNull else { return }
    guard let pairs = node.pairs else {
      error(
        "sweep.grid must map field paths to lists of values (model.depth: [2, 4, 8]), got \(node.shapeDescription)",
        at: node)
      return
    }
    for (keyNode, value) in pairs {
      guard let (section, key, path) = resolvePath(keyNode, context: "sweep.grid"),
        isNewAxis(path, keyNode, in: sweep),
        let items = axisItems(value, path: path, block: "sweep.grid")
      else { continue }
      let parsed = values(items, section: section, key: key, path: path, unique: true).compactMap { $0 }
      sweep.axes.append(Axis(path: path, keyLocation: location(keyNode), values: parsed, block: .grid))
    }
  }

  // MARK: zip

  private func readZip(_ node: Node, into sweep: inout SweepDefinition) {
    guard !node.isNull else { return }
    let groups: [Node]
    if node.pairs != nil {
      groups = [node]
    } else if let items = node.items {
      groups = items
    } else {
      error(
        "sweep.zip must map field paths to equally long lists (or be a list of such groups), got \(node.shapeDescription)",
        at: node)
      return
    }
    for group in groups {
      guard let pairs = group.pairs else {
        error("a sweep.zip group must map field paths to lists, got \(group.shapeDescription)", at: group)
        continue
      }
      let groupNumber = sweep.zipGroups.count
      var members = [Int]()
      var complete = true
      var firstLength: (path: String, count: Int)?
      for (keyNode, value) in pairs {
        guard let (section, key, path) = resolvePath(keyNode, context: "sweep.zip"),
          isNewAxis(path, keyNode, in: sweep),
          let items = axisItems(value, path: path, block: "sweep.zip")
        else {
          complete = false
          continue
        }
        if let first = firstLength, first.count != items.count {
          error(
            "sweep.zip lists must have equal lengths: \(path) has \(items.count) values, \(first.path) has \(first.count)",
            at: value)
          complete = false
        }
        if firstLength == nil { firstLength = (path, items.count) }
        let parsed = values(items, section: section, key: key, path: path, unique: false)
        if parsed.contains(where: { $0 == nil }) { complete = false }
        members.append(sweep.axes.count)
        sweep.axes.append(
          Axis(path: path, keyLocation: location(keyNode), values: parsed.compactMap { $0 }, block: .zip(group: groupNumber)))
      }
      sweep.zipGroups.append(complete ? members : [])
    }
  }

  // MARK: random

  private func readRandom(_ node: Node, into sweep: inout SweepDefinition) {
    guard !node.isNull else { return }
    guard node.pairs != nil else {
      error("sweep.random must be a mapping (samples:, seed:, axes:), got \(node.shapeDescription)", at: node)
      return
    }
    let entries = sectionEntries((node, node), name: "sweep.random", allowed: Self.randomKeys)
    var samples = 0
    if let samplesNode = entries.value("samples") {
      samples = integer(samplesNode, name: "sweep.random.samples", atLeast: 1, atMost: Self.maxRuns) ?? 0
    } else {
      error("sweep.random needs samples: N (how many combinations to draw)", at: node)
    }
    var seed = header.seed
    if let seedNode = entries.value("seed") {
      if let value = seedNode.scalar.flatMap(UInt64.construct) {
        seed = value
      } else {
        error("sweep.random.seed must be a non-negative integer, got \(seedNode.shapeDescription)", at: seedNode)
      }
    }
    var block = RandomBlock(samples: samples, seed: seed, samplesLocation: location(entries.value("samples")), axes: [])
    guard let axesNode = entries.value("axes") else {
      error("sweep.random needs axes: {field.path: [values] or {log_uniform: [a, b]}, …}", at: node)
      return
    }
    guard let pairs = axesNode.pairs else {
      error("sweep.random.axes must map field paths to lists or distributions, got \(axesNode.shapeDescription)", at: axesNode)
      return
    }
    var complete = true
    for (keyNode, value) in pairs {
      guard let (section, key, path) = resolvePath(keyNode, context: "sweep.random.axes"),
        isNewAxis(path, keyNode, in: sweep)
      else {
        complete = false
        continue
      }
      let distribution: Distribution?
      if value.items != nil {
        distribution = axisItems(value, path: path, block: "sweep.random.axes").map {
          .list(values($0, section: section, key: key, path: path, unique: true).compactMap { $0 })
        }
      } else {
        distribution = readDistribution(value, section: section, key: key, path: path)
      }
      guard let distribution else {
        complete = false
        continue
      }
      block.axes.append(
        RandomAxis(
          axis: sweep.axes.count, distribution: distribution, location: location(value),
          value: drawnValue(section: section, key: key, path: path, node: value)))
      sweep.axes.append(Axis(path: path, keyLocation: location(keyNode), values: [], block: .random))
    }
    if complete, samples > 0, !block.axes.isEmpty { sweep.random = block }
  }

  /// `{log_uniform: [a, b]}`, `{uniform: [a, b]}` or `{int_uniform: [a, b]}`, checked
  /// against the field: endpoints must be valid values (so every draw is).
  private func readDistribution(_ node: Node, section: SectionName, key: String, path: String) -> Distribution? {
    let where_ = "sweep.random.axes.\(path)"
    guard let pairs = node.pairs, pairs.count == 1, let kindNode = pairs.first?.key,
      let kind = kindNode.scalarText
    else {
      error(
        "\(where_) must be a list of values or one distribution ({log_uniform: [a, b]}, {uniform: [a, b]}, {int_uniform: [a, b]}), got \(node.shapeDescription)",
        at: node)
      return nil
    }
    guard Self.distributionKinds.contains(kind) else {
      error(
        "unknown distribution '\(kind)'" + Suggestions.didYouMean(kind, among: Self.distributionKinds), at: kindNode,
        note: "distributions: " + Suggestions.list(Self.distributionKinds))
      return nil
    }
    let bounds = pairs[0].value
    guard let items = bounds.items, items.count == 2 else {
      error("\(kind) takes two bounds [low, high], got \(bounds.shapeDescription)", at: bounds)
      return nil
    }
    let isInteger = kind == "int_uniform"
    var numbers = [Double]()
    for item in items {
      let value: Double? =
        isInteger ? item.scalar.flatMap(Int.construct).map(Double.init) : item.scalar.flatMap(Double.construct)
      // Integer bounds stay within ±2⁵³ so every draw is exact as a Double too.
      guard let value, value.isFinite, !isInteger || abs(value) <= 9_007_199_254_740_992 else {
        let must = isInteger ? "integers within ±2^53" : "finite numbers"
        error("\(kind) bounds must be \(must), got \(item.shapeDescription)", at: item)
        return nil
      }
      numbers.append(value)
    }
    let (low, high) = (numbers[0], numbers[1])
    guard low <= high else {
      error("\(kind) bounds must be [low, high] with low ≤ high, got [\(items[0].scalarText!), \(items[1].scalarText!)]", at: bounds)
      return nil
    }
    if kind == "log_uniform", low <= 0 {
      error("log_uniform bounds must be greater than 0, got \(items[0].scalarText!)", at: items[0])
      return nil
    }
    if let fieldIsInteger = numericField(section: section, key: key) {
      if fieldIsInteger, !isInteger {
        error("\(path) takes whole numbers: use int_uniform", at: kindNode)
        return nil
      }
    } else if section != .data {
      error("\(path) is not numeric: give a list of values instead of \(kind)", at: kindNode)
      return nil
    }
    // Every draw lies between the bounds; fields accept intervals, so checking both
    // bounds checks every draw.
    for (item, number) in zip(items, numbers) {
      let text = isInteger ? String(Int(number)) : CanonicalYAML.double(number)
      guard assignment(section: section, key: key, path: path, value: .scalar(text, at: item.mark)) != nil else {
        return nil
      }
    }
    switch kind {
    case "log_uniform": return .logUniform(low, high)
    case "uniform": return .uniform(low, high)
    default: return .intUniform(Int(low), Int(high))
    }
  }

  /// How a number drawn for a random axis becomes a value of the field: set directly
  /// for model/training/log fields, decoded like a written value for data fields (the
  /// bounds were checked, so every draw is valid; nil otherwise).
  func drawnValue(section: SectionName, key: String, path: String, node: Node) -> (Double, String) -> Assignment? {
    let location = location(node)
    func direct<C: ConfigSection>(_ base: C, into keyPath: WritableKeyPath<RunConfig, C>) -> (Double, String) -> Assignment? {
      guard let access = C.fieldAccess[key], let set = access.setNumber else { return { _, _ in nil } }
      return { number, _ in
        var value = base
        set(&value, number)
        return Assignment(
          path: path, section: section, key: key, canonical: canonicalText(of: value, key: key), isNull: false,
          location: location, apply: { config in access.copy(&config[keyPath: keyPath], value) })
      }
    }
    switch section {
    case .model: return direct(base.model, into: \.model)
    case .training: return direct(base.training, into: \.training)
    case .log: return direct(base.log, into: \.log)
    case .data:
      let (nodes, defaults, mark) = (dataNodes, dataDefaults, node.mark)
      return { _, text in
        let value = Node.scalar(text, at: mark)
        let merged = nodes.setting(key, to: value).filling(from: defaults).node
        guard let decoded = try? YAMLDecoder().decode(DataSpec.self, from: merged),
          !DataSpecSupport.issues(in: decoded).contains(where: { $0.key == key })
        else { return nil }
        return Assignment(
          path: path, section: .data, key: key, canonical: canonicalText(of: decoded, key: key), isNull: false,
          location: location, apply: nil, dataValue: value)
      }
    }
  }

  /// Whether a model/training/log field is numeric: true for integers, false for reals,
  /// nil when it is not numeric (or is a data field, checked by decoding instead).
  func numericField(section: SectionName, key: String) -> Bool? {
    func check<C: ConfigSection>(_ type: C.Type) -> Bool? {
      guard let access = C.fieldAccess[key], access.setNumber != nil else { return nil }
      return access.isInteger
    }
    switch section {
    case .model: return check(ModelConfig.self)
    case .training: return check(TrainingConfig.self)
    case .log: return check(LogConfig.self)
    case .data: return nil
    }
  }

  /// An integer setting of the sweep block itself (not a config field).
  func integer(_ node: Node, name: String, atLeast minimum: Int, atMost maximum: Int) -> Int? {
    guard let value = node.scalar.flatMap(Int.construct) else {
      error("\(name) must be an integer, got \(node.shapeDescription)", at: node)
      return nil
    }
    guard value >= minimum else {
      error("\(name) must be at least \(minimum), got \(value)", at: node)
      return nil
    }
    guard value <= maximum else {
      error("\(name) must be at most \(maximum), got \(value)", at: node)
      return nil
    }
    return value
  }

  // MARK: exclude and include

  private func readExclude(_ node: Node, into sweep: inout SweepDefinition) {
    guard !node.isNull else { return }
    guard let items = node.items else {
      error(
        "sweep.exclude must be a list of partial assignments (- {model.activation: relu, model.depth: 2}), got \(node.shapeDescription)",
        at: node)
      return
    }
    let axisPaths = sweep.axes.map(\.path)
    for item in items {
      guard let pairs = item.pairs, !pairs.isEmpty else {
        error("an exclude entry maps axis paths to values ({model.depth: 2}), got \(item.shapeDescription)", at: item)
        continue
      }
      var matches = [(axis: Int, canonical: String)]()
      var complete = true
      for (keyNode, value) in pairs {
        guard let (section, key, path) = resolvePath(keyNode, context: "sweep.exclude") else {
          complete = false
          continue
        }
        guard let axis = sweep.axisIndex(path) else {
          error(
            "exclude: \(path) is not an axis of this sweep" + Suggestions.didYouMean(path, among: axisPaths),
            at: keyNode, note: axisPaths.isEmpty ? "this sweep has no axes" : "axes: " + Suggestions.list(axisPaths))
          complete = false
          continue
        }
        guard let parsed = assignment(section: section, key: key, path: path, value: value) else {
          complete = false
          continue
        }
        matches.append((axis, parsed.canonical))
      }
      if complete { sweep.excludes.append(ExcludeEntry(location: location(item), matches: matches)) }
    }
  }

  private func readInclude(_ node: Node, into sweep: inout SweepDefinition) {
    guard !node.isNull else { return }
    guard let items = node.items else {
      error(
        "sweep.include must be a list of runs given as assignments (- {model.activation: selu, model.initializer: lecun_normal}), got \(node.shapeDescription)",
        at: node)
      return
    }
    for item in items {
      guard let pairs = item.pairs, !pairs.isEmpty else {
        error("an include entry maps field paths to values ({model.depth: 64}), got \(item.shapeDescription)", at: item)
        continue
      }
      var assignments = [Assignment]()
      var complete = true
      for (keyNode, value) in pairs {
        guard let (section, key, path) = resolvePath(keyNode, context: "sweep.include"),
          let parsed = assignment(section: section, key: key, path: path, value: value)
        else {
          complete = false
          continue
        }
        if sweep.axisIndex(path) == nil {
          sweep.axes.append(Axis(path: path, keyLocation: location(keyNode), values: [], block: .include))
        }
        assignments.append(parsed)
      }
      if complete { sweep.includes.append(IncludeEntry(location: location(item), assignments: assignments)) }
    }
  }
}

/// The canonical spelling of one field of a decoded section; `null` when absent.
func canonicalText<T: Encodable>(of value: T, key: String) -> String {
  guard case .map(let pairs) = CanonicalYAML.value(of: value) else { return "null" }
  return pairs.first { $0.key == key }?.value.inlineText ?? "null"
}
