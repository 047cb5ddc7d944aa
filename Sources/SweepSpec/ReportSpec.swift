/// The `report:` section of a sweep: which charts the report draws and which axes
/// go where. Every field is optional; nil means "chosen from the sweep" (see each).
public struct ReportSpec: Sendable, Hashable, Codable {
  /// Chart 1 draws one panel per value of this axis (default: the first axis).
  public var panels: String? = nil
  /// ... and one line per value of this axis (default: the second axis, if any).
  public var lines: String? = nil
  /// Chart 3's x and y axes (default: the first two axes).
  public var heatmap: [String]? = nil
  /// "Steps to reach loss ≤ threshold" uses this training loss (default 0.5).
  public var lossThreshold: Double? = nil
  /// Which charts to draw, in order (default: every chart the sweep has data for).
  public var charts: [ReportChart]? = nil

  public init() {}

  public enum CodingKeys: String, CodingKey, CaseIterable {
    case panels, lines, heatmap, lossThreshold = "loss_threshold", charts
  }
}

/// The charts of report.html.
public enum ReportChart: String, Sendable, Hashable, Codable, CaseIterable {
  /// Loss and validation accuracy over steps, a panel per `panels` value, a line per `lines` value.
  case loss
  /// Gradient norm by layer at initialisation and at the end (log scale).
  case gradients
  /// Final validation accuracy over two axes.
  case heatmap
  /// Saturated and dead fractions per layer over training.
  case saturation
  /// Update-to-weight ratio per layer over training.
  case updateRatio = "update_ratio"
}
