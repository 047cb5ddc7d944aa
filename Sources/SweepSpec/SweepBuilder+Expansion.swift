import GradData
import Yams

// Expansion: grid × each zip group × random samples (first block outermost), minus
// `exclude`, plus `include`; then every combination × replicates (innermost).
//
// Each combination's config is the base config with its assignments applied (typed
// copies, no YAML decoding), the data section decoded once per distinct combination of
// data values, then checked as a whole: epochs vs steps, head vs loss vs task, model
// size, and duplicates.

struct Expansion {
  var runs: [PlannedRun] = []
  var axisValueLocations: [[String: SourceLocation]] = []
}

/// One combination before replicates: a value (or the base value: nil) per axis.
private struct Combination {
  var values: [Assignment?]
  /// The include entry it comes from (for locating problems).
  var include: Node?
}

extension SweepBuilder {
  func expand(_ sweep: inout SweepDefinition) -> Expansion {
    var expansion = Expansion()
    expansion.axisValueLocations = Array(repeating: [:], count: sweep.axes.count)
    if refusedForSize { return expansion }
    let axisCount = sweep.axes.count

    // Refuse absurd sizes before building anything: the grid's size is known from
    // its lists, the random block's from `samples`.
    let gridAxes = sweep.axes.indices.filter { sweep.axes[$0].block == .grid && !sweep.axes[$0].values.isEmpty }
    let validZipGroups = sweep.zipGroups.filter { !$0.isEmpty }
    var combinationCount = gridAxes.reduce(1.0) { $0 * Double(sweep.axes[$1].values.count) }
    for group in validZipGroups { combinationCount *= Double(sweep.axes[group[0]].values.count) }
    if let random = sweep.random { combinationCount *= Double(random.samples) }
    let total = Double(header.replicates) * (combinationCount + Double(sweep.includes.count))
    guard total <= Double(Self.maxRuns) else {
      error(
        "the sweep expands to \(ModelSize.grouped(total)) runs; gradsweep plans at most \(ModelSize.grouped(Double(Self.maxRuns)))",
        at: top["sweep"]?.key, top["replicates"]?.key,
        note: "split it into several sweep files, or sample it with sweep.random")
      return expansion
    }

    // The blocks whose product gives the combinations; each is a list of partial
    // combinations (axis index, value).
    var blocks = [[[(Int, Assignment)]]]()
    if !gridAxes.isEmpty {
      var grid: [[(Int, Assignment)]] = [[]]
      for axis in gridAxes {
        grid = grid.flatMap { partial in sweep.axes[axis].values.map { partial + [(axis, $0)] } }
      }
      blocks.append(grid)
    }
    for group in validZipGroups {
      let length = sweep.axes[group[0]].values.count
      blocks.append((0..<length).map { row in group.map { ($0, sweep.axes[$0].values[row]) } })
    }
    if let random = sweep.random {
      let count = drawRandomSamples(random, into: &sweep)
      if count > 0 {
        blocks.append((0..<count).map { row in random.axes.map { ($0.axis, sweep.axes[$0.axis].values[row]) } })
      }
    }

    var combinations = [Combination]()
    if blocks.allSatisfy({ !$0.isEmpty }) {
      var partials: [[(Int, Assignment)]] = [[]]
      for block in blocks {
        partials = partials.flatMap { partial in block.map { partial + $0 } }
      }
      combinations.reserveCapacity(partials.count + sweep.includes.count)
      for partial in partials {
        var values = [Assignment?](repeating: nil, count: axisCount)
        for (axis, value) in partial { values[axis] = value }
        combinations.append(Combination(values: values, include: nil))
      }
    }

    // exclude
    if !sweep.excludes.isEmpty {
      var used = Array(repeating: false, count: sweep.excludes.count)
      combinations.removeAll { combination in
        for (index, entry) in sweep.excludes.enumerated()
        where entry.matches.allSatisfy({ combination.values[$0.axis]?.canonical == $0.canonical }) {
          used[index] = true
          return true
        }
        return false
      }
      if !diagnostics.hasErrors {
        for (index, entry) in sweep.excludes.enumerated() where !used[index] {
          warning("this exclude entry matches no run", at: entry.node)
        }
        if combinations.isEmpty, !blocks.isEmpty {
          error("every run is excluded; nothing would run", at: sweep.excludeNode)
        }
      }
    }

    // include
    for entry in sweep.includes {
      var values = [Assignment?](repeating: nil, count: axisCount)
      for value in entry.assignments {
        if let axis = sweep.axisIndex(value.path) { values[axis] = value }
      }
      combinations.append(Combination(values: values, include: entry.node))
    }

    buildRuns(combinations, axes: sweep.axes, into: &expansion)
    return expansion
  }

