/// `training.stall`: stop a run early, recorded as `stalled`, when its loss stops
/// moving — the symptom of a vanished gradient. Off (`null`) by default.
///
/// With the training losses ℓ₀ … ℓₖ logged so far (every `log.every` steps), the run
/// stalls at logged step k when k ≥ `window` and
///
///     min(ℓₖ₋ₙ₊₁ … ℓₖ) > (1 − min_improvement) · min(ℓ₀ … ℓₖ₋ₙ),   n = window
///
/// i.e. none of the last `window` logged losses beat the best one before them by the
/// fraction `min_improvement`. A stalled run is a result, not an error: it keeps its
/// logs up to that step, its final losses are evaluated there, and `--resume` keeps it.
package struct StallConfig: Codable, Sendable, Hashable {
  /// Logged steps without enough improvement before the run stops. At least 1.
  package var window: Int = 10
  /// The relative improvement of the best loss that counts as progress. In (0, 1).
  package var minImprovement: Double = 0.01

  package init() {}

  package init(window: Int, minImprovement: Double) {
    self.window = window
    self.minImprovement = minImprovement
  }

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case window, minImprovement = "min_improvement"
  }

  /// Any key, so that a misspelt one is reported instead of ignored.
  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  package init(from decoder: Decoder) throws {
    let names = CodingKeys.allCases.map(\.rawValue)
    let all = try decoder.container(keyedBy: AnyKey.self)
    for key in all.allKeys where !names.contains(key.stringValue) {
      let suggestion = Suggestions.closest(to: key.stringValue, among: names)
      throw ConfigFieldError(
        codingPath: all.codingPath + [key],
        message: "unknown key '\(key.stringValue)' in training.stall"
          + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""),
        note: "training.stall keys: " + Suggestions.list(names))
    }
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = StallConfig()
    let s = "training.stall"
    window = try c.integer(.window, default: d.window, in: Limits.stallWindow, in: s)
    minImprovement = try c.value(.minImprovement, default: d.minImprovement, in: s)
    guard minImprovement.isFinite, minImprovement > 0, minImprovement < 1 else {
      throw c.fail(
        .minImprovement,
        "training.stall.min_improvement must be in (0, 1), got \(CanonicalYAML.double(minImprovement))",
        note: "a fraction of the best loss so far: 0.01 means the loss must fall by 1 % within the window")
    }
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(window, forKey: .window)
    try c.encode(minImprovement, forKey: .minImprovement)
  }
}
