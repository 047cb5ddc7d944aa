import Foundation
import SweepResults

/// `gradsweep status`: what a results folder holds — every planned run (manifest.json)
/// counted by how it ended, and the runs that need attention listed with why.
///
/// Reads only manifest.json, the runs' status.json files and the names in `runs/`, so
/// it is instant on any sweep and safe to call while the sweep is running.
package struct SweepStatus: Sendable {
  /// A run that needs attention, with what its status.json says about it.
  package struct Entry: Sendable, Equatable {
    package var runID: String
    /// `error` for failed runs, `step N` for diverged ones, `N steps` otherwise.
    package var detail: String?
  }

  package let folder: URL
  package let name: String
  package let planned: Int
  /// Count per status word, statuses in the contract's order then any other word.
  package let counts: [(status: String, count: Int)]
  package let failed: [Entry]
  package let diverged: [Entry]
  package let stalled: [Entry]
  package let interrupted: [Entry]
  /// Planned runs with no status.json; detail says when one is being written right now
  /// (or was, by a process that was killed).
  package let missing: [Entry]
  /// Runs whose status.json exists but cannot be read: the detail is the error
  /// (`path: error: what is wrong; what to do`).
  package let unreadable: [Entry]
  /// Folders the manifest does not plan.
  package let warnings: [String]
  /// The sweep file as recorded in provenance.json, for the resume hint.
  package let sweepFile: String?

  /// The order statuses are listed in.
  package static let knownStatuses = ["completed", "diverged", "stalled", "failed", "interrupted"]

  package init(folder: URL) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ResultsError.notAFolder(path: folder.path)
    }
    let manifest = try SweepManifest.read(from: folder.appendingPathComponent("manifest.json"))
    let scan = RunScan.scan(folder: folder, manifest: manifest)
    self.folder = folder
    name = manifest.name
    planned = manifest.runs.count

    var byStatus: [String: Int] = [:]
    var failed: [Entry] = [], diverged: [Entry] = [], stalled: [Entry] = [], interrupted: [Entry] = []
    var missing: [Entry] = []
    var unreadable: [Entry] = []
    let writing = Self.runsBeingWritten(folder.appendingPathComponent("runs"))
    for entry in scan.entries {
      let id = entry.planned.runID
      if let damage = entry.damage {
        unreadable.append(Entry(runID: id, detail: damage))
        continue
      }
      guard let status = entry.status else {
        missing.append(Entry(runID: id, detail: writing[id].map { "being written or killed: runs/\($0)" }))
        continue
      }
      byStatus[status.status.rawValue, default: 0] += 1
      let steps = status.steps.map { "after \($0) steps" }
      switch status.status {
      case .failed: failed.append(Entry(runID: id, detail: status.error ?? "no error recorded"))
      case .diverged: diverged.append(Entry(runID: id, detail: status.divergedAtStep.map { "at step \($0)" } ?? steps))
      case .stalled: stalled.append(Entry(runID: id, detail: steps))
      case .interrupted: interrupted.append(Entry(runID: id, detail: steps))
      default: break
      }
    }
    var counts = Self.knownStatuses.map { ($0, byStatus[$0] ?? 0) }
    counts += byStatus.keys.filter { !Self.knownStatuses.contains($0) }.sorted().map { ($0, byStatus[$0]!) }
    counts.append(("missing", missing.count))
    if !unreadable.isEmpty { counts.append(("unreadable", unreadable.count)) }
    self.counts = counts
    self.failed = failed
    self.diverged = diverged
    self.stalled = stalled
    self.interrupted = interrupted
    self.missing = missing
    self.unreadable = unreadable
    warnings = scan.warnings
    let provenance = try? Provenance.read(from: folder.appendingPathComponent(ResultsLayout.provenanceFile))
    sweepFile = provenance?.environment.sweepFile
  }

  /// Run id → name of its temporary folder `.tmp-<id>-<pid>` in `runs/`.
  private static func runsBeingWritten(_ runs: URL) -> [String: String] {
    var found: [String: String] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [] where name.hasPrefix(".tmp-") {
      guard let dash = name.lastIndex(of: "-") else { continue }
      let id = String(name[name.index(name.startIndex, offsetBy: 5)..<dash])
      found[id] = name
    }
    return found
  }

  /// The runs `gradsweep run --resume` would train again, and with which flags.
  package var resumeFlags: String? {
    if !failed.isEmpty { return "--resume --retry-failed" }
    if !missing.isEmpty || !interrupted.isEmpty || !unreadable.isEmpty { return "--resume" }
    return nil
  }

  /// The text printed by `gradsweep status`: counts, then each list (at most `limit`
  /// runs per list unless nil), then what to do next.
  package func text(limit: Int? = 20) -> String {
    var out = "\(UserText.escaped(name)): \(planned) planned runs in \(UserText.escaped(folder.path))\n"
    let width = counts.map(\.status.count).max() ?? 0
    for (status, count) in counts {
      out += "  " + status.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count)\n"
    }
    for (title, entries) in [
      ("failed", failed), ("diverged", diverged), ("stalled", stalled), ("interrupted", interrupted),
      ("missing", missing), ("unreadable (delete the run's folder; --resume trains it again)", unreadable),
    ] where !entries.isEmpty {
      out += "\n\(title):\n"
      let shown = limit.map { Array(entries.prefix($0)) } ?? entries
      for entry in shown {
        out += "  \(UserText.escaped(entry.runID))" + (entry.detail.map { ": " + UserText.escaped($0) } ?? "") + "\n"
      }
      if shown.count < entries.count { out += "  … and \(entries.count - shown.count) more (--all lists every run)\n" }
    }
    if !warnings.isEmpty {
      out += "\nwarnings:\n" + warnings.map { "  \(UserText.escaped($0))\n" }.joined()
    }
    if let flags = resumeFlags {
      let sweep = UserText.escaped(sweepFile ?? "<sweep file>")
      let outDir = UserText.escaped(folder.standardizedFileURL.deletingLastPathComponent().path)
      out += "\nto finish: gradsweep run \(sweep) --out \(outDir) \(flags)\n"
    }
    return out
  }
}

