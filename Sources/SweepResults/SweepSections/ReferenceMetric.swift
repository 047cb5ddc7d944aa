// The vocabulary of a reference claim's `metric`: what number a run contributes to a
// published-vs-measured row. Documented in docs/reproductions.md. It lives in the
// results contract so that both sides share it: loading a sweep file (SweepSpec) checks
// every claim's metric, per-layer forms included; the report evaluates it.

/// What one run contributes to a claim.
///
/// - A **summary metric**: a numeric summary.csv column (`final_val_accuracy`,
///   `grad_ratio_init`, …), or `diverged_fraction` (a property of the set of runs: the
///   fraction of the matching runs that diverged).
/// - A **layer metric**: a layers.csv column at one layer and one logged step,
///   `COLUMN[LAYER]` or `COLUMN[LAYER]@STEP`, e.g. `grad_b_norm[1]` (Nielsen's ‖δ¹‖ at
///   initialisation), `act_std[L]@last`. LAYER is `1`, `2`, … (from the input), `L` (the
///   last hidden layer), `L-k`, or `L+1` (the output layer). STEP is a step number,
///   `first` (the default: the first logged step, step 0, the network at
///   initialisation) or `last` (the last logged step).
/// - A **ratio** of two layer metrics, `A/B`, computed per run before the statistic over
///   runs: `act_std[L]/act_std[1]` (how the activation scale changes through depth),
///   `grad_b_norm[1]@last/grad_b_norm[L]@last`.
/// - A **loss crossing**, `steps_to_loss[X]`: the first logged step at which metrics.csv's
///   training `loss` is ≤ X — when a plateau ends (Saxe et al. 2014: each mode of a linear
///   teacher drops the loss by its share s²/K, so the crossing halfway down a drop times
///   that mode's learning). A run that never gets there contributes +∞ (a claim on it
///   fails rather than dropping the run). Its resolution is `log.every`; with a mini-batch
///   smaller than the training set the logged loss is noisy, so use full-batch training.
/// - An **accuracy crossing**, `steps_to_val_accuracy[X]`: the first logged step at which
///   metrics.csv's `val_accuracy` (the whole validation split, so not mini-batch noise) is
///   ≥ X — how fast a net learns (Pennington et al. 2017 time training by the steps to an
///   accuracy). +∞ for a run that never gets there (kept, like the loss crossing);
///   resolution: the steps where validation ran (`log.every`, `log.validate`).
package enum ReferenceMetric: Sendable, Equatable, CustomStringConvertible {
  case summary(SummaryMetric)
  case divergedFraction
  case layer(LayerQuantity)
  case ratio(LayerQuantity, LayerQuantity)
  case stepsToLoss(Double)
  case stepsToValAccuracy(Double)

  /// The numeric columns of summary.csv a claim can name.
  package enum SummaryMetric: String, Sendable, CaseIterable {
    case finalLoss = "final_loss", finalAccuracy = "final_accuracy"
    case finalValLoss = "final_val_loss", finalValAccuracy = "final_val_accuracy"
    case bestValAccuracy = "best_val_accuracy"
    case gradRatioInit = "grad_ratio_init", gradRatioFinal = "grad_ratio_final"
    case steps, seconds
    /// The mean-field prediction's columns (prediction.json; docs/theory.md).
    case predictedGradRatioInit = "predicted_grad_ratio_init", chi1, qStar = "q_star", xiC = "xi_c"
    /// The held-out test split at the end of the run.
    case testLoss = "test_loss", testAccuracy = "test_accuracy"
    /// `log.jacobian` at initialisation: JJᵀ's eigenvalue mean and variance, σ_max(J).
    case jacobianEigMeanInit = "jacobian_eig_mean_init", jacobianEigVarInit = "jacobian_eig_var_init"
    case jacobianSvMaxInit = "jacobian_sv_max_init", jacobianEigVarRelInit = "jacobian_eig_var_rel_init"
  }

  /// The numeric columns of layers.csv a layer metric can name.
  package static let layerColumns = [
    "grad_w_norm", "grad_w_mean_abs", "grad_b_norm", "weight_norm", "update_ratio", "preact_mean", "preact_std",
    "act_mean", "act_std", "deriv_mean", "saturated_frac", "dead_frac", "prelu_slope", "grad_gamma_norm",
    "grad_beta_norm", "gamma_norm", "beta_norm", derivedMeanSquare,
    // The optional instruments' columns (`log:`; present only when turned on).
    ResultsLayout.preactGradNormColumn, ResultsLayout.correlationColumn, ResultsLayout.weightDistanceColumn,
    ResultsLayout.spectralNormColumn,
  ]

  /// A layer value derived from two columns: `act_sq` = act_mean² + act_std², the mean
  /// square of the activations over batch × units (act_std is the population std). With
  /// `batch_size: 1` it is Hanin & Rolnick's normalised squared length M_l = ‖x^l‖²/n_l.
  package static let derivedMeanSquare = "act_sq"

  /// The name of the loss-crossing form, `steps_to_loss[X]`.
  package static let stepsToLossName = "steps_to_loss"
  /// The name of the accuracy-crossing form, `steps_to_val_accuracy[X]`.
  package static let stepsToValAccuracyName = "steps_to_val_accuracy"

  /// Whether the metric is a crossing (a step count that is +∞ when never reached).
  package var isCrossing: Bool {
    switch self {
    case .stepsToLoss, .stepsToValAccuracy: true
    default: false
    }
  }

  /// Every name a metric can start with (summary metrics, `diverged_fraction`, layer columns).
  package static let names =
    SummaryMetric.allCases.map(\.rawValue) + ["diverged_fraction", stepsToLossName, stepsToValAccuracyName] + layerColumns

  /// Parses a metric; nil when it is not in the vocabulary. Spaces are ignored.
  package init?(parsing text: String) {
    let s = String(text.filter { $0 != " " })
    if let m = SummaryMetric(rawValue: s) {
      self = .summary(m)
      return
    }
    if s == "diverged_fraction" {
      self = .divergedFraction
      return
    }
    for (name, make) in [(Self.stepsToLossName, Self.stepsToLoss), (Self.stepsToValAccuracyName, Self.stepsToValAccuracy)]
    where s.hasPrefix(name + "[") && s.hasSuffix("]") {
      let inner = s.dropFirst(name.count + 1).dropLast()
      guard let threshold = Double(inner), threshold.isFinite else { return nil }
      self = make(threshold)
      return
    }
    let parts = s.split(separator: "/", omittingEmptySubsequences: false)
    switch parts.count {
    case 1:
      guard let q = LayerQuantity(parsing: String(parts[0])) else { return nil }
      self = .layer(q)
    case 2:
      guard let a = LayerQuantity(parsing: String(parts[0])), let b = LayerQuantity(parsing: String(parts[1])) else {
        return nil
      }
      self = .ratio(a, b)
    default:
      return nil
    }
  }

  /// Whether the metric reads layers.csv.
  package var isPerLayer: Bool {
    switch self {
    case .layer, .ratio: true
    case .summary, .divergedFraction, .stepsToLoss, .stepsToValAccuracy: false
    }
  }

  package var description: String {
    switch self {
    case .summary(let m): m.rawValue
    case .divergedFraction: "diverged_fraction"
    case .layer(let q): q.description
    case .ratio(let a, let b): "\(a)/\(b)"
    case .stepsToLoss(let x): "\(Self.stepsToLossName)[\(x)]"
    case .stepsToValAccuracy(let x): "\(Self.stepsToValAccuracyName)[\(x)]"
    }
  }
}

