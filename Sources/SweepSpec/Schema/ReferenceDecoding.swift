import GradEngine
import SweepResults

// The `reference:` section as the sweep file spells it: decoded with located errors
// (`FieldDecoding.swift`) into the plain `ReferenceSection` / `ReferenceClaim` of
// SweepResults, which the runner writes into manifest.json for the report.

extension ReferenceStatistic: UserFacingName {}

extension CodingUserInfoKey {
  /// The dotted prefix of the value being decoded, for messages (`reference.claims[2]`).
  static let fieldPrefix = CodingUserInfoKey(rawValue: "gradsweep.fieldPrefix")!
}

/// `reference:`'s own keys (source, url, setting); the claims are decoded one by one.
struct LocatedReferenceHeader: Decodable {
  var value = ReferenceSection()

  init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: ReferenceSection.CodingKeys.self)
    value.source = try c.optional(.source, default: nil)
    value.url = try c.optional(.url, default: nil)
    value.setting = try c.optional(.setting, default: nil)
  }
}

/// One claim of `reference.claims`, checked: a known metric, tolerances that have a
/// published value, bounds that agree, `predicted_within` only where theory predicts.
struct LocatedReferenceClaim: Decodable {
  var value: ReferenceClaim

  init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: ReferenceClaim.CodingKeys.self)
    let s =
      decoder.userInfo[.fieldPrefix] as? String ?? ProblemLocator.dotted("reference", c.codingPath.map(\.pathComponent))
    // Required keys are checked last, so the loader sees the other keys' problems first.
    var claim = ReferenceClaim(claim: try c.optional(.claim, default: nil) ?? "", metric: "")
    claim.source = try c.optional(.source, default: nil)
    claim.location = try c.optional(.location, default: nil)
    claim.runs = (try c.optional(.runs, default: [String: LooseText]()) ?? [:]).mapValues(\.text)
    let metric = try c.optional(.metric, default: nil) ?? ""
    claim.metric = metric
    if !metric.isEmpty, ReferenceMetric(parsing: metric) == nil {
      throw c.fail(.metric, "unknown metric '\(metric)'" + Self.metricSuggestion(metric), note: Self.metricNote)
    }
    claim.statistic = try c.name(.statistic, default: .mean, kind: "statistic", in: s)
    claim.published = try c.optionalReal(.published, default: nil, .any, in: s)
    claim.publishedText = try c.optional(.publishedText, default: nil)
    claim.tolerance = try c.optionalReal(.tolerance, default: nil, .nonNegative, in: s)
    claim.relativeTolerance = try c.optionalReal(.relativeTolerance, default: nil, .nonNegative, in: s)
    claim.atMost = try c.optionalReal(.atMost, default: nil, .any, in: s)
    claim.atLeast = try c.optionalReal(.atLeast, default: nil, .any, in: s)
    claim.differs = try c.optional(.differs, default: nil)
    claim.predictedWithin = try c.optionalReal(.predictedWithin, default: nil, .positive, in: s)
    if let predictedWithin = claim.predictedWithin {
      if predictedWithin < 1 {
        throw c.fail(
          .predictedWithin,
          "\(s).predicted_within must be a factor of at least 1, got \(CanonicalYAML.double(predictedWithin))",
          note: "1.5 accepts measured values from prediction/1.5 to prediction×1.5")
      }
      if metric != "grad_ratio_init" {
        throw c.fail(
          .predictedWithin, "\(s).predicted_within needs metric grad_ratio_init (the quantity the theory predicts per run)")
      }
    }
    if claim.published == nil {
      if claim.tolerance != nil {
        throw c.fail(.tolerance, "\(s).tolerance needs \(s).published (the value it is a tolerance around)")
      }
      if claim.relativeTolerance != nil {
        throw c.fail(
          .relativeTolerance, "\(s).relative_tolerance needs \(s).published (the value it is a tolerance around)")
      }
    }
    if let atMost = claim.atMost, let atLeast = claim.atLeast, atLeast > atMost {
      throw c.fail(
        .atLeast,
        "\(s).at_least (\(CanonicalYAML.double(atLeast))) is greater than at_most (\(CanonicalYAML.double(atMost)))")
    }
    if claim.claim.isEmpty { throw c.fail(.claim, "\(s).claim is required (the published statement)") }
    if metric.isEmpty { throw c.fail(.metric, "\(s).metric is required", note: Self.metricNote) }
    value = claim
  }

  /// " (did you mean …?)" for a mistyped metric; a per-layer form keeps its brackets.
  static func metricSuggestion(_ metric: String) -> String {
    guard let bracket = metric.firstIndex(of: "["), !metric.contains("/") else {
      return Suggestions.didYouMean(metric, among: ReferenceClaim.metrics)
    }
    let column = String(metric[..<bracket])
    guard let closest = Suggestions.closest(to: column, among: ReferenceMetric.layerColumns), closest != column else {
      return ""
    }
    return " (did you mean '\(closest)\(metric[bracket...])'?)"
  }

  /// What a metric may be, for error notes.
  static let metricNote =
    "one of: " + Suggestions.list(ReferenceClaim.metrics)
    + "; or a layers.csv column at a layer and step, COLUMN[LAYER]@STEP, e.g. grad_b_norm[1], act_std[L]@last, or a ratio A/B of two; or steps_to_loss[X], the first logged step with training loss ≤ X; or steps_to_val_accuracy[X], the first with validation accuracy ≥ X"
}

/// A scalar or a list of scalars read as text (`[64, 32]` for a list): values of a
/// claim's `runs` filter before the loader spells them canonically.
struct LooseText: Decodable {
  let text: String
  init(from decoder: Decoder) throws {
    if var list = try? decoder.unkeyedContainer() {
      var items = [String]()
      while !list.isAtEnd { items.append(try list.decode(String.self)) }
      text = "[" + items.joined(separator: ", ") + "]"
    } else {
      text = try decoder.singleValueContainer().decode(String.self)
    }
  }
}
