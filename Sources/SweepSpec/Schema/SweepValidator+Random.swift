import Foundation
import GradData
import Yams

// `sweep.random`: its samples, seed and axes (lists or distributions) checked; the
// draws themselves happen in expansion (Expansion/RandomSampling.swift).

extension SweepValidator {
  static let distributionKinds = ["log_uniform", "uniform", "int_uniform"]
  static let randomKeys = ["samples", "seed", "axes"]

  // MARK: random

  func readRandom(_ node: Node, into sweep: inout SweepDefinition) {
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
}
