import GradEngine

/// The `log:` section: how often a run records its metrics and per-layer statistics, and
/// which optional instruments it computes at those steps (issue 16; all off by default,
/// and a run that asks for none writes exactly the columns it wrote before they existed).
///
/// The property initialisers below ARE the documented defaults (docs/sweep-file.md).
/// Each instrument's YAML key is also its CSV column (docs/csv-columns.md).
package struct LogConfig: Codable, Sendable, Hashable {
  /// Log every this many steps, plus step 0 and the final step; 0 logs only those two.
  /// At least 0.
  package var every: Int = 10
  /// Evaluate on the validation split at each logged step.
  package var validate: Bool = true
  /// layers.csv `preact_grad_norm`: mean over the batch of the per-example ‖∂ℓ/∂h‖.
  package var preactGradNorm: Bool = false
  /// layers.csv `correlation`: the cosine of two probe inputs' pre-activations, the
  /// inputs starting at this correlation c⁰ ∈ [−1, 1]; null = off.
  package var correlation: Double? = nil
  /// The input–output Jacobian's singular values at step 0 (jacobian.csv, and the
  /// metrics.csv columns `jacobian_eig_mean`, `jacobian_eig_var`, `jacobian_sv_max`).
  package var jacobian: Bool = false
  /// Also at every logged step that is a multiple of this (0 = step 0 only); needs
  /// `jacobian: true` and a multiple of `every`.
  package var jacobianEvery: Int = 0
  /// layers.csv `weight_distance`: ‖W − W₀‖/‖W₀‖.
  package var weightDistance: Bool = false
  /// layers.csv `spectral_norm`: the largest singular value of W.
  package var spectralNorm: Bool = false
  /// layers.csv `grad_w_abs_min` … `grad_w_abs_max`: TensorBoard's nine bands of |∂L/∂W|.
  package var gradQuantiles: Bool = false

  package init() {}

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case every, validate
    case preactGradNorm = "preact_grad_norm", correlation, jacobian, jacobianEvery = "jacobian_every"
    case weightDistance = "weight_distance", spectralNorm = "spectral_norm", gradQuantiles = "grad_quantiles"
  }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = LogConfig()
    let s = Self.sectionName
    every = try c.integer(.every, default: d.every, in: Limits.logEvery, in: s)
    validate = try c.value(.validate, default: d.validate, in: s)
    preactGradNorm = try c.value(.preactGradNorm, default: d.preactGradNorm, in: s)
    correlation = try c.optionalReal(.correlation, default: d.correlation, .signedUnit, in: s)
    jacobian = try c.value(.jacobian, default: d.jacobian, in: s)
    jacobianEvery = try c.integer(.jacobianEvery, default: d.jacobianEvery, in: Limits.logEvery, in: s)
    weightDistance = try c.value(.weightDistance, default: d.weightDistance, in: s)
    spectralNorm = try c.value(.spectralNorm, default: d.spectralNorm, in: s)
    gradQuantiles = try c.value(.gradQuantiles, default: d.gradQuantiles, in: s)
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(every, forKey: .every)
    try c.encode(validate, forKey: .validate)
    try c.encode(preactGradNorm, forKey: .preactGradNorm)
    try c.encode(correlation, forKey: .correlation)
    try c.encode(jacobian, forKey: .jacobian)
    try c.encode(jacobianEvery, forKey: .jacobianEvery)
    try c.encode(weightDistance, forKey: .weightDistance)
    try c.encode(spectralNorm, forKey: .spectralNorm)
    try c.encode(gradQuantiles, forKey: .gradQuantiles)
  }

  /// The engine's instrument switches.
  package var instruments: InstrumentOptions {
    InstrumentOptions(
      preactGradNorm: preactGradNorm, correlation: correlation, jacobian: jacobian, jacobianEvery: jacobianEvery,
      weightDistance: weightDistance, spectralNorm: spectralNorm, gradQuantiles: gradQuantiles)
  }
}

extension LogConfig: ConfigSection {
  typealias Keys = CodingKeys
  static var sectionName: String { "log" }

  static var fieldAccess: [String: FieldAccess<LogConfig>] {
    [
      "every": .integer(\.every), "validate": .plain(\.validate),
      "preact_grad_norm": .plain(\.preactGradNorm), "correlation": .optionalReal(\.correlation),
      "jacobian": .plain(\.jacobian), "jacobian_every": .integer(\.jacobianEvery),
      "weight_distance": .plain(\.weightDistance), "spectral_norm": .plain(\.spectralNorm),
      "grad_quantiles": .plain(\.gradQuantiles),
    ]
  }
}
