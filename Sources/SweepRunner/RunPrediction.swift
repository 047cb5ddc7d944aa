import Foundation
import GradData
import GradEngine
import GradTheory
import SweepResults
import SweepSpec

/// What the mean-field theory (GradTheory) predicts for one run at initialisation, or
/// why it predicts nothing. The one place a run's resolved config becomes the theory's
/// inputs (φ, per-layer σ_w² and σ_b², q⁰), shared by `gradsweep theory` and, later,
/// the summary's predicted columns.
///
/// The mapping:
/// - φ: `model.activation` with the engine's slope (leaky_relu 0.01, prelu its initial
///   0.25 unless `model.slope`).
/// - σ_w² of hidden layer l = fan_in · Var W, Var W from the engine's own
///   `Initializer.standardDeviation(fanIn:fanOut:negativeSlope:)` (Initializers.swift):
///   he → 2g²/(1 + a²), lecun/scaled_normal → g², standard → g²/3, xavier →
///   2g²·fan_in/(fan_in + fan_out) (so it differs per layer when widths do), normal →
///   (g·std)²·fan_in, uniform → (g·limit)²·fan_in/3, orthogonal → g²·fan_in/max(fan_in,
///   fan_out) (g² for square layers; mean field sees only the variance). Only variances
///   matter, so uniform laws are as good as Gaussian ones.
/// - σ_b² of layer l = Var b from the bias initializer the same way (0 for `zeros` or
///   `model.bias: false`).
/// - q⁰ = the mean over training inputs of ‖x‖²/n_in, from the loaded data. Data read
///   from files is not loaded: q⁰ = 1 is assumed (exact for standardised features) and,
///   where σ_w² of layer 1 depends on n_in, n_in is taken as the first hidden width;
///   `inputAssumed` says so.
///
/// No prediction (`reason` set, values nil): batch or layer normalisation (each layer is
/// re-standardised, not the mean-field map), residual connections (the skip adds the
/// block input, another recursion), zeros or constant weights (all units identical, no
/// Gaussian limit), a constant non-zero bias (a mean the centred theory lacks).
package struct RunPrediction: Sendable {
  package var activation: TheoryActivation
  /// σ_w², σ_b² of the hidden layers 1…L (nil when no prediction applies).
  package var layers: [LayerVariances]?
  /// σ_w², σ_b² of the deepest hidden layer: the bulk values q*, χ₁, ξ use.
  package var bulk: LayerVariances?
  package var depth: Int
  /// q⁰, the input mean square.
  package var inputMeanSquare: Double
  /// True when q⁰ (and n_in) were assumed, not measured (file data not loaded).
  package var inputAssumed: Bool
  package var profile: SignalProfile?
  package var fixedPoint: FixedPointSummary?
  package var criticalWeightVariance: Double?
  /// Why no prediction applies (nil when one does).
  package var reason: String?
  /// What the prediction ignores (dropout, no bias, orthogonal spectra).
  package var caveats: [String]

  /// `predicted_grad_ratio_init`: √(E‖δ¹‖²/E‖δ^L‖²), the same ratio as summary.csv's
  /// `grad_ratio_init` (hidden layer 1 over hidden layer L; see `SignalProfile`).
  package var predictedGradientRatio: Double? { profile?.predictedGradientRatio }
}

/// The input width and q⁰ of a run's data.
package struct InputStatistics: Sendable, Hashable {
  /// n_in; nil when the data were not loaded.
  package var width: Int?
  package var meanSquare: Double
  package var assumed: Bool

  /// q⁰ = Σ x² / (examples · n_in) over the training split.
  package init(training: Dataset) {
    width = training.featureCount
    var sum = 0.0
    for x in training.features { sum += Double(x) * Double(x) }
    meanSquare = training.features.isEmpty ? 1 : sum / Double(training.features.count)
    assumed = false
  }

  package init(width: Int?, meanSquare: Double, assumed: Bool) {
    self.width = width
    self.meanSquare = meanSquare
    self.assumed = assumed
  }

  /// Loads each distinct built-in data set of `plan` once (they are generated, small)
  /// and returns its statistics per run id; runs on file data get q⁰ = 1, assumed.
  /// - Throws: the loader's error, located at the sweep file's field like `run`'s.
  package static func forRuns(of plan: SweepPlan) throws -> [String: InputStatistics] {
    let baseDirectory = URL(fileURLWithPath: plan.sourcePath).deletingLastPathComponent()
    var byKey: [DataCatalog.Key: InputStatistics] = [:]
    var result: [String: InputStatistics] = [:]
    for run in plan.runs {
      let key = DataCatalog.key(for: run, sweepSeed: plan.seed)
      if byKey[key] == nil {
        if key.spec.name.readsFiles {
          byKey[key] = InputStatistics(width: nil, meanSquare: 1, assumed: true)
        } else {
          do {
            let split = try DataLoader.load(key.spec, baseDirectory: baseDirectory, defaultSeed: key.seed)
            byKey[key] = InputStatistics(training: split.train)
          } catch {
            let field = (error as? DataProblem)?.field
            let location = field.flatMap { plan.location(ofKeyPath: $0) }
            throw DataCatalogError(messages: ["\(location.map { "\($0)" } ?? plan.sourcePath): error: \(error)"])
          }
        }
      }
      result[run.id] = byKey[key]
    }
    return result
  }
}

