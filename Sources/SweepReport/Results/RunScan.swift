import SweepResults
import Foundation

/// What is on disk for each planned run of a sweep: found by listing `runs/` once.
public struct RunScan: Sendable {
  public struct Entry: Sendable {
    public var planned: ManifestRun
    /// nil when status.json is absent (not started, still running, or killed).
    public var status: RunStatus?
    /// runs/<id>/ exists (a run that started but left no status.json was cut short).
    public var folderExists: Bool
    /// status.json's modification time, used to tell a stale summary.csv.
    public var statusModified: Date?
    /// Why status.json cannot be read (`ResultsError.damaged`'s text); nil when it can.
    public var damage: String? = nil
  }

  /// Planned runs in manifest order.
  public var entries: [Entry]
  /// Folders in runs/ that manifest.json does not plan (ignored by the report).
  public var unplannedFolders: [String]
  /// Folders the manifest does not plan, said as warnings.
  public var warnings: [String]

  /// Entries whose run wrote status.json.
  public var finished: [Entry] { entries.filter { $0.status != nil } }
  /// Entries whose run wrote no status.json.
  public var unfinished: [Entry] { entries.filter { $0.status == nil && $0.damage == nil } }
  /// Entries whose status.json exists but cannot be read (not JSON, no `status`, …).
  public var damaged: [Entry] { entries.filter { $0.damage != nil } }

  /// Lists `folder/runs` and reads every planned run's status.json.
  public static func scan(folder: URL, manifest: SweepManifest) -> RunScan {
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
