import SweepResults
import Foundation
import TidyCSV

/// A results folder as the report reads it: the manifest (every planned run), the
/// summary rows of the runs that finished, and each run's logs on demand.
///
/// summary.csv is trusted only when it is current: it must exist, have the header
/// the manifest's axes call for, list exactly the runs that wrote status.json, and
/// be newer than each status.json. Otherwise the rows are rebuilt from the run
/// folders (in memory; `ReportWriter` also rewrites the file). That is how a report
/// of an interrupted sweep, or of Slurm shards writing into one folder, shows every
/// run present.
///
/// Nothing in the folder is trusted: every finished run's logs are read here once,
/// their steps and layers checked against what the run declares (`LogBounds`) before
/// anything is sized by them. A run with a damaged file (status.json that is not a
/// status, a log with a bad line, a layer beyond the model's depth) is left out of
/// `rows` and named in `problems` (`file:line: error: …`); the other runs still report.
package struct ResultsFolder: Sendable {
  package let url: URL
  package let manifest: SweepManifest
  /// What is on disk for each planned run.
  package let scan: RunScan
  /// One row per finished run, in manifest order.
  package let rows: [SummaryRow]
  /// Whether `rows` came from summary.csv or were rebuilt (and why).
  package let summarySource: SummarySource
  /// Notes about single runs or files (a log's cut-off last line, an unplanned folder).
  package let warnings: [String]
  /// Runs left out because a file of theirs is damaged, one `file:line: error: …` each.
  package let problems: [String]
  /// What a rebuild already read of each run's logs (so the report reads each file once).
  let prefetched: [String: LogDigest]
  /// Run id → its index in `scan.entries`.
  private let entryIndex: [String: Int]

  package enum SummarySource: Sendable, Equatable {
    case file
    case rebuilt(reason: String)
  }

  package init(url: URL) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ResultsError.notAFolder(path: url.path)
    }
    self.url = url
    manifest = try SweepManifest.read(from: url.appendingPathComponent("manifest.json"))
    scan = RunScan.scan(folder: url, manifest: manifest)
    entryIndex = Dictionary(
      scan.entries.enumerated().map { ($1.planned.runID, $0) }, uniquingKeysWith: { first, _ in first })
    var digests: [String: LogDigest] = [:]
    let (rebuilt, warnings, problems) = SummaryBuilder.rows(folder: url, manifest: manifest, scan: scan) {
      id, metrics, layers in digests[id] = LogDigest(metrics: metrics, layers: layers)
    }
    prefetched = digests
    self.warnings = scan.warnings + warnings
    self.problems = problems
    let summaryURL = url.appendingPathComponent(ResultsLayout.summaryFile)
    switch Self.readCurrentSummary(summaryURL, manifest: manifest, scan: scan) {
    case .success(let fileRows):
      let readable = fileRows.filter { digests[$0.runID] != nil }
      rows = readable
      summarySource =
        readable.count == fileRows.count
        ? .file : .rebuilt(reason: "\(fileRows.count - readable.count) of its runs have damaged files and are left out")
    case .failure(let stale):
      rows = rebuilt
      summarySource = .rebuilt(reason: stale.reason)
    }
  }

  /// The axes the report groups by (the manifest's, without `seed`).
  package var axes: [String] { SummaryBuilder.columnAxes(manifest.axes) }

  /// The `report:` section of the sweep.
  package var reportSpec: ReportSpec { manifest.report }

  /// `runs/<runID>`.
  package func runFolder(_ runID: String) -> URL {
    url.appendingPathComponent("runs").appendingPathComponent(runID)
  }

  /// A run's metrics.csv, read now (steps checked: `LogBounds`); nil when the file is absent.
  package func metrics(for runID: String) throws -> MetricsLog? {
    let file = runFolder(runID).appendingPathComponent("metrics.csv")
    guard FileManager.default.fileExists(atPath: file.path) else { return nil }
    return try MetricsLog.read(file, bounds: bounds(runID)).log
  }

  /// A run's layers.csv, read now (steps and layers checked: `LogBounds`); nil when the
  /// file is absent.
  package func layers(for runID: String) throws -> LayerLog? {
    let file = runFolder(runID).appendingPathComponent("layers.csv")
    guard FileManager.default.fileExists(atPath: file.path) else { return nil }
    return try LayerLog.read(file, bounds: bounds(runID)).log
  }

  private func bounds(_ runID: String) -> LogBounds {
    let status = entryIndex[runID].flatMap { scan.entries[$0].status }
    return LogBounds.read(runFolder: runFolder(runID), status: status)
  }

  /// Planned runs that left no status.json (never ran, still running, or killed).
  package var missingRuns: [RunScan.Entry] { scan.unfinished }

  struct StaleSummary: Error { var reason: String }

  /// summary.csv's rows if the file is current, else why not.
  static func readCurrentSummary(_ url: URL, manifest: SweepManifest, scan: RunScan) -> Result<[SummaryRow], StaleSummary> {
    let fm = FileManager.default
    guard fm.fileExists(atPath: url.path) else { return .failure(StaleSummary(reason: "summary.csv is missing")) }
    let table: CSVTable
    do {
      table = try CSVTable(contentsOf: url)
    } catch {
      return .failure(StaleSummary(reason: "summary.csv cannot be read (\(error))"))
    }
    let expected = SummaryBuilder.summaryHeader(axes: manifest.axes)
    guard table.header == expected else {
      return .failure(StaleSummary(reason: "summary.csv's columns differ from the manifest's axes"))
    }
    let axes = SummaryBuilder.columnAxes(manifest.axes)
    let rows = table.records.map { SummaryRow(record: $0, axes: axes) }
    let finished = scan.finished
    guard Set(rows.map(\.runID)) == Set(finished.map(\.planned.runID)), rows.count == finished.count else {
      return .failure(
        StaleSummary(reason: "summary.csv lists \(rows.count) runs but \(finished.count) run folders have finished"))
    }
    if let summaryDate = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
      finished.contains(where: { ($0.statusModified ?? .distantPast) > summaryDate })
    {
      return .failure(StaleSummary(reason: "a run finished after summary.csv was written"))
    }
    let byID = Dictionary(rows.map { ($0.runID, $0) }, uniquingKeysWith: { a, _ in a })
    return .success(finished.compactMap { byID[$0.planned.runID] })
  }
}