extension RunPrediction {
  /// The prediction for `model` on inputs with `input` statistics. `cache` memoises the
  /// fixed points and critical σ_w² across runs that share them (replicates, axes the
  /// theory ignores).
  package init(model: ModelConfig, input: InputStatistics, cache: TheoryCache = TheoryCache()) {
    let engineActivation = Activation(model.activation, slope: model.slope.map { Float($0) })
    activation = TheoryActivation(name: model.activation.rawValue, slope: Double(engineActivation.slope))!
    depth = model.hiddenLayerCount
    inputMeanSquare = input.meanSquare
    inputAssumed = input.assumed
    caveats = []
    reason = Self.reasonForNoPrediction(model)
    if model.dropout > 0 {
      caveats.append("dropout \(model.dropout) ignored: step 0's gradients are taken with dropout masks")
    }
    if !model.bias { caveats.append("no bias: grad_ratio_init (read from grad_b_norm) is not measured") }
    if model.weightVariance == nil && model.initializer == .orthogonal { caveats.append("orthogonal: mean field uses only the variance") }
    guard reason == nil else { return }
    let layers = Self.layerVariances(model: model, inputWidth: input.width, negativeSlope: activation.slope)
    self.layers = layers
    let bulk = layers[layers.count - 1]
    self.bulk = bulk
    profile = SignalProfile(activation: activation, layers: layers, inputMeanSquare: input.meanSquare)
    fixedPoint = cache.fixedPoint(
      MeanField(activation, weightVariance: bulk.weight, biasVariance: bulk.bias), from: input.meanSquare)
    criticalWeightVariance = cache.critical(activation, biasVariance: bulk.bias)
  }

  /// Why the theory does not apply to `model`, nil when it does.
  static func reasonForNoPrediction(_ model: ModelConfig) -> String? {
    if model.hiddenLayerCount == 0 { return "no hidden layer (logistic / softmax regression): no depth to propagate through" }
    if model.normalization != .none { return "\(model.normalization.rawValue) normalisation re-standardises each layer" }
    if model.residual != .none { return "residual blocks add their input (not a plain dense recursion)" }
    if model.weightVariance == nil && (model.initializer == .zeros || model.initializer == .constant) {
      return "\(model.initializer.rawValue) weights: every unit identical, no Gaussian limit"
    }
    if model.bias && model.biasVariance == nil && model.biasInitializer == .constant && model.biasValue != 0 {
      return "constant bias \(model.biasValue): a mean the centred theory lacks"
    }
    return nil
  }

  /// σ_w² = fan_in·Var W and σ_b² = Var b of hidden layers 1…L (see the type's comment).
  /// `inputWidth` nil: layer 1's fan_in is taken as its own width.
  package static func layerVariances(model: ModelConfig, inputWidth: Int?, negativeSlope: Double) -> [LayerVariances] {
    let widths = model.hiddenWidths
    let sizes = [inputWidth ?? widths[0]] + widths
    let weights = model.resolvedWeightInitializer
    let biases = model.resolvedBiasInitializer
    return (0..<widths.count).map { l in
      let fanIn = sizes[l], fanOut = sizes[l + 1]
      let w = weights.standardDeviation(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope)
      let b = model.bias ? biases.standardDeviation(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope) : 0
      return LayerVariances(weight: w * w * Double(fanIn), bias: b * b)
    }
  }
}

/// Memoised fixed points and critical σ_w² (each a root search over quadratures).
/// Not thread-safe: one cache per command.
package final class TheoryCache {
  private struct FixedKey: Hashable {
    var field: MeanField
    var q0: Double
  }
  private struct CriticalKey: Hashable {
    var activation: TheoryActivation
    var biasVariance: Double
  }
  private var fixedPoints: [FixedKey: FixedPointSummary] = [:]
  private var criticals: [CriticalKey: Double?] = [:]

  package init() {}

  func fixedPoint(_ field: MeanField, from q0: Double) -> FixedPointSummary {
    let key = FixedKey(field: field, q0: q0)
    if let known = fixedPoints[key] { return known }
    let value = field.fixedPoint(from: q0)
    fixedPoints[key] = value
    return value
  }

  func critical(_ activation: TheoryActivation, biasVariance: Double) -> Double? {
    let key = CriticalKey(activation: activation, biasVariance: biasVariance)
    if let known = criticals[key] { return known }
    let value = MeanField.criticalWeightVariance(activation, biasVariance: biasVariance)
    criticals[key] = value
    return value
  }
}

