import Foundation
import SweepResults

/// "The ensemble at initialisation against theory": for configurations measured over
/// several seeds at step 0 (an initialisation ensemble — `training.steps: 0` with
/// `replicates` — or the first logged step of any replicated sweep), per hidden layer:
///
/// - left, the squared back-propagated gradient relative to the last hidden layer,
///   E[g_l²]/E[g_L²] over seeds (g = the shift gradient, `grad_b_norm` or `grad_beta_norm`),
///   with the 10–90 % band of the per-seed ratios, beside theory's `grad_sq_norm_rel`;
/// - right, the pre-activations' mean square q^l = `preact_std`² + `preact_mean`², mean
///   and band over seeds, beside theory's `preact_var`.
///
/// The predictions (dashed, in the line's colour) come from each run's prediction.json;
/// a configuration whose runs predict different profiles (another axis averaged in) or
/// where the theory does not apply gets no dashed line. Lines follow `AllLayersFigure`'s
/// grouping (the vanishing-gradient rows × depth).
///
/// Edge cases: no figure unless some configuration has ≥ 2 runs logged at step 0 and a
/// prediction.
enum EnsembleFigure {
  struct Line {
    var label: String
    var style: SeriesStyle
    var depth: Int
    var runs: [RunDigest]
    var predicted: [PredictionFile.Layer]?
  }

  static func lines(_ data: ReportData) -> [Line] {
    let runs = data.runs.filter { $0.hiddenLayers > 0 && $0.firstLoggedStep == 0 }
    let groups = LineGroups(data)
    let depths = Set(runs.map(\.hiddenLayers)).sorted()
    var out: [Line] = []
    for ci in groups.combos.indices {
      for (di, L) in depths.enumerated() {
        let group = groups.runs(data, runs, ci).filter { $0.hiddenLayers == L }
        guard group.count >= 2 else { continue }
        var style = groups.styles[ci]
        style.shape = MarkerShape.at(di)
        style.dash = ""
        out.append(
          Line(
            label: depths.count > 1 ? "\(groups.labels[ci]) · L=\(L)" : groups.labels[ci], style: style, depth: L,
            runs: group, predicted: commonPrediction(data, group)))
      }
    }
    return out
  }

  /// The per-layer prediction shared by every run of a group, nil when a run has none
  /// (or it does not apply) or two runs predict different profiles.
  static func commonPrediction(_ data: ReportData, _ group: [RunDigest]) -> [PredictionFile.Layer]? {
    var shared: [PredictionFile.Layer]? = nil
    for run in group {
      let url = data.folder.runFolder(run.runID).appendingPathComponent(PredictionFile.fileName)
      guard let prediction = try? PredictionFile.read(from: url), prediction.applies else { return nil }
      if let shared {
        let same =
          shared.count == prediction.layers.count
          && zip(shared, prediction.layers).allSatisfy {
            close($0.gradSqNormRel, $1.gradSqNormRel) && close($0.preactVar, $1.preactVar)
              && close($0.lengthVarianceRel, $1.lengthVarianceRel) && $0.width == $1.width
          }
        if !same { return nil }
      } else {
        shared = prediction.layers
      }
    }
    return shared
  }

  /// The layer whose ensemble E[g_l²]/E[g_L²] is farthest (as a factor) from its
  /// prediction, among the runs of one configuration at step 0: (measured/predicted,
  /// layer). nil with fewer than 2 such runs, mixed depths, or no common prediction.
  static func worstGradientGap(_ data: ReportData, _ group: [RunDigest]) -> (ratio: Double, layer: Int)? {
    let runs = group.filter { $0.hiddenLayers > 0 && $0.firstLoggedStep == 0 }
    guard runs.count >= 2, Set(runs.map(\.hiddenLayers)).count == 1, let predicted = commonPrediction(data, runs)
    else { return nil }
    var worst: (ratio: Double, layer: Int)? = nil
    for point in EnsembleProfile.squaredRelative(runs.map(\.gradientsAtStart)) {
      guard let p = predicted.first(where: { $0.layer == point.layer })?.gradSqNormRel, p > 0, point.centre > 0
      else { continue }
      let ratio = point.centre / p
      if max(ratio, 1 / ratio) > (worst.map { max($0.ratio, 1 / $0.ratio) } ?? 0) { worst = (ratio, point.layer) }
    }
    return worst
  }

  private static func close(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
  }

