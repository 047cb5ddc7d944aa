import GradData

// Expansion: grid × each zip group × random samples (first block outermost), minus
// `exclude`, plus `include`; then every combination × replicates (innermost).
//
// Each combination's config is the base config with its assignments applied (typed
// copies, no YAML decoding), the data section resolved once per distinct combination
// of data values, then checked as a whole: epochs vs steps, head vs loss vs task, model
// size, and duplicates. A pure function of the definition: no parser, no file, no
// global state (the random block's generator is seeded from the definition).

/// The runs of a sweep and what expanding it found.
struct Expansion {
  var runs: [PlannedRun] = []
  /// Per axis: canonical value → where that value is written.
  var axisValueLocations: [[String: SourceLocation]] = []
  var problems: [ExpansionProblem] = []

  var hasErrors: Bool { problems.contains { $0.severity == .error } }
}

/// One combination before replicates: a value (or the base value: nil) per axis.
private struct Combination {
  var values: [Assignment?]
  /// Where the include entry it comes from is written (for locating problems).
  var include: SourceLocation?
}

enum SweepExpansion {
  /// Plans larger than this are refused (each run is a folder of CSV files).
  static let maxRuns = 100_000

  /// Expands `definition` into runs. `priorErrors`: validation already failed, so an
  /// unused exclude entry or an empty plan is not worth a message of its own.
  static func expand(_ definition: SweepDefinition, priorErrors: Bool = false) -> Expansion {
    var sweep = definition
    var expansion = Expansion()
    expansion.axisValueLocations = Array(repeating: [:], count: sweep.axes.count)
    let axisCount = sweep.axes.count

    // Refuse absurd sizes before building anything: the grid's size is known from
    // its lists, the random block's from `samples`.
    let gridAxes = sweep.axes.indices.filter { sweep.axes[$0].block == .grid && !sweep.axes[$0].values.isEmpty }
    let validZipGroups = sweep.zipGroups.filter { !$0.isEmpty }
    var combinationCount = gridAxes.reduce(1.0) { $0 * Double(sweep.axes[$1].values.count) }
    for group in validZipGroups { combinationCount *= Double(sweep.axes[group[0]].values.count) }
    if let random = sweep.random { combinationCount *= Double(random.samples) }
    let total = Double(sweep.replicates) * (combinationCount + Double(sweep.includes.count))
    guard total <= Double(maxRuns) else {
      expansion.problems.append(tooManyRuns(total, at: sweep.sweepLocation))
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
      let drawn = RandomDraw.samples(random)
      expansion.problems += drawn.problems
      for (position, axis) in random.axes.enumerated() {
        sweep.axes[axis.axis].values = drawn.samples.map { $0[position] }
      }
      if !drawn.samples.isEmpty {
        blocks.append((0..<drawn.samples.count).map { row in random.axes.map { ($0.axis, sweep.axes[$0.axis].values[row]) } })
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
      if !priorErrors, !expansion.hasErrors {
        for (index, entry) in sweep.excludes.enumerated() where !used[index] {
          expansion.problems.append(
            ExpansionProblem(message: "this exclude entry matches no run", location: entry.location, severity: .warning))
        }
        if combinations.isEmpty, !blocks.isEmpty {
          expansion.problems.append(
            ExpansionProblem(message: "every run is excluded; nothing would run", location: sweep.excludeLocation))
        }
      }
    }

    // include
    for entry in sweep.includes {
      var values = [Assignment?](repeating: nil, count: axisCount)
      for value in entry.assignments {
        if let axis = sweep.axisIndex(value.path) { values[axis] = value }
      }
      combinations.append(Combination(values: values, include: entry.location))
    }

    buildRuns(combinations, sweep, into: &expansion)
    return expansion
  }

  /// "the sweep expands to N runs; gradsweep plans at most 100,000".
  static func tooManyRuns(_ total: Double, at location: SourceLocation?) -> ExpansionProblem {
    ExpansionProblem(
      message:
        "the sweep expands to \(ModelSize.grouped(total)) runs; gradsweep plans at most \(ModelSize.grouped(Double(maxRuns)))",
      location: location, note: "split it into several sweep files, or sample it with sweep.random")
  }

  private static func buildRuns(_ combinations: [Combination], _ sweep: SweepDefinition, into expansion: inout Expansion) {
    let axes = sweep.axes
    let baseValues = baseCanonicalValues(axes.map(\.path), base: sweep.base)
    var configs = [RunConfig]()
    var accepted = [Combination]()
    var firstOfConfig = [RunConfig: Int]()
    var dataCache = [String: DataSpec?]()
    configs.reserveCapacity(combinations.count)

    for combination in combinations {
      guard
        let config = resolve(
          combination, sweep, dataCache: &dataCache, problems: &expansion.problems)
      else { continue }
      if let first = firstOfConfig[config] {
        let this = describe(combination, axes: axes, baseValues: baseValues)
        let other = describe(accepted[first], axes: axes, baseValues: baseValues)
        expansion.problems.append(
          ExpansionProblem(
            message: "duplicate run: \(this) gives the same configuration as \(other)",
            location: combination.include ?? combination.values.compactMap({ $0?.location }).last,
            note: "every run must differ in its resolved config; remove the repeated value or entry"))
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
    expansion.runs.reserveCapacity(accepted.count * sweep.replicates)
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
      for replicate in 0..<sweep.replicates {
        var run = config
        run.seed = sweep.seed &+ UInt64(replicate)
        let id = RunID.make(parts: parts, seed: run.seed, hash: hasher.hash(of: run))
        if !ids.insert(id).inserted {
          expansion.problems.append(
            ExpansionProblem(
              message: "two different runs got the same id '\(id)' (a hash collision); please report this",
              location: sweep.sweepLocation))
        }
        expansion.runs.append(
          PlannedRun(index: expansion.runs.count, id: id, axisValues: axisValues, config: run, replicate: replicate))
      }
    }
  }

  /// The base config's canonical value of each path.
  private static func baseCanonicalValues(_ paths: [String], base: RunConfig) -> [String] {
    var fields = [String: String]()
    for (path, value) in base.canonicalFields() { fields[path] = value }
    return paths.map { fields[$0] ?? "null" }
  }

  /// `model.activation=relu, model.depth=8`.
  private static func describe(_ combination: Combination, axes: [Axis], baseValues: [String]) -> String {
    let text = axes.indices.map { "\(axes[$0].path)=\(combination.values[$0]?.canonical ?? baseValues[$0])" }
    return text.isEmpty ? "the base configuration" : text.joined(separator: ", ")
  }

  /// The combination's config (seed left at the base seed), checked; nil when invalid.
  private static func resolve(
    _ combination: Combination, _ sweep: SweepDefinition, dataCache: inout [String: DataSpec?],
    problems: inout [ExpansionProblem]
  ) -> RunConfig? {
    var config = sweep.base
    var explicitEpochs = sweep.baseExplicitEpochs
    var explicitSteps = sweep.baseExplicitSteps
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
      let key = dataValues.map { $0.path + "=" + $0.canonical }.joined(separator: "\u{1F}")
      let data: DataSpec?
      if let cached = dataCache[key] {
        data = cached
      } else {
        let resolution = sweep.resolveData(dataValues)
        problems += resolution.problems
        data = resolution.spec
        dataCache[key] = .some(data)
      }
      guard let data else { return nil }
      config.data = data
    }
    config.data.seed = DataSpecSupport.resolvedSeed(of: config.data, sweepSeed: sweep.seed)

    var valid = true
    if explicitEpochs, explicitSteps, config.training.epochs != nil, config.training.steps != nil {
      problems.append(
        ExpansionProblem(
          message: TrainingConfig.bothLengthsMessage,
          location: assigned["training.steps"]?.location ?? assigned["training.epochs"]?.location
            ?? sweep.baseLocations["training.steps"],
          note: TrainingConfig.bothLengthsNote))
      valid = false
    }
    config.training.normalizeLength()
    for issue in config.consistencyIssues() {
      problems.append(
        ExpansionProblem(
          message: issue.message, location: locate(issue.paths, assigned: assigned, combination, sweep),
          note: issue.note))
      valid = false
    }
    return valid ? config : nil
  }

  /// Where a problem involving `paths` shows in one combination: the first of those
  /// fields it assigns, else the first written in the base sections, else its section.
  private static func locate(
    _ paths: [String], assigned: [String: Assignment], _ combination: Combination, _ sweep: SweepDefinition
  ) -> SourceLocation? {
    for path in paths {
      if let value = assigned[path] { return value.location ?? combination.include }
    }
    for path in paths where path.contains(".") {
      if let location = sweep.baseLocations[path] { return location }
    }
    for path in paths {
      if let location = sweep.baseLocations[String(path.prefix { $0 != "." })] { return location }
    }
    return nil
  }
}
