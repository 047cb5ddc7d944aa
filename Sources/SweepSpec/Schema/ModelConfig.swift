import GradEngine

/// The `model:` section: a fully connected network
/// `input → widths[0] → … → widths[L−1] → output`, flat so every field can be an axis
/// (`model.depth`, `model.init_gain`, …).
///
/// The property initialisers below ARE the documented defaults (docs/sweep-file.md
/// lists them); decoding an empty `model:` gives exactly `ModelConfig()`.
package struct ModelConfig: Codable, Sendable, Hashable {
  /// Units in every hidden layer when `widths` is not given. At least 1.
  package var width: Int = 32
  /// Number of hidden layers when `widths` is not given. At least 1.
  package var depth: Int = 4
  /// Per-layer hidden widths, input side first; when set it replaces `width` × `depth`.
  /// Non-empty, each at least 1.
  package var widths: [Int]? = nil
  /// Hidden-layer activation (any `ActivationKind` name or alias).
  package var activation: ActivationKind = .relu
  /// Negative-side slope of `leaky_relu` and initial slope of `prelu`; nil = the
  /// engine's default (0.01 for leaky_relu, 0.25 for prelu). At least 0.
  package var slope: Double? = nil
  /// Weight initializer (any `InitializerKind` name or alias).
  package var initializer: InitializerKind = .heNormal
  /// Gain multiplying the initializer's std or limit (orthogonal: the gain;
  /// scaled_normal: σ_w, so Var w = gain²/fan_in). At least 0.
  package var initGain: Double = 1
  /// Standard deviation for the `normal` initializer. At least 0.
  package var initStd: Double = 0.01
  /// Half-width for the `uniform` initializer: U[−limit, limit]. At least 0.
  package var initLimit: Double = 0.05
  /// Value for the `constant` initializer. Any finite number.
  package var initValue: Double = 0
  /// σ_w² of mean-field theory: when set, weights are drawn N(0, σ_w²/fan_in) whatever
  /// `initializer` says, so a σ_w² axis is a plain grid (Poole et al. 2016). At least 0.
  package var weightVariance: Double? = nil
  /// Bias initializer.
  package var biasInitializer: InitializerKind = .zeros
  /// Standard deviation for a `normal` bias initializer (σ_b). At least 0.
  package var biasStd: Double = 0.01
  /// Half-width for a `uniform` bias initializer. At least 0.
  package var biasLimit: Double = 0.05
  /// Value for a `constant` bias initializer. Any finite number.
  package var biasValue: Double = 0
  /// σ_b²: when set, biases are drawn N(0, σ_b²) whatever `bias_initializer` says.
  /// At least 0.
  package var biasVariance: Double? = nil
  /// Whether layers have biases.
  package var bias: Bool = true
  /// Output head: `auto` (softmax for classes, linear for regression; see
  /// `RunConfig.trainingPlan(for:)`), or `softmax`, `sigmoid`, `linear`.
  package var output: AutoOr<OutputHead> = .auto
  /// Normalisation of every hidden layer: `none`, `batch` or `layer` (issue 8's cures).
  package var normalization: NormalizationKind = .none
  /// Where the normalisation sits: `pre` (on z, before the activation) or `post`.
  package var normPosition: NormPosition = .pre
  /// Skip connections: `none` or `identity` (h ← h + block(h) around blocks of
  /// `residual_every` equal-width hidden layers; layer 1 is never wrapped).
  package var residual: ResidualKind = .none
  /// Hidden layers per residual block. At least 1.
  package var residualEvery: Int = 2
  /// Inverted-dropout probability on hidden outputs during training, in [0, 1).
  package var dropout: Double = 0

  package init() {}

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case width, depth, widths, activation, slope, initializer
    case initGain = "init_gain", initStd = "init_std", initLimit = "init_limit", initValue = "init_value"
    case weightVariance = "weight_variance"
    case biasInitializer = "bias_initializer", biasStd = "bias_std", biasLimit = "bias_limit"
    case biasValue = "bias_value", biasVariance = "bias_variance", bias, output
    case normalization, normPosition = "norm_position", residual, residualEvery = "residual_every", dropout
  }

  /// The hidden widths this config describes: `widths`, or `depth` copies of `width`.
  package var hiddenWidths: [Int] {
    widths ?? Array(repeating: width, count: depth)
  }

  /// Number of hidden layers.
  package var hiddenLayerCount: Int { widths?.count ?? depth }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = ModelConfig()
    let s = Self.sectionName
    width = try c.integer(.width, default: d.width, in: Limits.width, in: s)
    depth = try c.integer(.depth, default: d.depth, in: Limits.depth, in: s)
    widths = try c.optional(.widths, default: d.widths)
    if let widths {
      if widths.isEmpty {
        throw c.fail(.widths, "model.widths must list at least one width (or be null to use width × depth)")
      }
      if widths.count > Limits.depth.upperBound {
        throw c.fail(.widths, "model.widths lists \(widths.count) layers; at most \(Limits.depth.upperBound)")
      }
      for (index, value) in widths.enumerated() {
        if let message = integerProblem(value, "model.widths[\(index)]", Limits.width) {
          throw ConfigFieldError(codingPath: c.codingPath + [CodingKeys.widths, IndexKey(index)], message: message)
        }
      }
    }
    activation = try c.name(.activation, default: d.activation, kind: "activation", in: s)
    slope = try c.optionalReal(.slope, default: d.slope, .nonNegative, in: s)
    initializer = try c.name(.initializer, default: d.initializer, kind: "initializer", in: s)
    initGain = try c.real(.initGain, default: d.initGain, .nonNegative, in: s)
    initStd = try c.real(.initStd, default: d.initStd, .nonNegative, in: s)
    initLimit = try c.real(.initLimit, default: d.initLimit, .nonNegative, in: s)
    initValue = try c.real(.initValue, default: d.initValue, .any, in: s)
    weightVariance = try c.optionalReal(.weightVariance, default: d.weightVariance, .nonNegative, in: s)
    biasInitializer = try c.name(.biasInitializer, default: d.biasInitializer, kind: "initializer", in: s)
    biasStd = try c.real(.biasStd, default: d.biasStd, .nonNegative, in: s)
    biasLimit = try c.real(.biasLimit, default: d.biasLimit, .nonNegative, in: s)
    biasValue = try c.real(.biasValue, default: d.biasValue, .any, in: s)
    biasVariance = try c.optionalReal(.biasVariance, default: d.biasVariance, .nonNegative, in: s)
    bias = try c.value(.bias, default: d.bias, in: s)
    output = try c.autoOrName(.output, default: d.output, kind: "output", in: s)
    normalization = try c.name(.normalization, default: d.normalization, kind: "normalization", in: s)
    normPosition = try c.name(.normPosition, default: d.normPosition, kind: "norm position", in: s)
    residual = try c.name(.residual, default: d.residual, kind: "residual", in: s)
    residualEvery = try c.integer(.residualEvery, default: d.residualEvery, in: Limits.residualEvery, in: s)
    dropout = try c.real(.dropout, default: d.dropout, .unitHalfOpen, in: s)
  }

  /// Every key, nil values as `null`, so a config file shows every field.
  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(width, forKey: .width)
    try c.encode(depth, forKey: .depth)
    try c.encode(widths, forKey: .widths)
    try c.encode(activation, forKey: .activation)
    try c.encode(slope, forKey: .slope)
    try c.encode(initializer, forKey: .initializer)
    try c.encode(initGain, forKey: .initGain)
    try c.encode(initStd, forKey: .initStd)
    try c.encode(initLimit, forKey: .initLimit)
    try c.encode(initValue, forKey: .initValue)
    try c.encode(weightVariance, forKey: .weightVariance)
    try c.encode(biasInitializer, forKey: .biasInitializer)
    try c.encode(biasStd, forKey: .biasStd)
    try c.encode(biasLimit, forKey: .biasLimit)
    try c.encode(biasValue, forKey: .biasValue)
    try c.encode(biasVariance, forKey: .biasVariance)
    try c.encode(bias, forKey: .bias)
    try c.encode(output, forKey: .output)
    try c.encode(normalization, forKey: .normalization)
    try c.encode(normPosition, forKey: .normPosition)
    try c.encode(residual, forKey: .residual)
    try c.encode(residualEvery, forKey: .residualEvery)
    try c.encode(dropout, forKey: .dropout)
  }
}

