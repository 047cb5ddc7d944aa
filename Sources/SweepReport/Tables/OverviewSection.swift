import Foundation

/// The report's header: what was swept, when, on what, how many runs ended how,
/// how long it took, and the best configuration.
enum OverviewSection {
  static func make(_ data: ReportData) -> ReportSection {
    let manifest = data.folder.manifest
    var rows: [[ReportCell]] = []
    func add(_ key: String, _ value: String, style: ReportCell.Style = .plain) {
      rows.append([ReportCell(key), ReportCell(value, style: style)])
    }
    add("Sweep", manifest.name)
    if !manifest.description.isEmpty { add("Description", manifest.description) }
    add("Axes", data.axes.isEmpty ? "none (replicates only)" : data.axes.joined(separator: " × "))
    if let created = manifest.created { add("Sweep created", created) }
    add("Report written", NumberFormatting.timestamp(data.generated))
    if let version = manifest.gradsweepVersion { add("gradsweep version", version) }
    if manifest.cores != nil || manifest.jobs != nil {
      let cores = manifest.cores.map { "\($0) cores" } ?? "cores unknown"
      let jobs = manifest.jobs.map { ", \($0) parallel trainings" } ?? ""
      add("Machine", cores + jobs)
    }
    add("Runs", runCounts(data))
    if let time = trainingTime(data) { add("Training time", time) }
    if let best = data.bestConfiguration {
      let config = data.axes.isEmpty ? "all runs" : zip(data.axes, best.values).map { "\($0) = \($1)" }.joined(separator: ", ")
      add(
        "Best configuration",
        "\(config): \(data.metric.label) \(NumberFormatting.meanAndDeviation(best.stats)) over \(best.stats.count) run\(best.stats.count == 1 ? "" : "s")",
        style: .strong)
    }
    if case .rebuilt(let reason) = data.folder.summarySource {
      add("summary.csv", "rebuilt from the run folders present (\(reason))")
    }
    var blocks: [ReportBlock] = [.table(ReportTable(header: ["", ""], rows: rows))]
    let missing = data.folder.missingRuns.count
    if missing > 0 {
      blocks.append(
        .paragraph([
          .strong("Incomplete sweep: "),
          .text(
            "\(missing) of \(manifest.runs.count) planned runs \(missing == 1 ? "has" : "have") not finished; the numbers below cover the \(data.runs.count) that \(data.runs.count == 1 ? "has" : "have"). See “Missing runs”."
          ),
        ]))
    }
    return ReportSection(id: "overview", title: "Overview", blocks: blocks)
  }

  /// "24 planned: 20 completed, 2 diverged, 1 failed, 1 missing".
  static func runCounts(_ data: ReportData) -> String {
    var counts: [String: Int] = [:]
    var order: [String] = []
    for run in data.runs {
      if counts[run.row.status] == nil { order.append(run.row.status) }
      counts[run.row.status, default: 0] += 1
    }
    let known = ["completed", "diverged", "stalled", "failed", "interrupted"]
    order = known.filter { counts[$0] != nil } + order.filter { !known.contains($0) }
    var parts = order.map { "\(counts[$0]!) \($0)" }
    let missing = data.folder.missingRuns.count
    if missing > 0 { parts.append("\(missing) missing") }
    let planned = data.folder.manifest.runs.count
    return "\(planned) planned" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
  }

  /// Summed per-run time, and the wall-clock span the finished runs cover: from the
  /// earliest start (status.json's time minus the run's seconds) to the latest end.
  /// For a resumed sweep the span includes the pause.
  static func trainingTime(_ data: ReportData) -> String? {
    let seconds = data.runs.compactMap(\.row.seconds).filter(\.isFinite)
    guard !seconds.isEmpty else { return nil }
    var text = "\(NumberFormatting.duration(seconds.reduce(0, +))) summed over runs"
    if let longest = seconds.max() { text += " (longest run \(NumberFormatting.duration(longest)))" }
    let ends = data.folder.scan.finished.compactMap { entry -> (end: Date, start: Date)? in
      guard let end = entry.statusModified else { return nil }
      let s = entry.status?.seconds ?? 0
      return (end, end.addingTimeInterval(-(s.isFinite ? s : 0)))
    }
    if let last = ends.map(\.end).max(), let first = ends.map(\.start).min(), data.runs.count > 1 {
      text += "; \(NumberFormatting.duration(last.timeIntervalSince(first))) wall clock from the first run's start to the last run's end"
    }
    return text
  }
}
