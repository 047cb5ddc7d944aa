import Foundation
import FoundationXML
import Testing
import TidyCSV

@testable import SweepReport

/// Issue 18: the finding first, charts that do not mislead (zeros on log axes, lone
/// points, fixed colour ranges), geometric means, the predicted-line hook.
@Suite struct FindingAndChartTests {
  @Test func geometricStatisticsOfASampleSpanningDecades() throws {
    let g = GeometricStatistics([1e-6, 1e-2, 1.0])
    // exp(mean ln) = 10^((−6 − 2 + 0)/3).
    #expect(abs(try #require(g.mean) / pow(10, -8.0 / 3) - 1) < 1e-12)
    // s_g = 10^sd(−6, −2, 0) = 10^√((−10/3 … )²/2).
    let logs = [-6.0, -2.0, 0.0]
    let m = logs.reduce(0, +) / 3
    let sd = (logs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 2).squareRoot()
    #expect(abs(try #require(g.deviationFactor) / pow(10, sd) - 1) < 1e-12)
    // A constant sample: the value, factor exactly 1; AM–GM for any other.
    #expect(GeometricStatistics([0.3, 0.3, 0.3]).deviationFactor == 1)
    #expect(try #require(g.mean) < (1e-6 + 1e-2 + 1) / 3)
    // An underflow makes the product, hence the geometric mean, 0, and says so.
    let z = GeometricStatistics([0, 0.5])
    #expect(z.mean == 0 && z.zeros == 1 && z.deviationFactor == nil && z.text == "0 (1 of 2 underflowed to 0)")
    #expect(GeometricStatistics([0.0]).text == "0 (underflow)")
    // Non-finite and negative values are skipped and counted.
    let s = GeometricStatistics([Double.nan, .infinity, -1, 4, nil])
    #expect(s.count == 1 && s.skipped == 4 && s.mean == 4 && s.text == "4.00")
  }

  @Test func aZeroOnALogAxisIsDrawnOnTheFloorAndALonePointAsAMarker() throws {
    let panel = LinePanel(
      title: "p", xLabel: "layer", yLabel: "g", yKind: .log,
      series: [
        PlotSeries(label: "vanished", style: SeriesStyle(color: "#000000"), points: [(1, 0), (2, 1e-3), (3, 1e-1)]),
        PlotSeries(label: "lone", style: SeriesStyle(color: "#0072B2"), points: [(2, 1e-2)]),
      ])
    let svg = LineChart(id: "t", title: "t", panels: [panel], columns: 1, legend: []).svg()
    let doc = try XMLDocument(xmlString: svg, options: [])
    // The zero is a point of the path (3 points, none dropped), at the floor line's y.
    // (XPath for attributes: the elements are in the SVG namespace.)
    let vanished = "//*[@data-series='vanished'][@class='series']"
    #expect(try doc.nodes(forXPath: vanished + "/@data-points").first?.stringValue == "3")
    let floor = try #require(try doc.nodes(forXPath: "//*[@class='underflow-floor']/@y1").first?.stringValue)
    let d = try #require(try doc.nodes(forXPath: vanished + "/@d").first?.stringValue)
    let firstY = d.dropFirst().split(separator: "L")[0].split(separator: " ")[1]
    #expect(String(firstY) == floor)
    #expect(svg.contains("0 (underflow)"))
    // The lone point: its path draws nothing visible, so a marker stands for it.
    #expect(try doc.nodes(forXPath: "//*[@class='marker'][@data-series='lone']").count == 1)
    #expect(try doc.nodes(forXPath: "//*[@class='marker'][@data-series='vanished']").isEmpty)
    // Without a zero there is no floor.
    var positive = panel
    positive.series[0].points[0].y = 1e-5
    let plain = LineChart(id: "t", title: "t", panels: [positive], columns: 1, legend: []).svg()
    #expect(!plain.contains("underflow"))
  }

  @Test func heatmapColoursAFixedRangeNotTheCellsSpread() throws {
    func fills(_ range: (lower: Double, upper: Double, log: Bool)?) throws -> [String] {
      let cells: [[HeatmapChart.Cell?]] = [[
        HeatmapChart.Cell(value: 0.5, text: "0.5", tooltip: "a"), HeatmapChart.Cell(value: 0.6, text: "0.6", tooltip: "b"),
      ]]
      let svg = HeatmapChart(
        id: "h", title: "h", xAxis: "x", yAxis: "y", xValues: ["a", "b"], yValues: ["r"], cells: cells, valueLabel: "v",
        range: range
      ).svg()
      let doc = try XMLDocument(xmlString: svg, options: [])
      return try doc.nodes(forXPath: "//*[@class='cell']/@fill").compactMap(\.stringValue)
    }
    // Lowest to highest cell: 0.5 and 0.6 are the two ends of viridis.
    #expect(try fills(nil) == [Palette.viridis(0), Palette.viridis(1)])
    // Chance (0.1) to 1: both sit in the middle, close together.
    #expect(try fills((0.1, 1, false)) == [Palette.viridis(0.4 / 0.9), Palette.viridis(0.5 / 0.9)])
    // Log 10⁻² … 10²: 1 is the middle.
    let cells: [[HeatmapChart.Cell?]] = [[HeatmapChart.Cell(value: 1, text: "1", tooltip: "c")]]
    let svg = HeatmapChart(id: "h", title: "h", xAxis: "x", yAxis: "y", xValues: ["a"], yValues: ["r"], cells: cells, valueLabel: "v", range: (0.01, 100, true)).svg()
    #expect(svg.contains("fill=\"\(Palette.viridis(0.5))\""))
  }

