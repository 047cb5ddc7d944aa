import Foundation

/// How charts name an axis and print its values: in the physics variable where the
/// sweep's setting defines one, else as swept.
///
/// `model.init_gain` with the `scaled_normal` initializer (weights N(0, σ_w²/fan_in),
/// so the gain is σ_w) is shown as σ_w² = gain², the variable of the mean-field papers
/// (Poole et al. 2016; Schoenholz et al. 2017: the order–chaos boundary at σ_w² ≈ 1.76
/// for σ_b² = 0.05), e.g. 1.3270097 → "1.76". Tables and summary.csv keep the values as
/// swept, so a row can still be matched to the sweep file.
///
/// `model.weight_variance` and `model.bias_variance` are σ_w² and σ_b² by definition
/// (W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²)): their values are shown as swept, under the
/// variable's name.
///
/// Edge cases: when the initializer is itself an axis, or the runs' config.yaml cannot
/// be read, `model.init_gain` is not renamed.
struct AxisDisplay: Sendable {
  /// Axes shown as σ_w² = value².
  private var squared: Set<String> = []
  /// The variance axes, named by their variable.
  private static let variances = ["model.weight_variance": "σ_w²", "model.bias_variance": "σ_b²"]

  init() {}

  init(folder: ResultsFolder, axes: [String], runs: [RunDigest]) {
    guard axes.contains("model.init_gain"), !axes.contains(where: { $0.contains("model.initializer") }),
      let run = runs.first,
      let text = try? String(contentsOf: folder.runFolder(run.runID).appendingPathComponent("config.yaml"), encoding: .utf8)
    else { return }
    let initializer = text.split(separator: "\n").first { line in
      line.trimmingCharacters(in: .whitespaces).hasPrefix("initializer:") && line.hasPrefix(" ")
    }
    if initializer?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) == "scaled_normal" {
      squared.insert("model.init_gain")
    }
  }

  /// "σ_w² (model.init_gain²)" or the axis itself.
  func name(_ axis: String) -> String {
    if let symbol = Self.variances[axis] { return "\(symbol) (\(axis))" }
    return squared.contains(axis) ? "σ_w² (= \(axis)²)" : axis
  }

  /// The short name for panel titles: "σ_w²" or the last part of the path.
  func shortName(_ axis: String) -> String {
    Self.variances[axis] ?? (squared.contains(axis) ? "σ_w²" : ChartPlan.shortName(axis))
  }

  func value(_ axis: String, _ v: String) -> String {
    guard squared.contains(axis), let x = Double(v) else { return v }
    return NumberFormatting.significant(x * x)
  }
}
