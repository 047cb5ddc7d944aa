/// The `report:` section of a sweep: which charts the report draws and which axes
/// go where. Every field is optional; nil means "chosen from the sweep" (see each).
package struct ReportSpec: Sendable, Hashable, Codable {
  /// Chart 1 draws one panel per value of this axis (default: the first axis).
  package var panels: String? = nil
  /// ... and one line per value of this axis (default: the second axis, if any).
  package var lines: String? = nil
  /// Chart 3's x and y axes (default: the first two axes). In the sweep file,
  /// `report.heatmap: [x, y]`.
  package var heatmap: [String]? = nil
  /// Chart 3's metric, a summary.csv column (`HeatmapMetric.names`; default: the
  /// report's ranking metric). In the sweep file `report.heatmap: final_accuracy`
  /// (a name rather than a list) or `report.heatmap_metric:`.
  package var heatmapMetric: String? = nil
  /// "Steps to reach loss ≤ threshold" uses this training loss (default 0.5).
  package var lossThreshold: Double? = nil
  /// Which charts to draw, in order (default: every chart the sweep has data for).
  package var charts: [ReportChart]? = nil

  package init() {}

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case panels, lines, heatmap, heatmapMetric = "heatmap_metric", lossThreshold = "loss_threshold", charts
  }
}

/// The metrics the heatmap can colour by: summary.csv columns, with the fixed range
/// of their colour scale (see the report's heatmap).
package enum HeatmapMetric {
  package static let names = [
    "final_val_accuracy", "final_accuracy", "best_val_accuracy", "test_accuracy", "final_val_loss", "final_loss",
    "test_loss", "grad_ratio_init", "grad_ratio_final",
  ]
}

/// The charts of report.html.
package enum ReportChart: String, Sendable, Hashable, Codable, CaseIterable {
  /// Loss and validation accuracy over steps, a panel per `panels` value, a line per `lines` value.
  case loss
  /// Gradient norm by layer at initialisation and at the end (log scale).
  case gradients
  /// Every layer of every configuration in one chart at initialisation: gradient
  /// norm and activation std against the layer index, with reference lines.
  case layers
  /// Final validation accuracy over two axes.
  case heatmap
  /// Saturated and dead fractions per layer over training.
  case saturation
  /// Update-to-weight ratio per layer over training.
  case updateRatio = "update_ratio"
}
