import Foundation
import Testing
import TidyCSV

@testable import SweepReport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Writes the standard synthetic sweep, reports on it, and returns the pieces.
struct WrittenReport {
  var folder: URL
  var files: ReportFiles
  var markdown: String
  var html: String
  var summary: CSVTable

  init(_ sweep: SyntheticSweep, now: Date = Date(timeIntervalSince1970: 1_750_000_000), extra: [any ReportSectionProvider] = []) throws {
    folder = try SyntheticSweep.temporaryFolder("report")
    try sweep.write(to: folder)
    files = try ReportWriter.write(for: folder, now: now, extraSections: extra)
    markdown = try String(contentsOf: files.markdown, encoding: .utf8)
    html = try String(contentsOf: files.html, encoding: .utf8)
    summary = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv"))
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The parsed HTML: elements by XPath.
struct ParsedHTML {
  let document: XMLDocument
  init(_ html: String) throws { document = try XMLDocument(xmlString: html, options: []) }

  func count(_ xpath: String) throws -> Int { try document.nodes(forXPath: xpath).count }
  func svgIDs() throws -> [String] {
    // XPath, not XMLElement.attribute(forName:): the svg elements are in the SVG namespace.
    try document.nodes(forXPath: "//*[local-name()='svg']/@id").compactMap(\.stringValue)
  }
  /// `<path class="series">` inside the svg with this id.
  func series(inChart id: String) throws -> Int {
    try count("//*[local-name()='svg'][@id='\(id)']//*[local-name()='path'][@class='series']")
  }
}

@Suite struct ReportWriterTests {
  /// Mean and sample standard deviation recomputed here from summary.csv records.
  static func stats(_ values: [Double]) -> (mean: Double, sd: Double?) {
    let finite = values.filter(\.isFinite)
    let mean = finite.reduce(0, +) / Double(finite.count)
    guard finite.count > 1 else { return (mean, nil) }
    let v = finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count - 1)
    return (mean, v.squareRoot())
  }

  /// Geometric mean and geometric standard deviation factor, recomputed here
  /// (exp of the mean and of the sample sd of ln x over the finite x > 0).
  static func geometric(_ values: [Double]) -> (mean: Double, factor: Double?) {
    let logs = values.filter { $0.isFinite && $0 > 0 }.map { Foundation.log($0) }
    let (m, sd) = stats(logs)
    return (exp(m), sd.map { exp($0) })
  }

  /// Within what 3 significant digits can hold.
  static func agree(_ printed: Double, _ exact: Double) -> Bool {
    abs(printed - exact) <= 5e-3 * max(abs(exact), 1e-300) + 1e-12
  }

  @Test func aggregatedTablesAgreeWithSummaryRecomputedIndependently() throws {
    let report = try WrittenReport(.standard())
    defer { report.remove() }
    let tables = MarkdownTableParser.tables(in: report.markdown)
    let records = report.summary.records.filter { $0["status"] != "failed" && $0["status"] != "interrupted" }
    let columns: [(table: String, summary: String)] = [("final val accuracy", "final_val_accuracy"), ("final loss", "final_loss")]
    // Ratios span decades: geometric mean ×/÷ geometric sd (issue 18).
    let geometricColumns: [(table: String, summary: String)] = [
      ("grad ratio init (geometric)", "grad_ratio_init"), ("grad ratio final (geometric)", "grad_ratio_final"),
    ]
    let groupings: [(title: String, axes: [String])] = [
      ("Results by model.activation", ["model.activation"]), ("Results by model.depth", ["model.depth"]),
      ("Results by model.activation × model.depth", ["model.activation", "model.depth"]),
    ]
    for grouping in groupings {
      let table = try #require(tables[grouping.title], "no table under '\(grouping.title)'")
      #expect(table.rows.count == (grouping.axes.count == 1 ? 2 : 4))
      for row in table.rows {
        let key = grouping.axes.map { axis in row[table.header.firstIndex(of: axis)!] }
        let group = records.filter { r in zip(grouping.axes, key).allSatisfy { r[$0] == $1 } }
        #expect(row[table.header.firstIndex(of: "runs")!] == String(group.count))
        let diverged = report.summary.records.filter { r in zip(grouping.axes, key).allSatisfy { r[$0] == $1 } && r["status"] == "diverged" }
        #expect(row[table.header.firstIndex(of: "diverged")!] == String(diverged.count))
        for column in columns {
          let cell = row[try #require(table.header.firstIndex(of: column.table))]
          let values = group.compactMap { $0[column.summary].flatMap(CSVTable.number) }
          let expected = Self.stats(values)
          let printed = try #require(MarkdownTableParser.meanAndDeviation(cell), "\(grouping.title) \(key) \(column.table): '\(cell)'")
          #expect(Self.agree(printed.mean, expected.mean), "\(key) \(column.table): \(cell) vs \(expected)")
          if let sd = expected.sd {
            let printedSD = try #require(printed.deviation, "\(key) \(column.table): no ± in '\(cell)'")
            // Deviations are printed with 2 significant digits.
            #expect(abs(printedSD - sd) <= 5e-2 * sd + 1e-12, "\(key) \(column.table): \(cell) vs sd \(sd)")
          } else {
            #expect(printed.deviation == nil)
          }
        }
        for column in geometricColumns {
          let cell = row[try #require(table.header.firstIndex(of: column.table))]
          let values = group.compactMap { $0[column.summary].flatMap(CSVTable.number) }
          let expected = Self.geometric(values)
          let parts = cell.components(separatedBy: " ×/÷ ")
          let mean = try #require(Double(parts[0]), "\(key) \(column.table): '\(cell)'")
          #expect(Self.agree(mean, expected.mean), "\(key) \(column.table): \(cell) vs geometric mean \(expected.mean)")
          if let factor = expected.factor {
            let printed = try #require(parts.count == 2 ? Double(parts[1]) : nil, "\(key) \(column.table): no ×/÷ in '\(cell)'")
            #expect(abs(printed - factor) <= 5e-2 * factor, "\(key) \(column.table): \(cell) vs factor \(factor)")
          } else {
            #expect(parts.count == 1)
          }
        }
      }
      // The bold row is the best mean final validation accuracy.
      let accIndex = table.header.firstIndex(of: "final val accuracy")!
      let means = table.rows.map { MarkdownTableParser.meanAndDeviation($0[accIndex])?.mean ?? -1 }
      let best = means.indices.max { means[$0] < means[$1] }!
      #expect(table.boldRows == [best], "\(grouping.title): bold rows \(table.boldRows), best \(best)")
    }
  }

  @Test func stepsToLossThresholdComeFromTheMetricsLogs() throws {
    var sweep = SyntheticSweep.standard()
    sweep.report = ["loss_threshold": 1.5]
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    let table = try #require(MarkdownTableParser.tables(in: report.markdown)["Results by model.activation × model.depth"])
    let column = try #require(table.header.firstIndex(of: "steps to loss ≤ 1.5"))
    for row in table.rows {
      let (activation, depth) = (row[0], row[1])
      // First logged step with 2.3·exp(−k·s) ≤ 1.5, for each result run of the cell.
      let reached = sweep.runs.filter {
        $0.axisValues["model.activation"] == activation && $0.axisValues["model.depth"] == depth
          && ($0.status == "completed" || $0.status == "diverged")
      }.compactMap { run in sweep.loggedSteps(run).first { s in s != run.divergeAt && sweep.loss(run, s) <= 1.5 } }
      if reached.isEmpty {
        #expect(row[column] == "—")
      } else {
        let printed = try #require(MarkdownTableParser.meanAndDeviation(row[column]))
        #expect(Self.agree(printed.mean, Self.stats(reached.map(Double.init)).mean), "\(activation) d\(depth): \(row[column])")
      }
    }
  }

  @Test func htmlIsWellFormedWithOneSVGPerChartAndTheExpectedSeries() throws {
    let report = try WrittenReport(.standard())
    defer { report.remove() }
    let html = try ParsedHTML(report.html)
    #expect(
      try html.svgIDs() == [
        "chart-headline", "chart-loss", "chart-gradients", "chart-layers", "chart-heatmap", "chart-saturation", "chart-update_ratio",
      ])
    // The headline: a line per activation, at initialisation and at the end (4 series),
    // each with a marker per depth (2, 4).
    #expect(try html.series(inChart: "chart-headline") == 2 * 2)
    #expect(try html.count("//*[local-name()='svg'][@id='chart-headline']//*[@class='marker']") == 2 * 2 * 2)
    // All layers: one line per activation × depth in each of its two panels.
    #expect(try html.series(inChart: "chart-layers") == 2 * 2 * 2)
    // Chart 1: 2 activations (panels) × 2 depths (lines), loss and val accuracy.
    #expect(try html.series(inChart: "chart-loss") == 2 * 2 * 2)
    #expect(try html.count("//*[local-name()='svg'][@id='chart-loss']//*[local-name()='path'][@class='band']") == 2 * 2 * 2)
    // Chart 2: a row per depth (2, 4) × {init, end} × a line per activation.
    #expect(try html.series(inChart: "chart-gradients") == 2 * 2 * 2)
    // Chart 3: a cell per activation × depth.
    #expect(try html.count("//*[local-name()='svg'][@id='chart-heatmap']//*[local-name()='rect'][@class='cell']") == 4)
    // Charts 4 and 5 hold depth at the best configuration's (best mean final val
    // accuracy, recomputed here from summary.csv): per activation panel, a line per
    // hidden layer; chart 4 has a saturated and a dead row.
    var means: [String: [Double]] = [:]
    for r in report.summary.records where r["status"] == "completed" || r["status"] == "diverged" {
      if let v = CSVTable.number(r["final_val_accuracy"]!), v.isFinite {
        means[r["model.activation"]! + "/" + r["model.depth"]!, default: []].append(v)
      }
    }
    let best = means.max { a, b in a.value.reduce(0, +) / Double(a.value.count) < b.value.reduce(0, +) / Double(b.value.count) }!
    let bestDepth = try #require(Int(best.key.split(separator: "/")[1]))
    #expect(try html.series(inChart: "chart-saturation") == 2 * 2 * bestDepth)
    #expect(try html.series(inChart: "chart-update_ratio") == 2 * bestDepth)
    // Nothing fetched: one inline script (legend clicks), no external reference.
    #expect(try html.count("//*[local-name()='script']") == 1)
    #expect(try html.count("//*[local-name()='script'][@src]") == 0)
    #expect(try html.count("//*[local-name()='link']") == 0)
    // The only URL is the SVG namespace name, which is never fetched.
    let urls = report.html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!urls.contains("http:") && !urls.contains("https:") && !urls.contains("url(http"))
    #expect(try html.count("//*[local-name()='img']") == 0)
    // The Markdown tables are there too, as HTML tables under the charts.
    #expect(try html.count("//*[local-name()='table']") >= 6)
  }

  @Test func reportSectionOfTheSweepChoosesChartsAndAxes() throws {
    var sweep = SyntheticSweep.standard()
    sweep.report = ["charts": ["heatmap", "loss"], "panels": "model.depth", "lines": "model.activation"]
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    let html = try ParsedHTML(report.html)
    // The headline (the finding) is not one of `report.charts`: it always comes first.
    #expect(try html.svgIDs() == ["chart-headline", "chart-heatmap", "chart-loss"])
    let panels = try html.document.nodes(
      forXPath: "//*[local-name()='svg'][@id='chart-loss']//*[local-name()='g'][@class='panel']/@data-panel"
    ).compactMap(\.stringValue)
    #expect(Set(panels) == ["depth = 2", "depth = 4"])
    let series = try html.document.nodes(
      forXPath: "//*[local-name()='svg'][@id='chart-loss']//*[local-name()='path'][@class='series']/@data-series"
    ).compactMap(\.stringValue)
    #expect(Set(series) == ["sigmoid", "relu"])
  }

  @Test func unknownAxisInReportSectionFallsBackAndSaysSo() throws {
    var sweep = SyntheticSweep.standard()
    sweep.report = ["panels": "model.widht"]
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    #expect(report.markdown.contains("report.panels: 'model.widht' is not an axis of this sweep"))
    #expect(try ParsedHTML(report.html).svgIDs().contains("chart-loss"))
  }

  @Test func divergedRunStillGivesACompleteReport() throws {
    let report = try WrittenReport(.standard())
    defer { report.remove() }
    let tables = MarkdownTableParser.tables(in: report.markdown)
    for title in [
      "Overview", "Results by model.activation", "Results by model.depth", "Results by model.activation × model.depth",
      "Runs that diverged, failed or stopped early", "Missing runs",
    ] {
      #expect(tables[title] != nil, "missing section '\(title)'")
    }
    #expect(report.markdown.contains("## Vanishing gradients at initialisation"))
    #expect(report.markdown.contains("## Results\n"))
    let problems = try #require(tables["Runs that diverged, failed or stopped early"])
    let diverged = try #require(problems.rows.first { $0[problems.header.firstIndex(of: "status")!] == "diverged" })
    #expect(diverged[0] == "0011-relu-d4-s3")
    #expect(diverged[problems.header.firstIndex(of: "step")!] == "20")
    #expect(diverged[problems.header.firstIndex(of: "error")!] == "loss is nan")
    let failed = try #require(problems.rows.first { $0[problems.header.firstIndex(of: "status")!] == "failed" })
    #expect(failed[problems.header.firstIndex(of: "error")!] == "data: file 'x.csv' not found")
    // The diverged run's curves are drawn up to its divergence: the relu/depth-4 line exists.
    let html = try ParsedHTML(report.html)
    let reluDepth4 = try html.document.nodes(
      forXPath:
        "//*[local-name()='svg'][@id='chart-loss']//*[local-name()='g'][@data-panel='activation = relu']//*[local-name()='path'][@class='series'][@data-series='4']"
    )
    #expect(reluDepth4.count == 2)
    // No non-finite number leaked into a drawing.
    let geometry = try html.document.nodes(forXPath: "//*[local-name()='svg']//@*[name()='d' or name()='x' or name()='y' or name()='cx' or name()='cy' or name()='width' or name()='height']")
    #expect(!geometry.isEmpty)
    #expect(geometry.allSatisfy { !($0.stringValue ?? "").lowercased().contains("nan") && !($0.stringValue ?? "").contains("inf") })
  }

  @Test func vanishingGradientTableShowsGeometricMeanPerLayerAtInitialisation() throws {
    let sweep = SyntheticSweep.standard()
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    let tables = MarkdownTableParser.tables(in: report.markdown)
    let deep = try #require(tables["4 hidden layers"])
    #expect(deep.header == ["model.activation", "runs", "layer 1", "layer 2", "layer 3", "layer 4", "layer 1 / layer 4"])
    for row in deep.rows {
      // Finished runs of this activation with 4 layers (failed ones have no layers.csv).
      let runs = sweep.runs.filter {
        $0.axisValues["model.activation"] == row[0] && $0.depth == 4 && $0.status != nil && $0.status != "failed"
      }
      #expect(row[1] == String(runs.count))
      for layer in 1 ... 4 {
        let expected = Self.geometric(runs.map { sweep.gradient($0, layer: layer, 0) }).mean
        let printed = try #require(Double(row[1 + layer]))
        #expect(Self.agree(printed, expected), "\(row[0]) layer \(layer): \(row[1 + layer]) vs \(expected)")
      }
    }
    #expect(tables["2 hidden layers"] != nil)
  }

  @Test func interruptedSweepReportsWhatFinishedAndListsWhatIsMissing() throws {
    var sweep = SyntheticSweep.standard()
    // A run killed mid-way: its folder and a cut-off metrics.csv, but no status.json.
    let killed = sweep.runs.firstIndex { $0.id == "0004-sigmoid-d4-s2" }!
    sweep.runs[killed].status = nil
    sweep.runs[killed].truncateMetrics = true
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    // summary.csv was missing: rebuilt from the 10 finished runs.
    #expect(report.files.rebuiltSummary != nil)
    #expect(report.summary.rows.count == 10)
    #expect(!report.summary.records.contains { $0["run_id"] == "0004-sigmoid-d4-s2" })
    let tables = MarkdownTableParser.tables(in: report.markdown)
    let missing = try #require(tables["Missing runs"])
    #expect(missing.rows.map { $0[0] } == ["0004-sigmoid-d4-s2", "0005-sigmoid-d4-s3"])
    let state = missing.header.firstIndex(of: "state")!
    #expect(missing.rows[0][state].hasPrefix("started, no status.json"))
    #expect(missing.rows[1][state] == "not started")
    #expect(report.markdown.contains("Incomplete sweep"))
    #expect(report.markdown.contains("12 planned: 8 completed, 1 diverged, 1 failed, 2 missing"))
    #expect(report.files.terminalText.contains("missing: 2 planned runs"))
    // sigmoid × depth 4 now has one finished run; its row still appears.
    let pair = try #require(tables["Results by model.activation × model.depth"])
    let row = try #require(pair.rows.first { $0[0] == "sigmoid" && $0[1] == "4" })
    #expect(row[pair.header.firstIndex(of: "runs")!] == "1")
    _ = try ParsedHTML(report.html)
  }

  @Test func secondReportReadsTheRebuiltSummaryAsCurrent() throws {
    let report = try WrittenReport(.standard())
    defer { report.remove() }
    let again = try ReportWriter.write(for: report.folder, now: Date(timeIntervalSince1970: 1_750_000_000))
    #expect(again.rebuiltSummary == nil)
    // Identical but for the note that the first report rebuilt summary.csv.
    let first = report.markdown.split(separator: "\n").filter { !$0.contains("summary.csv") }
    let second = try String(contentsOf: again.markdown, encoding: .utf8).split(separator: "\n")
    #expect(!report.markdown.split(separator: "\n").filter { $0.contains("summary.csv") }.isEmpty)
    #expect(second == first)
  }

  struct VerdictSection: ReportSectionProvider {
    func sections(for data: ReportData) throws -> [ReportSection] {
      [
        ReportSection(
          id: "published-vs-measured", title: "Published vs measured",
          blocks: [
            .table(
              ReportTable(
                header: ["claim", "published", "measured", "verdict"],
                rows: [
                  ["ratio < 1e-2", "—", ReportCell("\(data.runs.count) runs"), ReportCell("pass", style: .pass)],
                  ["a | b < c & d", "x", "y", ReportCell("fail", style: .fail)],
                ]))
          ])
      ]
    }
  }

  @Test func extraSectionsAppearAfterTheOverviewInBothFiles() throws {
    let report = try WrittenReport(.standard(), extra: [VerdictSection()])
    defer { report.remove() }
    let tables = MarkdownTableParser.tables(in: report.markdown)
    let verdicts = try #require(tables["Published vs measured"])
    #expect(verdicts.rows[1][0] == "a | b < c & d")
    #expect(verdicts.rows[0][3].contains("pass"))
    let overview = try #require(report.markdown.range(of: "## Overview"))
    let extra = try #require(report.markdown.range(of: "## Published vs measured"))
    let charts = try #require(report.markdown.range(of: "## Charts"))
    #expect(overview.lowerBound < extra.lowerBound && extra.lowerBound < charts.lowerBound)
    let html = try ParsedHTML(report.html)
    #expect(try html.count("//*[local-name()='section'][@id='published-vs-measured']//*[local-name()='td'][@class='pass']") == 1)
    #expect(try html.count("//*[local-name()='section'][@id='published-vs-measured']//*[local-name()='td'][@class='fail']") == 1)
  }

  @Test func textFromTheSweepIsEscapedInBothFiles() throws {
    var sweep = SyntheticSweep.standard()
    sweep.name = "a<b>&\"c\""
    sweep.description = "pipes | stars * and <script>alert(1)</script>"
    for i in sweep.runs.indices where sweep.runs[i].axisValues["model.activation"] == "relu" {
      sweep.runs[i].axisValues["model.activation"] = "re|lu<&>"
    }
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    let html = try ParsedHTML(report.html)
    // The page's own script (legend clicks) is the only one; the sweep's text made none.
    #expect(try html.count("//*[local-name()='script']") == 1)
    let script = try html.document.nodes(forXPath: "//*[local-name()='script']").first?.stringValue ?? ""
    #expect(script.contains("legend-entry") && !script.contains("alert(1)"))
    #expect(report.html.contains("a&lt;b&gt;&amp;&quot;c&quot;"))
    let tables = MarkdownTableParser.tables(in: report.markdown)
    let byActivation = try #require(tables["Results by model.activation"])
    #expect(byActivation.rows.map { $0[0] } == ["sigmoid", "re|lu<&>"])
  }

  @Test func singleAxisAndNoAxisSweepsStillReport() throws {
    var one = SyntheticSweep.standard()
    one.axes = ["model.activation"]
    one.runs = one.runs.filter { $0.depth == 2 }.map { run in
      var r = run
      r.axisValues = ["model.activation": run.axisValues["model.activation"]!]
      return r
    }
    let r1 = try WrittenReport(one)
    defer { r1.remove() }
    let h1 = try ParsedHTML(r1.html)
    #expect(try h1.svgIDs().contains("chart-heatmap"))
    #expect(try h1.count("//*[local-name()='svg'][@id='chart-heatmap']//*[local-name()='rect'][@class='bar']") == 2)
    // Lines are the axis values in a single panel.
    #expect(try h1.series(inChart: "chart-loss") == 2 * 2)

    var none = SyntheticSweep.standard()
    none.axes = []
    none.runs = none.runs.filter { $0.depth == 2 && $0.axisValues["model.activation"] == "relu" }.map { run in
      var r = run
      r.axisValues = [:]
      return r
    }
    let r0 = try WrittenReport(none)
    defer { r0.remove() }
    let h0 = try ParsedHTML(r0.html)
    #expect(try !h0.svgIDs().contains("chart-heatmap"))
    #expect(try h0.series(inChart: "chart-loss") == 2)
    #expect(MarkdownTableParser.tables(in: r0.markdown)["Results over all runs"]?.rows.count == 1)
  }
}