  private func buildRuns(_ combinations: [Combination], axes: [Axis], into expansion: inout Expansion) {
    let baseValues = baseCanonicalValues(axes.map(\.path))
    var configs = [RunConfig]()
    var accepted = [Combination]()
    var firstOfConfig = [RunConfig: Int]()
    var dataCache = [String: DataSpec?]()
    configs.reserveCapacity(combinations.count)

    for combination in combinations {
      guard let config = resolve(combination, baseValues: baseValues, axes: axes, dataCache: &dataCache) else {
        continue
      }
      if let first = firstOfConfig[config] {
        let this = describe(combination, axes: axes, baseValues: baseValues)
        let other = describe(accepted[first], axes: axes, baseValues: baseValues)
        error(
          "duplicate run: \(this) gives the same configuration as \(other)",
          atLocation: location(combination.include) ?? combination.values.compactMap({ $0?.location }).last,
          note: "every run must differ in its resolved config; remove the repeated value or entry")
        continue
      }
      firstOfConfig[config] = accepted.count
      accepted.append(combination)
      configs.append(config)
    }

    var hasher = RunHasher()
    var ids = Set<String>()
    // An axis value's id part depends on the value alone: spell each once.
    var partCache = [[String: String]](repeating: [:], count: axes.count)
    expansion.runs.reserveCapacity(accepted.count * header.replicates)
    for (combination, config) in zip(accepted, configs) {
      var axisValues = [String]()
      var parts = [String]()
      axisValues.reserveCapacity(axes.count)
      for (index, axis) in axes.enumerated() {
        let value = combination.values[index]?.canonical ?? baseValues[index]
        axisValues.append(value)
        if let part = partCache[index][value] {
          parts.append(part)
        } else {
          let part = RunID.part(path: axis.path, value: value)
          partCache[index][value] = part
          parts.append(part)
        }
        if let assignment = combination.values[index], expansion.axisValueLocations[index][value] == nil {
          expansion.axisValueLocations[index][value] = assignment.location
        }
      }
      for replicate in 0..<header.replicates {
        var run = config
        run.seed = header.seed &+ UInt64(replicate)
        let id = RunID.make(parts: parts, seed: run.seed, hash: hasher.hash(of: run))
        if !ids.insert(id).inserted {
          error(
            "two different runs got the same id '\(id)' (a hash collision); please report this",
            at: top["sweep"]?.key)
        }
        expansion.runs.append(
          PlannedRun(index: expansion.runs.count, id: id, axisValues: axisValues, config: run, replicate: replicate))
      }
    }
  }

  /// The base config's canonical value of each path.
  private func baseCanonicalValues(_ paths: [String]) -> [String] {
    var fields = [String: String]()
    for (path, value) in base.canonicalFields() { fields[path] = value }
    return paths.map { fields[$0] ?? "null" }
  }

  /// `model.activation=relu, model.depth=8`.
  private func describe(_ combination: Combination, axes: [Axis], baseValues: [String]) -> String {
    let text = axes.indices.map { "\(axes[$0].path)=\(combination.values[$0]?.canonical ?? baseValues[$0])" }
    return text.isEmpty ? "the base configuration" : text.joined(separator: ", ")
  }

  /// The combination's config (seed left at the base seed), checked; nil when invalid.
  private func resolve(
    _ combination: Combination, baseValues: [String], axes: [Axis], dataCache: inout [String: DataSpec?]
  ) -> RunConfig? {
    var config = base
    var explicitEpochs = baseExplicitEpochs
    var explicitSteps = baseExplicitSteps
    var dataValues = [Assignment]()
    var assigned = [String: Assignment]()
    for case let value? in combination.values {
      assigned[value.path] = value
      if let apply = value.apply {
        apply(&config)
      } else {
        dataValues.append(value)
      }
      if value.path == "training.epochs" { explicitEpochs = !value.isNull }
      if value.path == "training.steps" { explicitSteps = !value.isNull }
    }
    if !dataValues.isEmpty {
      guard let data = dataSpec(for: dataValues, cache: &dataCache) else { return nil }
      config.data = data
    }
    config.data.seed = DataSpecSupport.resolvedSeed(of: config.data, sweepSeed: header.seed)

    var valid = true
    if explicitEpochs, explicitSteps, config.training.epochs != nil, config.training.steps != nil {
      error(
        TrainingConfig.bothLengthsMessage,
        atLocation: assigned["training.steps"]?.location ?? assigned["training.epochs"]?.location
          ?? location(trainingNodes.value("steps")),
        note: TrainingConfig.bothLengthsNote)
      valid = false
    }
    config.training.normalizeLength()
    for issue in config.consistencyIssues() {
      error(issue.message, atLocation: locate(issue.paths, assigned: assigned, include: combination.include), note: issue.note)
      valid = false
    }
    return valid ? config : nil
  }

  /// Where a problem involving `paths` shows in one combination: the first of those
  /// fields it assigns, else the first written in the base sections, else its section.
  private func locate(_ paths: [String], assigned: [String: Assignment], include: Node?) -> SourceLocation? {
    for path in paths {
      if let value = assigned[path] { return value.location ?? location(include) }
    }
    for path in paths {
      let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      if let node = sectionNodes(parts[0])?.value(parts[1]) { return location(node) }
    }
    for path in paths {
      let section = String(path.prefix { $0 != "." })
      if let entry = top[section] { return location(entry.key) }
    }
    return nil
  }

  private func sectionNodes(_ name: String) -> KeyedNodes? {
    switch name {
    case "data": return dataNodes
    case "model": return modelNodes
    case "training": return trainingNodes
    case "log": return logNodes
    default: return nil
    }
  }

  /// The data section for one combination of data values, decoded once and cached.
  private func dataSpec(for values: [Assignment], cache: inout [String: DataSpec?]) -> DataSpec? {
    let key = values.map { $0.path + "=" + $0.canonical }.joined(separator: "\u{1F}")
    if let cached = cache[key] { return cached }
    var nodes = dataNodes
    for value in values {
      if let node = value.dataNode { nodes = nodes.setting(value.key, to: node) }
    }
    var result: DataSpec?
    do {
      let spec = try YAMLDecoder().decode(DataSpec.self, from: nodes.filling(from: dataDefaults).node)
      let issues = DataSpecSupport.issues(in: spec)
      for issue in issues {
        let place =
          values.first { $0.key == issue.key }?.location ?? location(dataNodes.value(issue.key))
          ?? values.first?.location
        error(issue.message, atLocation: place, note: issue.note)
      }
      result = issues.isEmpty ? spec : nil
    } catch {
      let problem = ProblemLocator.locate(error, in: nodes.node, prefix: "data")
      self.error(problem.message, atLocation: values.first?.location, note: problem.note)
    }
    cache[key] = .some(result)
    return result
  }
}