  static func make(_ data: ReportData) -> ReportFigure? {
    let lines = lines(data)
    guard lines.contains(where: { $0.predicted != nil }) else { return nil }
    var gradientSeries: [PlotSeries] = [], lengthSeries: [PlotSeries] = []
    var gradientValues: [Double] = [], lengthValues: [Double] = []
    var worst: (ratio: Double, text: String)? = nil
    for line in lines {
      let gradient = EnsembleProfile.squaredRelative(line.runs.map(\.gradientsAtStart))
      let length = EnsembleProfile.mean(line.runs.map(\.preactMeanSquareAtStart))
      for (points, values, series, what) in [
        (gradient, \PredictionFile.Layer.gradSqNormRel, 0, "E[g²]/E[g_L²]"), (length, \PredictionFile.Layer.preactVar, 1, "q"),
      ] {
        guard !points.isEmpty else { continue }
        let measured = PlotSeries(
          label: line.label, style: line.style, points: points.map { (Double($0.layer), $0.centre) },
          band: points.compactMap { p in p.low.flatMap { low in p.high.map { (Double(p.layer), low, $0) } } }, markers: true,
          pointTooltips: points.map {
            "\(line.label), layer \($0.layer): \(what) \(NumberFormatting.significant($0.centre)) over \($0.count) seeds"
          })
        var all = points.flatMap { [$0.centre, $0.low, $0.high].compactMap { $0 } }
        var drawn = [measured]
        if let predicted = line.predicted {
          let pairs = predicted.compactMap { layer in layer[keyPath: values].map { (Double(layer.layer), $0) } }
          if !pairs.isEmpty {
            all += pairs.map(\.1)
            drawn.append(
              PlotSeries(
                label: line.label, style: line.style, points: pairs, markers: true,
                pointTooltips: pairs.map { "\(line.label), layer \(Int($0.0)): \(what) predicted \(NumberFormatting.significant($0.1))" },
                isReference: true))
            for point in points {
              guard let p = pairs.first(where: { Int($0.0) == point.layer })?.1, p > 0, point.centre > 0 else { continue }
              let ratio = point.centre / p
              let off = max(ratio, 1 / ratio)
              if off > (worst.map { max($0.ratio, 1 / $0.ratio) } ?? 0) {
                worst = (ratio, "\(line.label), layer \(point.layer), \(series == 0 ? "gradient" : "q")")
              }
            }
          }
        }
        if series == 0 {
          gradientSeries += drawn
          gradientValues += all
        } else {
          lengthSeries += drawn
          lengthValues += all
        }
      }
    }
    let maxL = Double(lines.map(\.depth).max() ?? 1)
    let xDomain = maxL <= 1 ? (0.5, 1.5) : (1.0, maxL)
    let lengthKind = AxisScale.preferredKind(for: lengthValues.filter { $0 > 0 }, decades: 1.3)
    // Nets without biases log ‖∂L/∂b‖ = 0: no measured gradient profile, so no gradient panel.
    let gradientPanel: LinePanel? =
      gradientSeries.contains(where: { !$0.isReference }) ? LinePanel(
        title: "squared gradient relative to the last hidden layer", xLabel: "layer (1 = nearest the input)",
        yLabel: "E[g_l²] / E[g_L²]", yKind: .log, xDomain: xDomain,
        yDomain: AxisScale.domain(for: gradientValues, kind: .log), integerX: true, series: gradientSeries) : nil
    let lengthPanel = LinePanel(
      title: "pre-activation mean square qˡ", xLabel: "layer (1 = nearest the input)", yLabel: "qˡ", yKind: lengthKind,
      xDomain: xDomain, integerX: true, series: lengthSeries)
    let panels: [LinePanel?] = gradientPanel.map { [$0, lengthPanel] } ?? [lengthPanel]
    let legend = lines.map { LegendEntry(label: $0.label, style: $0.style, marker: true) }
    let chart = LineChart(
      id: "ensemble", title: "The ensemble at initialisation against theory", panels: panels, columns: panels.count,
      panelHeight: 300, legendTitle: "configuration", legend: legend)
    let seeds = lines.map(\.runs.count)
    var caption =
      gradientPanel == nil
      ? "Each configuration's runs at step 0, seeds pooled (\(seeds.min()!)–\(seeds.max()!) per line): solid, the pre-activations' mean square q^l per layer, with a band holding the middle 80 % of the seeds (10–90 % quantiles); dashed, in the same colour, the theory's prediction for that configuration (prediction.json; docs/theory.md). No gradient panel: the nets have no biases, so ‖∂L/∂b‖ is 0."
      : "Each configuration's runs at step 0, seeds pooled (\(seeds.min()!)–\(seeds.max()!) per line): solid, the ensemble's per-layer statistic — left the mean squared shift gradient of layer l over that of the last hidden layer L (E[g_l²]/E[g_L²], what mean-field theory predicts), right the pre-activations' mean square q^l — with a band holding the middle 80 % of the seeds (10–90 % quantiles). Dashed, in the same colour: the theory's prediction for that configuration (prediction.json; docs/theory.md). The gradient law is per example: grad_b_norm sums a batch, so batch_size 1 measures exactly what is predicted."
    if let worst {
      caption += " Largest gap: measured/predicted = \(NumberFormatting.significant(worst.ratio)) (\(worst.text))."
    }
    return ReportFigure(id: "ensemble", title: chart.title, svg: chart.svg(), caption: [.text(caption)])
  }
}