  @Test func heatmapMetricComesFromTheSweepAndTheCaptionSaysItsRange() throws {
    var sweep = SyntheticSweep.standard()
    sweep.report = ["heatmap_metric": "grad_ratio_init"]
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    let html = try ParsedHTML(report.html)
    let title = try #require(try html.document.nodes(forXPath: "//*[local-name()='figure'][@id='figure-heatmap']/*[local-name()='h3']").first?.stringValue)
    #expect(title.hasPrefix("Grad ratio init"))
    let caption = try #require(try html.document.nodes(forXPath: "//*[local-name()='figure'][@id='figure-heatmap']/*[local-name()='figcaption']").first?.stringValue)
    #expect(caption.contains("Geometric mean") && caption.contains("logarithmic from 10⁻"))
  }

  @Test func findingNamesTheDeepestDepthAndEachLinesRatio() throws {
    let sweep = SyntheticSweep.standard()
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    // The finding is the first section of both files.
    let headings = report.markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }
    #expect(headings.first == "## Finding")
    let finding = try #require(report.markdown.split(separator: "\n").first { $0.hasPrefix("**Finding:**") })
    #expect(finding.contains("with 4 hidden layers"))
    // report.md draws the headline chart as an image written beside it.
    #expect(report.markdown.contains("![Gradient ratio layer 1 / last hidden layer against depth](report-finding.svg)"))
    let svg = try String(contentsOf: report.folder.appendingPathComponent("report-finding.svg"), encoding: .utf8)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-headline\""))
    _ = try XMLDocument(xmlString: svg, options: [])
    // Each activation's ratio at depth 4: the geometric mean of summary.csv's grad_ratio_init.
    for activation in ["sigmoid", "relu"] {
      let values = report.summary.records.filter {
        $0["model.activation"] == activation && $0["model.depth"] == "4" && ($0["status"] == "completed" || $0["status"] == "diverged")
      }.compactMap { $0["grad_ratio_init"].flatMap(CSVTable.number) }
      let g = try #require(GeometricStatistics(values).mean)
      #expect(finding.contains("\(activation): ") && finding.contains("(\(NumberFormatting.significant(g)))"), "\(finding)")
    }
  }

  @Test func predictedColumnIsDrawnDashedBesideEachLine() throws {
    let sweep = SyntheticSweep.standard()
    let report = try WrittenReport(sweep)
    defer { report.remove() }
    #expect(!report.html.contains("data-reference=\"predicted\""))
    // The theory module's column: 0.25^(L−1) for every run.
    let url = report.folder.appendingPathComponent("summary.csv")
    var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let depth = try #require(header.firstIndex(of: "model.depth"))
    let predicted = try #require(header.firstIndex(of: "predicted_grad_ratio_init"))
    for i in lines.indices.dropFirst() {
      var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      cells[predicted] = String(pow(0.25, Double(cells[depth])! - 1))
      lines[i] = cells.joined(separator: ",")
    }
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    let data = ReportData(folder: try ResultsFolder(url: report.folder), generated: Date())
    let document = try ReportWriter.build(data)
    let html = HTMLRenderer.render(document)
    let parsed = try ParsedHTML(html)
    // One dashed prediction per activation, in the initialisation panel, with a marker per depth.
    #expect(try parsed.count("//*[local-name()='svg'][@id='chart-headline']//*[@data-reference='predicted']") == 2)
    #expect(try parsed.count("//*[local-name()='svg'][@id='chart-headline']//*[@data-reference='predicted'][@stroke-dasharray]") == 2)
  }

  @Test func varianceAxesAreNamedByTheirVariable() {
    let display = AxisDisplay()
    #expect(display.shortName("model.weight_variance") == "σ_w²")
    #expect(display.shortName("model.bias_variance") == "σ_b²")
    #expect(display.name("model.weight_variance") == "σ_w² (model.weight_variance)")
    #expect(display.value("model.weight_variance", "1.76") == "1.76")
    #expect(display.shortName("model.depth") == "depth")
  }
}