/// One layers.csv value of a run: `column` at `layer` and `step`.
package struct LayerQuantity: Sendable, Equatable, CustomStringConvertible {
  package var column: String
  package var layer: LayerIndex
  package var step: StepIndex

  package init(column: String, layer: LayerIndex, step: StepIndex = .first) {
    self.column = column
    self.layer = layer
    self.step = step
  }

  /// `column[layer]` or `column[layer]@step`.
  init?(parsing text: String) {
    guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else { return nil }
    let column = String(text[..<open])
    guard ReferenceMetric.layerColumns.contains(column),
      let layer = LayerIndex(parsing: String(text[text.index(after: open) ..< close]))
    else { return nil }
    let rest = text[text.index(after: close)...]
    var step = StepIndex.first
    if !rest.isEmpty {
      guard rest.first == "@", let parsed = StepIndex(parsing: String(rest.dropFirst())) else { return nil }
      step = parsed
    }
    self.init(column: column, layer: layer, step: step)
  }

  package var description: String {
    step == .first ? "\(column)[\(layer)]" : "\(column)[\(layer)]@\(step)"
  }
}

/// A layer named absolutely (1 = nearest the input) or from the last hidden layer L.
package enum LayerIndex: Sendable, Equatable, CustomStringConvertible {
  /// Layer ℓ, 1-based from the input.
  case number(Int)
  /// Layer L + offset: `L` (0), `L-2` (−2), `L+1` (the output layer).
  case fromLast(Int)

  init?(parsing text: String) {
    if let n = Int(text), n >= 1 {
      self = .number(n)
      return
    }
    guard text.first == "L" else { return nil }
    let rest = text.dropFirst()
    if rest.isEmpty {
      self = .fromLast(0)
      return
    }
    guard let sign = rest.first, sign == "+" || sign == "-", let k = Int(rest.dropFirst()), k >= 0 else { return nil }
    if sign == "+" && k > 1 { return nil }  // nothing lies beyond the output layer L+1
    self = .fromLast(sign == "+" ? k : -k)
  }

  /// The 1-based layer in a net with L hidden layers; nil when there is no such layer
  /// (below 1 or above the output layer L + 1).
  package func resolve(hiddenLayers L: Int) -> Int? {
    let l: Int
    switch self {
    case .number(let n): l = n
    case .fromLast(let k): l = L + k
    }
    return (1 ... max(L + 1, 1)).contains(l) ? l : nil
  }

  package var description: String {
    switch self {
    case .number(let n): String(n)
    case .fromLast(0): "L"
    case .fromLast(let k): k > 0 ? "L+\(k)" : "L\(k)"
    }
  }
}

/// A logged step: a number, the first logged (step 0) or the last logged.
package enum StepIndex: Sendable, Equatable, CustomStringConvertible {
  case first, last
  case number(Int)

  init?(parsing text: String) {
    switch text {
    case "first": self = .first
    case "last": self = .last
    default:
      guard let n = Int(text), n >= 0 else { return nil }
      self = .number(n)
    }
  }

  package var description: String {
    switch self {
    case .first: "first"
    case .last: "last"
    case .number(let n): String(n)
    }
  }
}
