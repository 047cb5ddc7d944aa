import Foundation
import SweepResults
import Testing

@testable import SweepReport

/// A zip group is one report axis; β's gradient stands in for the bias's in normalized layers.
@Suite struct CombinedAxisTests {
  static let cures = [
    ["sigmoid", "xavier_normal", "none", "none"], ["relu", "he_normal", "none", "none"],
    ["sigmoid", "xavier_normal", "batch", "none"], ["sigmoid", "xavier_normal", "none", "identity"],
    ["tanh", "xavier_normal", "layer", "none"],
  ]
  static let members = ["model.activation", "model.initializer", "model.normalization", "model.residual"]

  @Test func labelsNameTheFirstFieldAndWhateverDiffersFromTheUsualValue() {
    // Repeats (other seeds, other depths) do not add values.
    let axis = CombinedAxis(members: Self.members, combinations: Self.cures + Self.cures.reversed())
    #expect(axis.name == "model.activation + model.initializer + model.normalization + model.residual")
    #expect(
      axis.values == [
        "sigmoid", "relu · initializer=he_normal", "sigmoid · normalization=batch", "sigmoid · residual=identity",
        "tanh · normalization=layer",
      ])
    let values = ["model.activation": "sigmoid", "model.initializer": "xavier_normal", "model.normalization": "batch", "model.residual": "none"]
    #expect(axis.label { values[$0] } == "sigmoid · normalization=batch")
  }

  @Test func labelsStayUniqueWhenNoValueIsUsual() {
    // Each initializer appears once: a tie, broken by the first listed, which is then left out.
    let axis = CombinedAxis(
      members: ["model.activation", "model.initializer"],
      combinations: [["relu", "he_normal"], ["relu", "xavier_normal"], ["tanh", "lecun_normal"]])
    #expect(axis.values == ["relu", "relu · initializer=xavier_normal", "tanh · initializer=lecun_normal"])
    #expect(Set(axis.values).count == 3)
  }

  @Test func reportDataGroupsAZipGroupAsOneAxis() throws {
    var runs: [SyntheticSweep.Run] = []
    for depth in [2, 4] {
      for (i, combination) in Self.cures.enumerated() {
        runs.append(
          SyntheticSweep.Run(
            id: "r\(runs.count)", index: runs.count,
            axisValues: Dictionary(uniqueKeysWithValues: zip(Self.members, combination)).merging(["model.depth": String(depth)]) { a, _ in a },
            seed: 1, status: "completed", depth: depth, rate: 0.01, ratio: 0.5, finalValAccuracy: 0.5 + 0.05 * Double(i)))
      }
    }
    var sweep = SyntheticSweep(axes: ["model.depth"] + Self.members, runs: runs)
    sweep.zipGroups = [Self.members]
    sweep.report = ["lines": "model.normalization"]
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let data = ReportData(folder: try ResultsFolder(url: folder), generated: Date())
    let combined = Self.members.joined(separator: " + ")
    #expect(data.axes == ["model.depth", combined])
    #expect(data.axisValues[combined]?.count == 5)
    #expect(data.axis(containing: "model.residual") == combined)
    #expect(data.value(data.runs[4], combined) == "tanh · normalization=layer")
    // The best configuration is the last network (highest accuracy), at either depth.
    #expect(data.bestConfiguration?.values.last == "tanh · normalization=layer")
    // A report setting that names one field of the group draws the whole group.
    let plan = ChartPlan(data)
    #expect(plan.linesAxis == combined)
    #expect(plan.panelsAxis == "model.depth")
    #expect(plan.fixed.isEmpty)
  }

  @Test func aLongAxisNameIsCutToTheSpaceItHas() {
    let name = Self.members.joined(separator: CombinedAxis.separator)
    let cut = SVGWriter.fitting(name, width: 200, size: 12, bold: true)
    #expect(cut.hasSuffix("…") && name.hasPrefix(String(cut.dropLast())))
    #expect(Double(cut.count) * 12 * 0.56 * 1.1 <= 200)
    #expect(SVGWriter.fitting("model.depth", width: 200, size: 12, bold: true) == "model.depth")
  }

  @Test func normalizedLayersReportTheirShiftsGradient() throws {
    // Layer 1 is batch-normalized (its bias gradient is noise), layer 2 is not.
    let log = try LayerLog(
      columns: [
        "step": [0, 0, 0], "layer": [1, 2, 3], "grad_b_norm": [1e-7, 0.5, 0.25], "grad_beta_norm": [0.2, nil, nil],
      ], lines: [2, 3, 4], path: "layers.csv", bounds: LogBounds())
    let profile = log.shiftGradientProfile(at: 0, through: 2)
    #expect(profile == [0.2, 0.5])
    #expect(SummaryBuilder.gradientRatio(log, at: 0) == 0.2 / 0.5)
  }
}