extension ModelConfig: ConfigSection {
  typealias Keys = CodingKeys
  static var sectionName: String { "model" }

  static var fieldAccess: [String: FieldAccess<ModelConfig>] {
    [
      "width": .integer(\.width),
      "depth": .integer(\.depth),
      "widths": .plain(\.widths),
      "activation": .plain(\.activation),
      "slope": .optionalReal(\.slope),
      "initializer": .plain(\.initializer),
      "init_gain": .real(\.initGain),
      "init_std": .real(\.initStd),
      "init_limit": .real(\.initLimit),
      "init_value": .real(\.initValue),
      "weight_variance": .optionalReal(\.weightVariance),
      "bias_initializer": .plain(\.biasInitializer),
      "bias_std": .real(\.biasStd),
      "bias_limit": .real(\.biasLimit),
      "bias_value": .real(\.biasValue),
      "bias_variance": .optionalReal(\.biasVariance),
      "bias": .plain(\.bias),
      "output": .plain(\.output),
      "normalization": .plain(\.normalization),
      "norm_position": .plain(\.normPosition),
      "residual": .plain(\.residual),
      "residual_every": .integer(\.residualEvery),
      "dropout": .real(\.dropout),
    ]
  }
}

/// A list index in a coding path.
struct IndexKey: CodingKey {
  let intValue: Int?
  var stringValue: String { String(intValue ?? 0) }
  init(_ index: Int) { intValue = index }
  init?(intValue: Int) { self.intValue = intValue }
  init?(stringValue: String) {
    guard let index = Int(stringValue) else { return nil }
    intValue = index
  }
}