extension SweepStatus {
  /// Runs `--resume` would train (missing, interrupted, unreadable) or could retry
  /// (failed): 0 when the sweep is complete.
  package var remaining: Int { missing.count + interrupted.count + unreadable.count + failed.count }

  /// `gradsweep status --format json`: one object, keys sorted, every list complete.
  /// `{"name", "folder", "planned", "counts": {status: n}, "failed": [{"run_id",
  /// "detail"}], "diverged", "stalled", "interrupted", "missing", "unreadable",
  /// "warnings", "remaining", "complete", "resume_command"}`; `resume_command` is null
  /// when nothing remains.
  package func jsonData() throws -> Data {
    func entries(_ list: [Entry]) -> [[String: Any]] {
      list.map { ["run_id": $0.runID, "detail": $0.detail.map { $0 as Any } ?? NSNull()] }
    }
    var counts: [String: Int] = [:]
    for (status, count) in self.counts { counts[status] = count }
    let resume: Any = resumeFlags.map { flags in
      "gradsweep run \(sweepFile ?? "<sweep file>") --out \(folder.standardizedFileURL.deletingLastPathComponent().path) \(flags)"
    } ?? NSNull()
    let object: [String: Any] = [
      "name": name, "folder": folder.path, "planned": planned, "counts": counts,
      "failed": entries(failed), "diverged": entries(diverged), "stalled": entries(stalled),
      "interrupted": entries(interrupted), "missing": entries(missing), "unreadable": entries(unreadable),
      "warnings": warnings, "remaining": remaining, "complete": remaining == 0, "resume_command": resume,
    ]
    return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
  }
}
