import Foundation

/// `runs/<run_id>/prediction.json`: what mean-field theory predicts for the run at
/// initialisation (docs/theory.md), written beside its measurements so the summary and
/// the report can put prediction and measurement side by side without linking the
/// theory. Every key is present; a number that does not apply, or is not finite, is
/// `null`. When the theory does not apply (normalisation, residual blocks, constant
/// weights, …) `applies` is false and `reason` says why.
package struct PredictionFile: Codable, Sendable, Equatable {
  /// One hidden layer's prediction.
  package struct Layer: Codable, Sendable, Equatable {
    /// 1-based hidden layer, as in layers.csv.
    package var layer: Int
    /// σ_w² = fan_in · Var W and σ_b² of this layer.
    package var weightVariance: Double?
    package var biasVariance: Double?
    /// q^l, the pre-activation variance (compare layers.csv's `preact_std`²).
    package var preactVar: Double?
    /// E‖δ^l‖² / E‖δ^L‖²: the squared back-propagated norm relative to the last hidden
    /// layer (compare `grad_b_norm`² of layers.csv over its layer-L value).
    package var gradSqNormRel: Double?
    /// n_l, the layer's width (nil in files written before it was recorded).
    package var width: Int?
    /// Var[M_l/M₁] over initialisations, M_l = ‖x^l‖²/n_l the normalised squared
    /// activation length of one input (compare the variance over seeds of layers.csv's
    /// act_sq[l]/act_sq[1] at step 0 with `batch_size: 1`): for ReLU, Gaussian weights of
    /// variance s_j/n_(j−1) and no biases, ∏_(j=2)^l (s_j/2)²·[∏_(j=2)^l (1 + 5/n_j) − 1]
    /// (Hanin & Rolnick 2018's FM2; `HaninLaw` in GradTheory, with s_j = 2 for He);
    /// nil where that law does not apply.
    package var lengthVarianceRel: Double?

    package init(
      layer: Int, weightVariance: Double?, biasVariance: Double?, preactVar: Double?, gradSqNormRel: Double?,
      width: Int? = nil, lengthVarianceRel: Double? = nil
    ) {
      self.layer = layer
      self.weightVariance = weightVariance
      self.biasVariance = biasVariance
      self.preactVar = preactVar
      self.gradSqNormRel = gradSqNormRel
      self.width = width
      self.lengthVarianceRel = lengthVarianceRel
    }

    enum CodingKeys: String, CodingKey {
      case layer, weightVariance = "weight_variance", biasVariance = "bias_variance", preactVar = "preact_var"
      case gradSqNormRel = "grad_sq_norm_rel", width, lengthVarianceRel = "act_sq_rel_var"
    }

    package func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(layer, forKey: .layer)
      try c.encode(weightVariance, forKey: .weightVariance)
      try c.encode(biasVariance, forKey: .biasVariance)
      try c.encode(preactVar, forKey: .preactVar)
      try c.encode(gradSqNormRel, forKey: .gradSqNormRel)
      try c.encode(width, forKey: .width)
      try c.encode(lengthVarianceRel, forKey: .lengthVarianceRel)
    }
  }

  package var applies: Bool
  package var reason: String?
  package var caveats: [String]
  /// q⁰, the training inputs' mean square, and whether it was assumed (file data).
  package var inputMeanSquare: Double?
  package var inputAssumed: Bool
  package var qStar: Double?
  package var cStar: Double?
  package var chi1: Double?
  package var xiQ: Double?
  package var xiC: Double?
  package var criticalWeightVariance: Double?
  /// √(E‖δ¹‖²/E‖δ^L‖²): the prediction of summary.csv's `grad_ratio_init`.
  package var predictedGradRatioInit: Double?
  package var layers: [Layer]

  package init(
    applies: Bool, reason: String?, caveats: [String], inputMeanSquare: Double?, inputAssumed: Bool,
    qStar: Double?, cStar: Double?, chi1: Double?, xiQ: Double?, xiC: Double?, criticalWeightVariance: Double?,
    predictedGradRatioInit: Double?, layers: [Layer]
  ) {
    self.applies = applies
    self.reason = reason
    self.caveats = caveats
    self.inputMeanSquare = inputMeanSquare
    self.inputAssumed = inputAssumed
    self.qStar = qStar
    self.cStar = cStar
    self.chi1 = chi1
    self.xiQ = xiQ
    self.xiC = xiC
    self.criticalWeightVariance = criticalWeightVariance
    self.predictedGradRatioInit = predictedGradRatioInit
    self.layers = layers
  }

  enum CodingKeys: String, CodingKey {
    case applies, reason, caveats, inputMeanSquare = "input_mean_square", inputAssumed = "input_assumed"
    case qStar = "q_star", cStar = "c_star", chi1, xiQ = "xi_q", xiC = "xi_c"
    case criticalWeightVariance = "critical_weight_variance", predictedGradRatioInit = "predicted_grad_ratio_init"
    case layers
  }

  package static let fileName = "prediction.json"

  /// Every key written (nulls explicit), sorted, non-finite numbers as null.
  package func jsonData() throws -> Data {
    var copy = self
    copy.finiteOnly()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(copy)
  }

  package static func read(from url: URL) throws -> PredictionFile {
    do {
      return try JSONDecoder().decode(PredictionFile.self, from: Data(contentsOf: url))
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: "not a gradsweep prediction.json (\(error.localizedDescription))")
    }
  }

  private mutating func finiteOnly() {
    func f(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
    inputMeanSquare = f(inputMeanSquare)
    qStar = f(qStar)
    cStar = f(cStar)
    chi1 = f(chi1)
    xiQ = f(xiQ)
    xiC = f(xiC)
    criticalWeightVariance = f(criticalWeightVariance)
    predictedGradRatioInit = f(predictedGradRatioInit)
    layers = layers.map {
      Layer(
        layer: $0.layer, weightVariance: f($0.weightVariance), biasVariance: f($0.biasVariance),
        preactVar: f($0.preactVar), gradSqNormRel: f($0.gradSqNormRel), width: $0.width,
        lengthVarianceRel: f($0.lengthVarianceRel))
    }
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(applies, forKey: .applies)
    try c.encode(reason, forKey: .reason)
    try c.encode(caveats, forKey: .caveats)
    try c.encode(inputMeanSquare, forKey: .inputMeanSquare)
    try c.encode(inputAssumed, forKey: .inputAssumed)
    try c.encode(qStar, forKey: .qStar)
    try c.encode(cStar, forKey: .cStar)
    try c.encode(chi1, forKey: .chi1)
    try c.encode(xiQ, forKey: .xiQ)
    try c.encode(xiC, forKey: .xiC)
    try c.encode(criticalWeightVariance, forKey: .criticalWeightVariance)
    try c.encode(predictedGradRatioInit, forKey: .predictedGradRatioInit)
    try c.encode(layers, forKey: .layers)
  }
}
