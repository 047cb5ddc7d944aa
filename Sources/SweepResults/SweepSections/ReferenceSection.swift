/// The `reference:` section: the published results a sweep reproduces, each as a claim
/// the report checks against the measured runs ("published vs measured", pass/fail).
///
/// A plain value: SweepSpec builds it from the sweep file with located errors
/// (`ReferenceDecoding.swift`), the runner writes it into manifest.json, and the report
/// reads it back from there with this type's lenient JSON decoding.
///
/// ```yaml
/// reference:
///   source: "He et al. 2015, Delving Deep into Rectifiers, ICCV"
///   url: https://arxiv.org/abs/1502.01852
///   setting: "theirs: 30-layer conv nets on ImageNet; ours: 30-layer MLPs on MNIST-1D, 2,000 steps"
///   claims:
///     - claim: "Xavier init stalls a 30-layer ReLU net"
///       location: "Figure 3"
///       runs: {model.initializer: xavier_normal, model.depth: 30}
///       metric: final_val_accuracy
///       statistic: mean
///       published_text: "does not converge"
///       at_most: 0.2
/// ```
package struct ReferenceSection: Sendable, Hashable, Codable {
  /// The publication: authors, year, title, venue.
  package var source: String? = nil
  /// Where to read it.
  package var url: String? = nil
  /// What differs between the published setting and this sweep (data, sizes, steps).
  package var setting: String? = nil
  /// The claims, in report order.
  package var claims: [ReferenceClaim] = []

  package init() {}

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case source, url, setting, claims
  }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    source = try c.decodeIfPresent(String.self, forKey: .source)
    url = try c.decodeIfPresent(String.self, forKey: .url)
    setting = try c.decodeIfPresent(String.self, forKey: .setting)
    claims = try c.decodeIfPresent([ReferenceClaim].self, forKey: .claims) ?? []
  }
}

/// How the matching runs' values of `metric` are reduced to one measured number.
///
/// `variance` is the sample variance (divisor k − 1) of the values, for ensembles
/// (replicates) whose spread is the published quantity (Hanin & Rolnick 2018: the
/// variance over initialisations of the normalised squared length). `mean_of_log` and
/// `variance_of_log` are the mean and sample variance of ln(value); values ≤ 0 have no
/// logarithm and are left out like non-finite ones. Heavy-tailed ensembles (a product of
/// independent per-layer factors) are judged on the log scale, where the sample
/// statistics converge.
package enum ReferenceStatistic: String, Sendable, Hashable, Codable, CaseIterable {
  case mean, median, min, max, variance
  case meanOfLog = "mean_of_log", varianceOfLog = "variance_of_log"

  /// Whether the statistic is taken of ln(value) (only positive values enter).
  package var takesLogarithm: Bool { self == .meanOfLog || self == .varianceOfLog }
}

/// The outcome of checking one claim.
package enum ReferenceVerdict: String, Sendable, Hashable {
  case pass, fail
  /// The claim states no tolerance or bound: shown for comparison only.
  case unchecked
}

