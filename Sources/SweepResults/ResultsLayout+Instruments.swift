// The columns and the file of the optional instruments (YAML `log:`, issue 16). A column
// group appears only when its instrument is on, after the standard columns, in this
// order; readers go by name. Each column is named as its YAML key (docs/csv-columns.md).

extension ResultsLayout {
  /// layers.csv, `log.preact_grad_norm`.
  package static let preactGradNormColumn = "preact_grad_norm"
  /// layers.csv, `log.correlation`.
  package static let correlationColumn = "correlation"
  /// layers.csv, `log.weight_distance`.
  package static let weightDistanceColumn = "weight_distance"
  /// layers.csv, `log.spectral_norm`.
  package static let spectralNormColumn = "spectral_norm"
  /// layers.csv, `log.grad_quantiles`: TensorBoard's nine bands of |∂L/∂W|, at 0, 668,
  /// 1587, 3085, 5000, 6915, 8413, 9332 and 10000 basis points.
  package static let gradQuantileColumns = [
    "grad_w_abs_min", "grad_w_abs_q0668", "grad_w_abs_q1587", "grad_w_abs_q3085", "grad_w_abs_median",
    "grad_w_abs_q6915", "grad_w_abs_q8413", "grad_w_abs_q9332", "grad_w_abs_max",
  ]
  /// metrics.csv, `log.jacobian`: moments of the eigenvalues of JJᵀ and σ_max of J.
  package static let jacobianMetricColumns = ["jacobian_eig_mean", "jacobian_eig_var", "jacobian_sv_max"]
  /// The run folder's spectrum file, `log.jacobian`: one row per measured step and
  /// singular value.
  package static let jacobianFile = "jacobian.csv"
  package static let jacobianHeader = ["step", "index", "singular_value", "eigenvalue"]

  /// Which instruments a run's logs hold (plain flags, so this module needs no engine).
  package struct InstrumentColumns: Sendable, Equatable {
    package var preactGradNorm = false
    package var correlation = false
    package var weightDistance = false
    package var spectralNorm = false
    package var gradQuantiles = false
    package var jacobian = false

    package init(
      preactGradNorm: Bool = false, correlation: Bool = false, weightDistance: Bool = false,
      spectralNorm: Bool = false, gradQuantiles: Bool = false, jacobian: Bool = false
    ) {
      self.preactGradNorm = preactGradNorm
      self.correlation = correlation
      self.weightDistance = weightDistance
      self.spectralNorm = spectralNorm
      self.gradQuantiles = gradQuantiles
      self.jacobian = jacobian
    }

    /// The columns after `layersHeader`.
    package var layerColumns: [String] {
      (preactGradNorm ? [preactGradNormColumn] : []) + (correlation ? [correlationColumn] : [])
        + (weightDistance ? [weightDistanceColumn] : []) + (spectralNorm ? [spectralNormColumn] : [])
        + (gradQuantiles ? gradQuantileColumns : [])
    }

    /// The columns after `metricsHeader`.
    package var metricColumns: [String] { jacobian ? jacobianMetricColumns : [] }
  }
}
