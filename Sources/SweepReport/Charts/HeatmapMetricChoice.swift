import Foundation
import SweepResults

/// What the heatmap colours: the sweep's `report.heatmap_metric` (`report.heatmap:
/// <name>`), else the report's ranking metric (`grad_ratio_init` when no run trained);
/// and the fixed range of its colour
/// scale, so a colour means the same in every report rather than "lowest to highest
/// cell":
/// - accuracies: chance (1/C, `ChanceLevel`; 0 when unknown) → 1;
/// - losses: 0 → ln C, the cross-entropy of a uniform guess (cells above take the
///   top colour); without C, 0 → the largest cell;
/// - gradient ratios: log scale over 10⁻ᵏ … 10ᵏ, k the smallest whole number ≥ 2
///   covering every cell (at most 12), so 1 sits in the middle.
struct HeatmapMetricChoice {
  var name: String
  var label: String
  var higherIsBetter: Bool
  var kind: Kind
  var read: @Sendable (SummaryRow) -> Double?

  enum Kind { case accuracy, loss, ratio }

  init(_ data: ReportData) {
    let requested = data.folder.reportSpec.heatmapMetric
    // An ensemble at initialisation has no trained accuracy to compare: its gradient
    // ratio at step 0 is what differs between configurations.
    let name = requested ?? (data.anyRunTrained ? Self.name(of: data.metric) : "grad_ratio_init")
    self.name = name
    label = name.replacingOccurrences(of: "_", with: " ")
    kind = name.contains("accuracy") ? .accuracy : name.contains("loss") ? .loss : .ratio
    higherIsBetter = kind == .accuracy
    switch name {
    case "final_val_accuracy": read = { $0.finalValAccuracy }
    case "final_accuracy": read = { $0.finalAccuracy }
    case "best_val_accuracy": read = { $0.bestValAccuracy }
    case "final_val_loss": read = { $0.finalValLoss }
    case "final_loss": read = { $0.finalLoss }
    case "grad_ratio_init": read = { $0.gradRatioInit }
    case "grad_ratio_final": read = { $0.gradRatioFinal }
    case "test_accuracy": read = { $0.testAccuracy }
    case "test_loss": read = { $0.testLoss }
    default: read = { _ in nil }  // not a HeatmapMetric name: refused when the sweep loads
    }
  }

  static func name(of metric: PrimaryMetric) -> String {
    switch metric {
    case .valAccuracy: "final_val_accuracy"
    case .accuracy: "final_accuracy"
    case .valLoss: "final_val_loss"
    case .loss: "final_loss"
    }
  }

  func value(_ run: RunDigest) -> Double? { read(run.row) }

  /// The colour scale's range and whether it is logarithmic, and how the caption says it.
  func range(_ data: ReportData, cells: [Double]) -> (lower: Double, upper: Double, log: Bool, text: String) {
    switch kind {
    case .accuracy:
      let chance = data.chanceAccuracy ?? 0
      let text = data.chanceAccuracy.map { "from chance (1/\(Int((1 / $0).rounded())) = \(NumberFormatting.significant($0))) to 1" } ?? "from 0 to 1"
      return (chance, 1, false, text)
    case .loss:
      if let chance = data.chanceAccuracy {
        let top = log(1 / chance)
        return (0, top, false, "from 0 to ln \(Int((1 / chance).rounded())) = \(NumberFormatting.significant(top)), a uniform guess's cross-entropy (higher cells take the top colour)")
      }
      let top = max(cells.filter(\.isFinite).max() ?? 1, 1e-12)
      return (0, top, false, "from 0 to the largest cell, \(NumberFormatting.significant(top))")
    case .ratio:
      let decades = cells.filter { $0 > 0 && $0.isFinite }.map { abs(log10($0)) }.max() ?? 2
      let k = min(max(2, Int(ceil(decades - 1e-9))), 12)
      return (pow(10, -Double(k)), pow(10, Double(k)), true, "logarithmic from \(AxisScale.powerOfTenLabel(-k)) to \(AxisScale.powerOfTenLabel(k)), 1 in the middle; 0 (underflow) takes the bottom colour")
    }
  }
}