/// One published number or statement and the bound our measurement must meet.
package struct ReferenceClaim: Sendable, Hashable, Codable {
  /// The published statement, in words. Required.
  package var claim: String
  /// Overrides the section's `source` for this claim.
  package var source: String? = nil
  /// Table or figure in the source, e.g. "Table 2", "Fig. 5".
  package var location: String? = nil
  /// Which runs the claim is about: axis path → value (canonical spelling, as in
  /// `PlannedRun.axisValues`). Empty means every run.
  package var runs: [String: String] = [:]
  /// The measured quantity: a summary.csv column (see `ReferenceClaim.metrics`) or a
  /// layers.csv value or ratio (`grad_b_norm[1]`, `act_std[L]/act_std[1]`; see
  /// `ReferenceMetric`). Required.
  package var metric: String
  /// How the matching runs' values are reduced (default mean).
  package var statistic: ReferenceStatistic = .mean
  /// The published number, when there is one.
  package var published: Double? = nil
  /// The published result as the source states it ("≈ 10× decay", "does not converge").
  package var publishedText: String? = nil
  /// Pass when |measured − published| ≤ tolerance.
  package var tolerance: Double? = nil
  /// Pass when |measured − published| ≤ relative_tolerance · |published|.
  package var relativeTolerance: Double? = nil
  /// Pass when measured ≤ at_most.
  package var atMost: Double? = nil
  /// Pass when measured ≥ at_least.
  package var atLeast: Double? = nil
  /// What differs for this claim in our setting.
  package var differs: String? = nil
  /// A band derived from theory: pass when the measured value is within this factor
  /// (≥ 1) of the same statistic of the runs' mean-field prediction — for
  /// `grad_ratio_init`, summary.csv's `predicted_grad_ratio_init` (docs/theory.md). The
  /// prediction follows the run's own config, so this checks the engine against theory;
  /// pin the config to the paper with a claim on `chi1` or `q_star`.
  package var predictedWithin: Double? = nil

  package init(claim: String, metric: String) {
    self.claim = claim
    self.metric = metric
  }

  /// Metrics a claim can name: the numeric summary.csv columns, plus
  /// `diverged_fraction` (the fraction of matching runs whose status is diverged).
  package static let metrics = [
    "final_loss", "final_accuracy", "final_val_loss", "final_val_accuracy", "best_val_accuracy",
    "grad_ratio_init", "grad_ratio_final", "steps", "seconds", "diverged_fraction",
    "predicted_grad_ratio_init", "chi1", "q_star", "xi_c", "test_loss", "test_accuracy",
    "jacobian_eig_mean_init", "jacobian_eig_var_init", "jacobian_sv_max_init", "jacobian_eig_var_rel_init",
  ]

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case claim, source, location, runs, metric, statistic, published
    case publishedText = "published_text", tolerance, relativeTolerance = "relative_tolerance"
    case atMost = "at_most", atLeast = "at_least", differs, predictedWithin = "predicted_within"
  }

  /// Reads a claim as manifest.json holds it (written by `encode(to:)`); the sweep
  /// file's checks (known metric, bounds that agree) ran when the sweep was loaded.
  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    claim = try c.decode(String.self, forKey: .claim)
    source = try c.decodeIfPresent(String.self, forKey: .source)
    location = try c.decodeIfPresent(String.self, forKey: .location)
    runs = try c.decodeIfPresent([String: String].self, forKey: .runs) ?? [:]
    metric = try c.decode(String.self, forKey: .metric)
    statistic = try c.decodeIfPresent(ReferenceStatistic.self, forKey: .statistic) ?? .mean
    published = try c.decodeIfPresent(Double.self, forKey: .published)
    publishedText = try c.decodeIfPresent(String.self, forKey: .publishedText)
    tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance)
    relativeTolerance = try c.decodeIfPresent(Double.self, forKey: .relativeTolerance)
    atMost = try c.decodeIfPresent(Double.self, forKey: .atMost)
    atLeast = try c.decodeIfPresent(Double.self, forKey: .atLeast)
    differs = try c.decodeIfPresent(String.self, forKey: .differs)
    predictedWithin = try c.decodeIfPresent(Double.self, forKey: .predictedWithin)
  }

  /// True when the run's axis values (path → canonical value) match `runs`.
  package func matches(_ axisValues: [String: String]) -> Bool {
    runs.allSatisfy { axisValues[$0.key] == $0.value }
  }

  /// Checks `measured` against every bound the claim states. A non-finite measurement
  /// fails any check, except +∞ against a claim whose only bound is `at_least`: a
  /// crossing never reached (`steps_to_loss`, `steps_to_val_accuracy`; the only metrics
  /// that keep +∞) is later than any step count, so "needs at least N steps" holds.
  package func verdict(measured: Double, predicted: Double? = nil) -> ReferenceVerdict {
    var checked = false
    let onlyAtLeast = atLeast != nil && atMost == nil && predictedWithin == nil && tolerance == nil && relativeTolerance == nil
    var ok = measured.isFinite || (measured == .infinity && onlyAtLeast)
    if let predictedWithin {
      checked = true
      if let predicted, predicted.isFinite, predicted > 0, measured > 0 {
        let ratio = measured / predicted
        ok = ok && ratio <= predictedWithin && ratio >= 1 / predictedWithin
      } else {
        ok = false
      }
    }
    if let published {
      if let tolerance {
        checked = true
        ok = ok && abs(measured - published) <= tolerance
      }
      if let relativeTolerance {
        checked = true
        ok = ok && abs(measured - published) <= relativeTolerance * abs(published)
      }
    }
    if let atMost {
      checked = true
      ok = ok && measured <= atMost
    }
    if let atLeast {
      checked = true
      ok = ok && measured >= atLeast
    }
    return checked ? (ok ? .pass : .fail) : .unchecked
  }

  /// The accepted range in words: `0.1 ± 0.05`, `0.1 ± 50%`, `≤ 0.2`, `≥ 0.9`, joined
  /// by "and"; "—" when nothing is checked.
  package var criterion: String {
    var parts = [String]()
    if let published {
      if let tolerance { parts.append("\(number(published)) ± \(number(tolerance))") }
      if let relativeTolerance { parts.append("\(number(published)) ± \(number(relativeTolerance * 100))%") }
    }
    if let atMost { parts.append("≤ \(number(atMost))") }
    if let atLeast { parts.append("≥ \(number(atLeast))") }
    if let predictedWithin { parts.append("within \(number(predictedWithin))× of theory") }
    return parts.isEmpty ? "—" : parts.joined(separator: " and ")
  }

  private func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(claim, forKey: .claim)
    try c.encodeIfPresent(source, forKey: .source)
    try c.encodeIfPresent(location, forKey: .location)
    try c.encode(runs, forKey: .runs)
    try c.encode(metric, forKey: .metric)
    try c.encode(statistic, forKey: .statistic)
    try c.encodeIfPresent(published, forKey: .published)
    try c.encodeIfPresent(publishedText, forKey: .publishedText)
    try c.encodeIfPresent(tolerance, forKey: .tolerance)
    try c.encodeIfPresent(relativeTolerance, forKey: .relativeTolerance)
    try c.encodeIfPresent(atMost, forKey: .atMost)
    try c.encodeIfPresent(atLeast, forKey: .atLeast)
    try c.encodeIfPresent(differs, forKey: .differs)
    try c.encodeIfPresent(predictedWithin, forKey: .predictedWithin)
  }
}
