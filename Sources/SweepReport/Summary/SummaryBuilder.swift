import SweepResults
import Foundation
import TidyCSV

/// The one definition of summary.csv: its header, the row of one run, and the
/// rebuild of the whole file from the run folders present (after an interrupted
/// sweep, or to merge Slurm shards). The scheduler and `gradsweep report` both call it.
package enum SummaryBuilder {
  /// The axes that get a column: every axis but `seed`, which has its own column.
  package static func columnAxes(_ axes: [String]) -> [String] {
    var seen = Set<String>()
    return axes.filter { $0 != "seed" && seen.insert($0).inserted }
  }

  /// `run_id`, one column per axis (dotted path), then `SummaryRow.trailingColumns`.
  package static func summaryHeader(axes: [String]) -> [String] {
    ["run_id"] + columnAxes(axes) + SummaryRow.trailingColumns
  }

  /// The summary cells of one run from its logs already in memory.
  package static func summaryRow(
    run: ManifestRun, axes: [String], status: RunStatus, metrics: MetricsLog?, layers: LayerLog?
  ) -> [CSVCell] {
    computeRow(run: run, status: status, metrics: metrics, layers: layers).cells(axes: axes)
  }

  /// The summary cells of one run from its folder (`runs/<run_id>`): status.json,
  /// metrics.csv and layers.csv. Axis values and seed come from the manifest's `run`.
  /// Throws when status.json is absent: a run without it has not finished.
  package static func summaryRow(runFolder: URL, run: ManifestRun, axes: [String]) throws -> [CSVCell] {
    let (row, _) = try readRow(runFolder: runFolder, run: run)
    return row.cells(axes: axes)
  }

  /// Reads one run folder into a summary row, plus any warnings about its logs.
  /// A log that cannot be read, or holds a step or layer out of range (`LogBounds`),
  /// throws (`ResultsError.damaged` names the file and line): the run is not a result
  /// until it is trained again.
  package static func readRow(runFolder: URL, run: ManifestRun) throws -> (SummaryRow, [String]) {
    let (row, _, _, warnings) = try readRowAndLogs(runFolder: runFolder, run: run)
    return (row, warnings)
  }

  /// The row and the logs it was computed from (so a report reads each file once).
  /// `status`: the run's status.json when already read (`RunScan`); else it is read here.
  static func readRowAndLogs(runFolder: URL, run: ManifestRun, status known: RunStatus? = nil) throws -> (
    row: SummaryRow, metrics: MetricsLog?, layers: LayerLog?, warnings: [String]
  ) {
    guard let status = try known ?? RunStatus.read(from: runFolder.appendingPathComponent("status.json")) else {
      throw ResultsError.missingFile(
        path: runFolder.appendingPathComponent("status.json").path, what: "how the run ended")
    }
    var warnings: [String] = []
    let bounds = LogBounds.read(runFolder: runFolder, status: status)
    let metrics = try readLog(runFolder.appendingPathComponent("metrics.csv"), &warnings) {
      try MetricsLog.read($0, bounds: bounds)
    }
    let layers = try readLog(runFolder.appendingPathComponent("layers.csv"), &warnings) {
      try LayerLog.read($0, bounds: bounds)
    }
    var row = computeRow(run: run, status: status, metrics: metrics, layers: layers)
    row.addPrediction(from: runFolder)
    return (row, metrics, layers, warnings)
  }

  /// Reads a log if it exists (a failed run may have none); a cut-off last line is a warning.
  static func readLog<T>(
    _ url: URL, _ warnings: inout [String], _ read: (URL) throws -> (log: T, warning: String?)
  ) throws -> T? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let (log, warning) = try read(url)
    if let warning { warnings.append(warning) }
    return log
  }

  /// The summary row of one run.
  ///
  /// - `final_*`: from status.json when it has them (whole-set numbers after the last
  ///   update), else from metrics.csv: the last row's loss/accuracy, and the last
  ///   non-empty val_loss/val_accuracy (validation may be logged less often).
  /// - `best_val_accuracy` = max over metrics rows of finite val_accuracy.
  /// - `grad_ratio_init` / `grad_ratio_final` = shift gradient of layer 1 / of layer L
  ///   (grad_b_norm; grad_beta_norm for normalized layers) at the first / last logged
  ///   step of layers.csv, L = the last hidden layer (the largest layer index, the
  ///   output layer, minus one). IEEE division: a zero
  ///   last-layer gradient gives inf or nan, as the data says.
  /// - `steps`: status.json's, else the last logged step.
  /// - `jacobian_*_init`: metrics.csv's `log.jacobian` columns at the first logged step
  ///   (step 0), the spectrum at initialisation that Pennington et al. 2017 study.
  package static func computeRow(run: ManifestRun, status: RunStatus, metrics: MetricsLog?, layers: LayerLog?)
    -> SummaryRow
  {
    let lastRow = metrics.flatMap { $0.count > 0 ? $0.count - 1 : nil }
    func lastOf(_ column: KeyPath<MetricsLog, [Double?]>) -> Double? {
      guard let metrics, let lastRow else { return nil }
      return metrics[keyPath: column][lastRow]
    }
    func lastPresentOf(_ column: KeyPath<MetricsLog, [Double?]>) -> Double? {
      metrics.flatMap { MetricsLog.lastPresent($0[keyPath: column]) }
    }
    return SummaryRow(
      runID: run.runID, axisValues: run.axisValues, seed: run.seed, status: status.status.rawValue,
      steps: status.steps ?? metrics?.step.last,
      finalLoss: status.finalLoss ?? lastOf(\.loss),
      finalAccuracy: status.finalAccuracy ?? lastOf(\.accuracy),
      finalValLoss: status.finalValLoss ?? lastPresentOf(\.valLoss),
      finalValAccuracy: status.finalValAccuracy ?? lastPresentOf(\.valAccuracy),
      bestValAccuracy: metrics.flatMap { MetricsLog.maxFinite($0.valAccuracy) },
      gradRatioInit: layers.flatMap { l in l.firstStep.flatMap { gradientRatio(l, at: $0) } },
      gradRatioFinal: layers.flatMap { l in l.lastStep.flatMap { gradientRatio(l, at: $0) } },
      seconds: status.seconds, testLoss: status.testLoss, testAccuracy: status.testAccuracy,
      jacobianEigMeanInit: metrics?.atFirstStep(\.jacobianEigMean),
      jacobianEigVarInit: metrics?.atFirstStep(\.jacobianEigVar),
      jacobianSvMaxInit: metrics?.atFirstStep(\.jacobianSvMax))
  }

  /// The shift gradient of layer 1 over that of the last hidden layer at `step`
  /// (grad_b_norm, or grad_beta_norm for normalized layers: `LayerLog.shiftGradientProfile`);
  /// nil when the net has no hidden layer or either value is not logged.
  package static func gradientRatio(_ layers: LayerLog, at step: Int) -> Double? {
    let last = layers.hiddenLayers
    guard last >= 1 else { return nil }
    let profile = layers.shiftGradientProfile(at: step, through: last)
    guard let first = profile[0], let deepest = profile[last - 1] else { return nil }
    return first / deepest
  }

  /// The rows of every finished run (one with status.json) whose files can be read, in
  /// manifest order; `problems` says why each other run was left out (`file:line: error: …`).
  package static func rows(folder: URL, manifest: SweepManifest, scan: RunScan)
    -> (rows: [SummaryRow], warnings: [String], problems: [String])
  {
    rows(folder: folder, manifest: manifest, scan: scan, logs: { _, _, _ in })
  }

  /// As `rows(folder:manifest:scan:)`, handing each run's logs to `logs` as they are read.
  static func rows(
    folder: URL, manifest: SweepManifest, scan: RunScan, logs: (String, MetricsLog?, LayerLog?) -> Void
  ) -> (rows: [SummaryRow], warnings: [String], problems: [String]) {
    var rows: [SummaryRow] = []
    var warnings: [String] = []
    var problems = scan.damaged.compactMap(\.damage)
    let runs = folder.appendingPathComponent("runs")
    for entry in scan.finished {
      do {
        let (row, metrics, layers, w) = try readRowAndLogs(
          runFolder: runs.appendingPathComponent(entry.planned.runID), run: entry.planned, status: entry.status)
        logs(row.runID, metrics, layers)
        rows.append(row)
        warnings += w
      } catch {
        problems.append("\(error)")
      }
    }
    return (rows, warnings, problems)
  }

  /// What `rebuild(folder:)` found and wrote.
  package struct Rebuild: Sendable {
    package var summaryURL: URL
    package var rows: [SummaryRow]
    package var scan: RunScan
    package var warnings: [String]
    /// Runs left out because a file of theirs is damaged (`file:line: error: …`).
    package var problems: [String]
  }

  /// Rebuilds `summary.csv` from the run folders present: one row per planned run
  /// that wrote status.json, in manifest order. Written atomically (temp + rename),
  /// so a reader sees the old file or the new one, never half of one.
  @discardableResult
  package static func rebuild(folder: URL) throws -> Rebuild {
    let manifest = try SweepManifest.read(from: folder.appendingPathComponent("manifest.json"))
    let scan = RunScan.scan(folder: folder, manifest: manifest)
    let (rows, warnings, problems) = rows(folder: folder, manifest: manifest, scan: scan)
    let url = folder.appendingPathComponent(ResultsLayout.summaryFile)
    try write(rows: rows, axes: manifest.axes, to: url)
    return Rebuild(summaryURL: url, rows: rows, scan: scan, warnings: scan.warnings + warnings, problems: problems)
  }

  /// Writes rows as summary.csv atomically.
  package static func write(rows: [SummaryRow], axes: [String], to url: URL) throws {
    let temp = AtomicFile.temporaryURL(for: url)
    do {
      let writer = try CSVWriter(url: temp, header: summaryHeader(axes: axes))
      for row in rows { try writer.write(row.cells(axes: axes)) }
      try writer.close()
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw ResultsError.cannotWrite(path: url.path, reason: "\(error)")
    }
    try AtomicFile.commit(temp, to: url)
  }
}
