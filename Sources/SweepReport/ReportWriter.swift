import SweepResults
import Foundation

/// What `ReportWriter.write` produced.
package struct ReportFiles: Sendable {
  package var markdown: URL
  package var html: URL
  /// summary.csv when it was (re)written because it was missing or stale; else nil.
  package var rebuiltSummary: URL?
  /// Runs left out because a file of theirs is damaged, one `file:line: error: …` each
  /// (`ResultsFolder.problems`); `gradsweep report` prints them and exits 2.
  package var problems: [String] = []
  /// Stale temporary files of killed writers removed from the folder (names).
  package var removedTemporaries: [String] = []
  /// A few lines for the terminal: where the files are, run counts, the best configuration.
  package var terminalText: String
}

/// Writes report.md and report.html for a results folder.
package enum ReportWriter {
  /// Reads the folder, rewrites summary.csv if it is missing or stale (so a report
  /// of an interrupted sweep or of Slurm shards merges every run present), and
  /// writes report.md and report.html atomically (temp file + rename), plus the SVG
  /// of each chart report.md shows as an image (`report-finding.svg`).
  ///
  /// First removes the temporary files killed writers left in the folder
  /// (`AtomicFile.sweepStaleTemporaries`). One run with a damaged file does not stop
  /// the report: it is left out, listed in the report and in `ReportFiles.problems`.
  ///
  /// - Parameters:
  ///   - folder: `results/<name>`.
  ///   - now: the report's date (passed in, so tests are reproducible).
  ///   - extraSections: providers of further sections. The published-vs-measured table
  ///     (`ReferenceComparisonSection`) is always included; it is empty unless the
  ///     sweep has a `reference:` section.
  package static func write(
    for folder: URL, now: Date, extraSections: [any ReportSectionProvider] = []
  ) throws -> ReportFiles {
    let results = try ResultsFolder(url: folder)
    let removed = AtomicFile.sweepStaleTemporaries(in: folder)
    var rebuilt: URL? = nil
    if case .rebuilt = results.summarySource {
      let url = folder.appendingPathComponent(ResultsLayout.summaryFile)
      try SummaryBuilder.write(rows: results.rows, axes: results.manifest.axes, to: url)
      rebuilt = url
    }
    let data = ReportData(folder: results, generated: now)
    let document = try build(data, extraSections: extraSections)
    let markdown = folder.appendingPathComponent(ResultsLayout.reportMarkdownFile)
    let html = folder.appendingPathComponent(ResultsLayout.reportHTMLFile)
    // Charts report.md shows as images (the finding's): their SVG beside it.
    for section in document.sections {
      for case .figure(let figure) in section.blocks {
        if let image = figure.markdownImage { try AtomicFile.write(figure.svg, to: folder.appendingPathComponent(image)) }
      }
    }
    try AtomicFile.write(MarkdownRenderer.render(document), to: markdown)
    try AtomicFile.write(HTMLRenderer.render(document), to: html)
    var text = terminalText(data, markdown: markdown, html: html)
    if !results.problems.isEmpty {
      text += "\nunreadable: \(results.problems.count) finished run\(results.problems.count == 1 ? " was" : "s were") left out because of damaged files (listed in the report and below)"
    }
    if !removed.isEmpty {
      text += "\nremoved \(removed.count) stale temporary file\(removed.count == 1 ? "" : "s") of killed writers: "
        + removed.map { UserText.escaped($0) }.joined(separator: ", ")
    }
    return ReportFiles(
      markdown: markdown, html: html, rebuiltSummary: rebuilt, problems: results.problems, removedTemporaries: removed,
      terminalText: text)
  }

  /// The report as a document (both files render this).
  package static func build(_ data: ReportData, extraSections: [any ReportSectionProvider] = []) throws -> ReportDocument {
    var warnings: [String] = []
    let charts = ChartsSection.make(data, warnings: &warnings)
    let providers: [any ReportSectionProvider] = [ReferenceComparisonSection()] + extraSections
    let extra = try providers.flatMap { try $0.sections(for: data) }
    // The finding first: the gradient ratio against depth and one sentence.
    var sections: [ReportSection] = HeadlineFigure.make(data).map { [$0] } ?? []
    sections.append(OverviewSection.make(data))
    sections += extra.filter { $0.placement == .afterOverview }
    if let charts { sections.append(charts) }
    sections += AggregateSections.make(data)
    if let vanishing = VanishingGradientSection.make(data) { sections.append(vanishing) }
    if let prediction = PredictionSection.make(data) { sections.append(prediction) }
    sections += extra.filter { $0.placement == .end }
    sections += RunIssuesSections.make(data, extraWarnings: warnings)
    return ReportDocument(title: "gradsweep report: \(data.folder.manifest.name)", sections: sections)
  }

  /// A few lines for the terminal, each with control characters escaped (`UserText`).
  static func terminalText(_ data: ReportData, markdown: URL, html: URL) -> String {
    var lines = ["wrote \(markdown.path)", "wrote \(html.path)", "runs: \(OverviewSection.runCounts(data))"]
    if let best = data.bestConfiguration {
      let config = data.axes.isEmpty ? "all runs" : zip(data.axes, best.values).map { "\($0)=\($1)" }.joined(separator: " ")
      lines.append("best: \(config): \(data.metric.label) \(NumberFormatting.meanAndDeviation(best.stats))")
    }
    if case .rebuilt(let reason) = data.folder.summarySource {
      lines.append("summary.csv rebuilt from the run folders (\(reason))")
    }
    let missing = data.folder.missingRuns.count
    if missing > 0 { lines.append("missing: \(missing) planned runs have not finished (listed in the report)") }
    // Paths and axis values come from the user and the folder: control characters escaped.
    return lines.map { UserText.escaped($0) }.joined(separator: "\n")
  }
}
