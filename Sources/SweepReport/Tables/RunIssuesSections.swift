/// Runs that did not complete normally, runs that are missing, and problems met
/// while reading the folder.
enum RunIssuesSections {
  /// Rows listed at most in the missing-runs table (a shard's report may miss thousands).
  static let missingListLimit = 100

  static func make(_ data: ReportData, extraWarnings: [String] = []) -> [ReportSection] {
    var sections: [ReportSection] = []
    let axes = data.axes
    let problems = data.folder.scan.finished.filter { $0.status?.status != "completed" }
    if !problems.isEmpty {
      let rows: [[ReportCell]] = problems.map { entry in
        let status = entry.status!
        let step = status.divergedAtStep ?? status.steps
        var cells = [ReportCell(entry.planned.runID)]
        cells += axes.map { ReportCell(data.value(planned: entry.planned, $0)) }
        cells += [
          ReportCell(String(entry.planned.seed)), ReportCell(status.status.rawValue),
          ReportCell(step.map(String.init) ?? "—"), ReportCell(status.error ?? "—", style: status.error == nil ? .muted : .plain),
        ]
        return cells
      }
      let header = ["run"] + axes + ["seed", "status", "step", "error"]
      sections.append(
        ReportSection(
          id: "problem-runs", title: "Runs that diverged, failed or stopped early",
          blocks: [
            .table(
              ReportTable(
                header: header, rows: rows, numericColumns: [axes.count + 1, axes.count + 3],
                note: [
                  .text(
                    "step: where a diverged run met its first NaN/Inf (diverged_at_step), else the updates done. Diverged runs are results and stay in the tables above; failed and interrupted ones are left out."
                  )
                ]))
          ]))
    }
    let missing = data.folder.missingRuns
    if !missing.isEmpty {
      let shown = missing.prefix(missingListLimit)
      let rows: [[ReportCell]] = shown.map { entry in
        var cells = [ReportCell(entry.planned.runID)]
        cells += axes.map { ReportCell(data.value(planned: entry.planned, $0)) }
        cells += [
          ReportCell(String(entry.planned.seed)),
          ReportCell(entry.folderExists ? "started, no status.json (killed or still running)" : "not started"),
        ]
        return cells
      }
      var blocks: [ReportBlock] = [
        .paragraph([
          .text(
            "\(missing.count) of \(data.folder.manifest.runs.count) planned runs \(missing.count == 1 ? "has" : "have") no status.json, so \(missing.count == 1 ? "it is" : "they are") not in the tables. "
          ),
          .text("Finish them with "), .code("gradsweep run <sweep.yaml> --resume"),
          .text(" (or the missing shards), then run "), .code("gradsweep report"), .text(" again."),
        ]),
        .table(ReportTable(header: ["run"] + axes + ["seed", "state"], rows: rows, numericColumns: [axes.count + 1])),
      ]
      if missing.count > shown.count {
        blocks.append(.paragraph([.text("… and \(missing.count - shown.count) more.")]))
      }
      sections.append(ReportSection(id: "missing-runs", title: "Missing runs", blocks: blocks))
    }
    let damaged = data.folder.problems
    if !damaged.isEmpty {
      sections.append(
        ReportSection(
          id: "unreadable-runs", title: "Unreadable runs (left out)",
          blocks: [
            .paragraph([
              .text("\(damaged.count) finished run\(damaged.count == 1 ? " has a file" : "s have files") gradsweep cannot trust, so \(damaged.count == 1 ? "it is" : "they are") not in the tables: "),
              .text("delete the run's folder and finish the sweep with "), .code("gradsweep run <sweep.yaml> --resume"),
              .text(", then run "), .code("gradsweep report"), .text(" again."),
            ]),
            .bulletList(damaged.prefix(missingListLimit).map { [.code($0)] }),
          ] + (damaged.count > missingListLimit ? [.paragraph([.text("… and \(damaged.count - missingListLimit) more.")])] : [])))
    }
    let warnings = data.warnings + extraWarnings
    if !warnings.isEmpty {
      sections.append(
        ReportSection(id: "warnings", title: "Warnings", blocks: [.bulletList(warnings.map { [.text($0)] })]))
    }
    return sections
  }
}