extension RunPrediction {
  /// The prediction as `runs/<run_id>/prediction.json` records it, for a run whose
  /// mini-batches hold `batchSize` examples (the length variance is per input, so it is
  /// written only for `batch_size: 1`).
  package func file(model: ModelConfig, batchSize: Int) -> PredictionFile {
    let widths = model.hiddenWidths
    let lengths = batchSize == 1 ? Self.lengthVariances(model: model, layers: layers) : nil
    let profileLayers: [PredictionFile.Layer] = (0..<depth).map { l in
      PredictionFile.Layer(
        layer: l + 1, weightVariance: layers?[l].weight, biasVariance: layers?[l].bias,
        preactVar: profile?.preactivationVariance[l], gradSqNormRel: profile?.gradientSquaredNorm[l],
        width: widths.indices.contains(l) ? widths[l] : nil, lengthVarianceRel: lengths?[l])
    }
    return PredictionFile(
      applies: reason == nil, reason: reason, caveats: caveats, inputMeanSquare: inputMeanSquare,
      inputAssumed: inputAssumed, qStar: fixedPoint?.qStar, cStar: fixedPoint?.cStar,
      chi1: fixedPoint?.chi1, xiQ: fixedPoint?.xiQ, xiC: fixedPoint?.xiC,
      criticalWeightVariance: criticalWeightVariance, predictedGradRatioInit: predictedGradientRatio,
      layers: reason == nil ? profileLayers : [])
  }

  /// Var[M_l/M₁] over initialisations for hidden layers 1…L (0 at layer 1), M_l =
  /// ‖x^l‖²/n_l of one input: Hanin & Rolnick 2018's failure mode FM2. Given M_(j−1), a
  /// ReLU layer with Gaussian weights N(0, s_j/n_(j−1)) and no bias has E[M_j] =
  /// (s_j/2)·M_(j−1) and E[M_j²] = (s_j/2)²(1 + 5/n_j)·M_(j−1)² (`HaninLaw`), so
  ///
  ///     Var[M_l/M₁] = ∏_(j=2)^l (s_j/2)² · [∏_(j=2)^l (1 + 5/n_j) − 1]
  ///
  /// — for He weights (s_j = 2) `HaninLaw.lengthVariance` of the widths above layer 1,
  /// ≈ e^(5β) − 1 with β = Σ_(j=2)^l 1/n_j.
  ///
  /// Edge cases: nil unless the activation is ReLU (slope 0), every layer's weights are
  /// Gaussian (`weight_variance`, or a `*_normal` / `normal` initializer), no layer has a
  /// bias variance, and there is no dropout: uniform and orthogonal weights change the
  /// fourth moment (the constant 5), biases and dropout the recursion.
  static func lengthVariances(model: ModelConfig, layers: [LayerVariances]?) -> [Double]? {
    let gaussian: Set<InitializerKind> = [.normal, .xavierNormal, .heNormal, .lecunNormal, .scaledNormal]
    guard let layers, model.activation == .relu, (model.slope ?? 0) == 0, model.dropout == 0,
      gaussian.contains(model.resolvedWeightInitializer.kind), layers.allSatisfy({ $0.bias == 0 })
    else { return nil }
    let widths = model.hiddenWidths
    return (0..<layers.count).map { l in
      guard l > 0 else { return 0 }
      let scale = layers[1...l].reduce(1.0) { $0 * ($1.weight / 2) * ($1.weight / 2) }
      return scale * HaninLaw.lengthVariance(widths: Array(widths[1...l]))
    }
  }

  /// The prediction file of every run, computed once per distinct model, input data and
  /// batch of one or more (replicates and axes the theory ignores share one computation).
  package static func files(for runs: [PlannedRun], inputs: (PlannedRun) -> InputStatistics) -> [String: PredictionFile] {
    let cache = TheoryCache()
    var byModel: [ModelKey: PredictionFile] = [:]
    var result: [String: PredictionFile] = [:]
    for run in runs {
      let key = ModelKey(model: run.config.model, input: inputs(run), singleExample: run.config.training.batchSize == 1)
      if byModel[key] == nil {
        byModel[key] = RunPrediction(model: key.model, input: key.input, cache: cache)
          .file(model: key.model, batchSize: run.config.training.batchSize)
      }
      result[run.id] = byModel[key]
    }
    return result
  }

  private struct ModelKey: Hashable {
    var model: ModelConfig
    var input: InputStatistics
    var singleExample: Bool
  }
}
