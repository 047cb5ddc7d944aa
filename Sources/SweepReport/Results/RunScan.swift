import SweepResults
import Foundation

/// What is on disk for each planned run of a sweep: found by listing `runs/` once.
package struct RunScan: Sendable {
  package struct Entry: Sendable {
    package var planned: ManifestRun
    /// nil when status.json is absent (not started, still running, or killed).
    package var status: RunStatus?
    /// runs/<id>/ exists (a run that started but left no status.json was cut short).
    package var folderExists: Bool
    /// status.json's modification time, used to tell a stale summary.csv.
    package var statusModified: Date?
    /// Why status.json cannot be read (`ResultsError.damaged`'s text); nil when it can.
    package var damage: String? = nil
  }

  /// Planned runs in manifest order.
  package var entries: [Entry]
  /// Folders in runs/ that manifest.json does not plan (ignored by the report).
  package var unplannedFolders: [String]
  /// Folders the manifest does not plan, said as warnings.
  package var warnings: [String]

  /// Entries whose run wrote status.json.
  package var finished: [Entry] { entries.filter { $0.status != nil } }
  /// Entries whose run wrote no status.json.
  package var unfinished: [Entry] { entries.filter { $0.status == nil && $0.damage == nil } }
  /// Entries whose status.json exists but cannot be read (not JSON, no `status`, …).
  package var damaged: [Entry] { entries.filter { $0.damage != nil } }

  /// Lists `folder/runs` and reads every planned run's status.json.
  package static func scan(folder: URL, manifest: SweepManifest) -> RunScan {
    let fm = FileManager.default
    let runsDir = folder.appendingPathComponent("runs")
    let present = Set((try? fm.contentsOfDirectory(atPath: runsDir.path)) ?? [])
    var warnings: [String] = []
    var entries: [Entry] = []
    entries.reserveCapacity(manifest.runs.count)
    for run in manifest.runs.sorted(by: { $0.index < $1.index }) {
      let exists = present.contains(run.runID)
      var status: RunStatus? = nil
      var modified: Date? = nil
      var damage: String? = nil
      if exists {
        let url = runsDir.appendingPathComponent(run.runID).appendingPathComponent("status.json")
        do {
          status = try RunStatus.read(from: url)
          if status != nil {
            modified = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
          }
        } catch {
          damage = "\(error)"
        }
      }
      entries.append(Entry(planned: run, status: status, folderExists: exists, statusModified: modified, damage: damage))
    }
    let planned = Set(manifest.runs.map(\.runID))
    let unplanned = present.filter { !planned.contains($0) && !$0.hasPrefix(".") }.sorted()
    for id in unplanned {
      warnings.append("runs/\(UserText.escaped(id)) is not planned in manifest.json (left over from an older sweep?); it is ignored")
    }
    return RunScan(entries: entries, unplannedFolders: unplanned, warnings: warnings)
  }
}
