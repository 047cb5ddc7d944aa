import Foundation
import SweepResults

/// Which charts report.html draws and which axes go where: the sweep's `report:`
/// section where it says, otherwise chosen from the sweep.
///
/// - panels: `report.panels`, else the first axis (with a single axis: one panel,
///   the axis's values as lines).
/// - lines: `report.lines`, else the first other axis.
/// - heatmap: `report.heatmap`, else the first two axes (one axis: a bar chart).
/// - every other axis is held at its value in the best configuration, so each line
///   shows one configuration's seeds rather than an average over, say, learning rates.
struct ChartPlan {
  var panelsAxis: String?
  var linesAxis: String?
  var heatmapAxes: [String]
  var charts: [ReportChart]
  /// Axis → value for the axes neither panels nor lines (the best configuration's).
  var fixed: [String: String]
  /// Settings that could not be honoured.
  var notes: [String]

  init(_ data: ReportData) {
    let spec = data.folder.reportSpec
    let axes = data.axes
    var notes: [String] = []
    func valid(_ axis: String?, _ key: String) -> String? {
      guard let axis else { return nil }
      // A field of a zip group stands for the group's combined axis.
      if let reportAxis = data.axis(containing: axis) { return reportAxis }
      notes.append("report.\(key): '\(axis)' is not an axis of this sweep (axes: \(axes.joined(separator: ", "))); using the default")
      return nil
    }
    var panels = valid(spec.panels, "panels")
    var lines = valid(spec.lines, "lines")
    if panels != nil, panels == lines {
      notes.append("report.panels and report.lines name the same axis; lines use the next axis")
      lines = nil
    }
    if panels == nil, lines == nil {
      if axes.count >= 2 {
        panels = axes[0]
        lines = axes[1]
      } else {
        lines = axes.first
      }
    } else if lines == nil {
      lines = axes.first { $0 != panels }
    } else if panels == nil {
      panels = axes.first { $0 != lines }
    }
    panelsAxis = panels
    linesAxis = lines

    var heat = (spec.heatmap ?? []).compactMap { valid($0, "heatmap") }
    if spec.heatmap != nil, heat.count != 2 || heat[0] == heat[1] {
      if !(spec.heatmap ?? []).isEmpty { notes.append("report.heatmap needs two different axes; using the first two axes") }
      heat = []
    }
    if heat.isEmpty { heat = Array(axes.prefix(2)) }
    heatmapAxes = heat

    charts = spec.charts ?? ReportChart.allCases
    let best = data.bestConfiguration?.values
    var fixed: [String: String] = [:]
    for (i, axis) in axes.enumerated() where axis != panels && axis != lines {
      fixed[axis] = best?[i] ?? data.axisValues[axis]?.first ?? ""
    }
    self.fixed = fixed
    self.notes = notes
  }

  /// "model.initializer = he_normal, training.learning_rate = 0.1".
  var fixedDescription: String {
    fixed.keys.sorted().map { "\($0) = \(fixed[$0]!)" }.joined(separator: ", ")
  }

  /// The last part of a dotted path ("model.activation" → "activation"), for panel
  /// titles that must fit; legends and captions name the full path.
  static func shortName(_ axis: String) -> String {
    axis.components(separatedBy: CombinedAxis.separator).map(CombinedAxis.fieldName).joined(separator: CombinedAxis.separator)
  }

  /// Runs matching the fixed axes (all seeds).
  func slice(_ data: ReportData, _ runs: [RunDigest]) -> [RunDigest] {
    runs.filter { run in fixed.allSatisfy { data.value(run, $0.key) == $0.value } }
  }

  /// The style of each value of an axis, in the values' order.
  ///
  /// Numeric axes (depth, σ_w², learning rate: every value a number) get an ordered
  /// sequential colour map by numeric rank, so colour reads as "more"; categorical
  /// axes the Okabe–Ito palette (dashes once colours run out). Every value also gets
  /// its own marker shape, so lines that overlap stay visible.
  static func styles(for values: [String]) -> [SeriesStyle] {
    let numbers = values.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    if values.count >= 2, numbers.count == values.count {
      let ranks = numbers.map { v in numbers.filter { $0 < v }.count }
      let distinct = Set(numbers).count
      return ranks.enumerated().map { i, r in
        SeriesStyle(color: Palette.sequential(r, of: distinct), shape: MarkerShape.at(i))
      }
    }
    return values.indices.map(style)
  }

  /// The style of the i-th value of a categorical axis: colours first, then dashes.
  static func style(_ i: Int) -> SeriesStyle {
    SeriesStyle(color: Palette.color(i), dash: Palette.dash(i / Palette.categorical.count), shape: MarkerShape.at(i))
  }
}
