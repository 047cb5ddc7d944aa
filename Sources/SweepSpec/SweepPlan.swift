import SweepResults

/// One run of a sweep, fully resolved.
package struct PlannedRun: Sendable, Hashable {
  /// 0-based position in the plan (combinations in sweep order, replicates innermost).
  package let index: Int
  /// Stable id: readable axis parts, `s<seed>`, and a hash of the resolved config
  /// (see `RunID`). The same resolved config and seed always give the same id.
  package let id: String
  /// One canonical value per `SweepPlan.axisPaths` entry (e.g. "sigmoid", "8", "0.1").
  package let axisValues: [String]
  package let config: RunConfig
  /// 0-based replicate number: the run's seed is the sweep's seed + replicate.
  package let replicate: Int

  package init(index: Int, id: String, axisValues: [String], config: RunConfig, replicate: Int) {
    self.index = index
    self.id = id
    self.axisValues = axisValues
    self.config = config
    self.replicate = replicate
  }

  /// The run's seed (`config.seed`).
  package var seed: UInt64 { config.seed }
}

/// A validated sweep expanded into its runs.
package struct SweepPlan: Sendable {
  /// Names the results folder (`results/<name>/`); the file name when the file gives none.
  package let name: String
  package let description: String
  /// The sweep file as given, and its text (copied to `results/<name>/sweep.yaml`).
  package let sourcePath: String
  package let sourceText: String
  /// The sweep as it runs, what `results/<name>/sweep.yaml` records: `sourceText`, or
  /// with command-line overrides the merged sweep under a header naming them.
  package let effectiveText: String
  /// The command-line overrides applied, in order (empty for a plain file).
  package let overrides: [String]
  /// The sweep's base seed; replicate r runs with seed + r.
  package let seed: UInt64
  package let replicates: Int
  /// Dotted paths of the varied fields, in sweep order: grid, zip, random, then fields
  /// only `include` sets. Seeds are not an axis (each run has its own `seed`).
  package let axisPaths: [String]
  /// The `zip` groups of two or more fields, as axis paths: each group varies as one
  /// axis (its lists are read in step), so a report compares its combinations, not
  /// each field on its own.
  package let zipGroups: [[String]]
  package let runs: [PlannedRun]
  package let report: ReportSpec
  package let reference: ReferenceSection?
  /// Non-fatal findings (e.g. an `exclude` entry that matches no run).
  package let warnings: [Diagnostic]

  /// Where each key path's value is written (`data.path`, `sweep.grid.model.depth[2]`).
  let keyPathLocations: [String: SourceLocation]
  /// Per axis: canonical value → where that value is written (a random draw: its distribution).
  let axisValueLocations: [[String: SourceLocation]]

  init(
    name: String, description: String, sourcePath: String, sourceText: String, effectiveText: String? = nil,
    overrides: [String] = [], seed: UInt64, replicates: Int,
    axisPaths: [String], zipGroups: [[String]] = [], runs: [PlannedRun], report: ReportSpec, reference: ReferenceSection?,
    warnings: [Diagnostic], keyPathLocations: [String: SourceLocation],
    axisValueLocations: [[String: SourceLocation]]
  ) {
    self.name = name
    self.description = description
    self.sourcePath = sourcePath
    self.sourceText = sourceText
    self.effectiveText = effectiveText ?? sourceText
    self.overrides = overrides
    self.seed = seed
    self.replicates = replicates
    self.axisPaths = axisPaths
    self.zipGroups = zipGroups
    self.runs = runs
    self.report = report
    self.reference = reference
    self.warnings = warnings
    self.keyPathLocations = keyPathLocations
    self.axisValueLocations = axisValueLocations
  }

  /// Where the value at `keyPath` is written in the sweep file: dotted keys, list items
  /// as `[i]` (`data.path`, `model.widths[1]`, `sweep.grid.model.depth[2]`). When the key
  /// is absent, its section's location; nil when neither is written.
  package func location(ofKeyPath keyPath: String) -> SourceLocation? {
    if let location = keyPathLocations[keyPath] { return location }
    guard let dot = keyPath.firstIndex(of: ".") else { return nil }
    return keyPathLocations[String(keyPath[..<dot])]
  }

  /// Where `run`'s value of the config field `keyPath` comes from: its axis value when
  /// the field is an axis (so an error about one run's `data.path` points at that
  /// value), otherwise the base section.
  package func location(ofKeyPath keyPath: String, in run: PlannedRun) -> SourceLocation? {
    if let axis = axisPaths.firstIndex(of: keyPath), run.axisValues.indices.contains(axis),
      let location = axisValueLocations[axis][run.axisValues[axis]]
    {
      return location
    }
    return location(ofKeyPath: keyPath)
  }

  /// A diagnostic at `location` with the sweep file's source line, for errors found
  /// after loading (a data file that does not exist, …).
  package func diagnostic(at location: SourceLocation?, message: String, note: String? = nil) -> Diagnostic {
    guard let location else {
      return Diagnostic(file: sourcePath, line: 0, column: 0, message: message, note: note)
    }
    // Past the file's lines: override k, shown as line k of `command line`.
    let fileLines = SourceLines(sourceText).count
    if !overrides.isEmpty, location.line > fileLines, overrides.indices.contains(location.line - fileLines - 1) {
      return Diagnostic(
        file: "command line", line: location.line - fileLines, column: location.column, message: message,
        sourceLine: overrides[location.line - fileLines - 1], note: note)
    }
    return Diagnostic(at: location, in: sourceText, message: message, note: note)
  }

  /// `run`'s value of axis `path`, nil when `path` is not an axis.
  package func axisValue(_ path: String, of run: PlannedRun) -> String? {
    axisPaths.firstIndex(of: path).map { run.axisValues[$0] }
  }
}
