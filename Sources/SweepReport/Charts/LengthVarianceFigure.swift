import Foundation
import SweepResults

/// "The spread of the activation length over initialisations against β": Hanin & Rolnick
/// 2018's failure mode FM2 (NeurIPS, arXiv 1803.01719) drawn for an initialisation
/// ensemble of ReLU nets. For one input, M_l = ‖x^l‖²/n_l is layers.csv's `act_sq[l]` at
/// step 0 with `batch_size: 1`, and R_l = M_l/M₁ spans the layers above the first, so
/// its law does not depend on the input. Per configuration and hidden layer l ≥ 2:
///
/// - x: β_l = Σ_(j=2)^l 1/n_j, the sum of the reciprocal widths above layer 1 (the
///   widths from prediction.json);
/// - y, solid: the sample variance (divisor k − 1) over the configuration's k runs of
///   R_l;
/// - y, dashed: prediction.json's `act_sq_rel_var`, the exact finite-width value
///   ∏(s_j/2)²·[∏(1 + 5/n_j) − 1] for Gaussian weights N(0, s_j/n_(j−1)) and no biases
///   (RunPrediction.lengthVariances; HaninLaw in GradTheory);
/// - grey: e^(5β) − 1, the large-width form of the He case (s_j = 2), which the exact
///   product stays below.
///
/// Nets of equal β spread alike whatever their depth: their points fall on one curve.
/// A configuration is drawn when its runs share a prediction that has `act_sq_rel_var`
/// (ReLU, Gaussian weights, no biases, no dropout, `batch_size: 1`) and at least 2 of
/// them have finite, positive M₁ and M_l.
///
/// Edge cases: no figure when no configuration qualifies; a layer with fewer than 2
/// usable runs, or a variance ≤ 0, gets no point (the y axis is logarithmic).
enum LengthVarianceFigure {
  struct Point: Equatable {
    var layer: Int
    var beta: Double
    var variance: Double
    var predicted: Double?
    /// Runs that contributed.
    var count: Int
  }

  /// The points of one configuration: `profiles` the runs' M_l (index 0 ↔ layer 1),
  /// `prediction` their shared per-layer prediction.
  static func points(_ profiles: [[Double?]], prediction: [PredictionFile.Layer]) -> [Point] {
    var beta = 0.0
    var out: [Point] = []
    for layer in prediction.sorted(by: { $0.layer < $1.layer }) where layer.layer >= 2 {
      guard let width = layer.width, width > 0 else { return out }
      beta += 1 / Double(width)
      let ratios = profiles.compactMap { profile -> Double? in
        guard profile.count >= layer.layer, let first = profile[0], let m = profile[layer.layer - 1],
          first.isFinite, first > 0, m.isFinite
        else { return nil }
        return m / first
      }
      guard ratios.count >= 2 else { continue }
      let mean = ratios.reduce(0, +) / Double(ratios.count)
      let variance = ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ratios.count - 1)
      out.append(Point(layer: layer.layer, beta: beta, variance: variance, predicted: layer.lengthVarianceRel, count: ratios.count))
    }
    return out
  }

  static func make(_ data: ReportData) -> ReportFigure? {
    var series: [PlotSeries] = [], legend: [LegendEntry] = []
    var values: [Double] = [], betas: [Double] = []
    var worst: (ratio: Double, text: String)? = nil
    for line in EnsembleFigure.lines(data) {
      guard let predicted = line.predicted, predicted.contains(where: { $0.layer >= 2 && $0.lengthVarianceRel != nil }) else {
        continue
      }
      let points = points(line.runs.map(\.activationMeanSquareAtStart), prediction: predicted).filter { $0.variance > 0 }
      guard !points.isEmpty else { continue }
      series.append(
        PlotSeries(
          label: line.label, style: line.style, points: points.map { ($0.beta, $0.variance) }, markers: true,
          pointTooltips: points.map {
            "\(line.label), layer \($0.layer) (β = \(NumberFormatting.significant($0.beta))): Var[M_l/M_1] \(NumberFormatting.significant($0.variance)) over \($0.count) nets"
          }))
      let theory = points.compactMap { p in p.predicted.flatMap { $0 > 0 ? (p, $0) : nil } }
      series.append(
        PlotSeries(
          label: line.label, style: line.style, points: theory.map { ($0.0.beta, $0.1) }, markers: true,
          pointTooltips: theory.map {
            "\(line.label), layer \($0.0.layer) (β = \(NumberFormatting.significant($0.0.beta))): predicted \(NumberFormatting.significant($0.1))"
          }, isReference: true))
      legend.append(LegendEntry(label: line.label, style: line.style, marker: true))
      values += points.map(\.variance) + theory.map(\.1)
      betas += points.map(\.beta)
      for (point, p) in theory {
        let ratio = point.variance / p
        if max(ratio, 1 / ratio) > (worst.map { max($0.ratio, 1 / $0.ratio) } ?? 0) {
          worst = (ratio, "\(line.label), layer \(point.layer), β = \(NumberFormatting.significant(point.beta))")
        }
      }
    }
    guard !series.isEmpty, let maxBeta = betas.max() else { return nil }
    let curve = (0...40).map { i -> (x: Double, y: Double) in
      let b = maxBeta * Double(i + 1) / 41
      return (b, exp(5 * b) - 1)
    }
    values += [curve[0].y, curve[curve.count - 1].y]
    let panel = LinePanel(
      title: "variance over initialisations of M_l / M_1", xLabel: "β = Σ 1/n_j (layers 2…l)", yLabel: "Var[M_l / M_1]",
      yKind: .log, xDomain: (0, maxBeta * 1.05), yDomain: AxisScale.domain(for: values, kind: .log), series: series,
      references: [ReferenceLine(label: "e^(5β) − 1", points: curve)])
    let chart = LineChart(
      id: "length-variance", title: "The spread of the activation length against β (Hanin & Rolnick 2018)", panels: [panel],
      columns: 1, panelHeight: 320, legendTitle: "configuration", legend: legend)
    var caption =
      "Each configuration's nets at step 0: M_l = ‖x^l‖²/n_l, the mean square of layer l's activations for one input (act_sq with batch_size 1), and R_l = M_l/M_1, which spans the layers above the first. Solid: the variance of R_l over the nets (divisor k − 1) at β_l = Σ_{j=2..l} 1/n_j. Dashed, in the same colour: prediction.json's act_sq_rel_var, the exact value for ReLU with Gaussian weights N(0, s_j/n_(j−1)) and no biases, ∏(s_j/2)²·[∏(1 + 5/n_j) − 1] (He: s_j = 2). Grey: e^(5β) − 1, its large-width form for He weights. Hanin & Rolnick's FM2: the spread grows exponentially in β, and nets of equal β spread alike whatever their depth. The sample variance of R is heavy-tailed: at β = 0.5 a few nets in a thousand carry it, and its standard error over 2,000 nets is 1–5× the value, so points there scatter around the theory; the log-length claims of configs/hanin-2018.yaml are the tight check."
    if let worst {
      caption += " Largest gap: measured/predicted = \(NumberFormatting.significant(worst.ratio)) (\(worst.text))."
    }
    return ReportFigure(id: "length-variance", title: chart.title, svg: chart.svg(), caption: [.text(caption)])
  }
}
