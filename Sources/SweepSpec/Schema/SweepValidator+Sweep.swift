import Foundation
import GradData
import Yams

// The `sweep:` section: grid, zip, random, exclude and include, each value checked as
// the base section with that key replaced, read into the definition's axes.

extension SweepValidator {
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
