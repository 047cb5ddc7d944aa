import Foundation
import SweepResults
import TidyCSV

/// One row of summary.csv: one finished run.
///
/// Columns: `run_id`, one per axis (its dotted path), then `seed, status, steps,
/// final_loss, final_accuracy, final_val_loss, final_val_accuracy, best_val_accuracy,
/// grad_ratio_init, grad_ratio_final, seconds, predicted_grad_ratio_init, chi1, q_star,
/// xi_c, test_loss, test_accuracy, jacobian_eig_mean_init, jacobian_eig_var_init,
/// jacobian_sv_max_init, jacobian_eig_var_rel_init` (see docs/csv-columns.md; predicted_grad_ratio_init … xi_c from
/// the run's prediction.json, empty where the theory does not apply or the folder
/// predates it; the jacobian columns from metrics.csv at step 0, empty without
/// `log.jacobian`).
package struct SummaryRow: Sendable, Equatable {
  package var runID: String
  /// Axis path → value as text.
  package var axisValues: [String: String]
  package var seed: Int?
  package var status: String
  package var steps: Int?
  package var finalLoss: Double?
  package var finalAccuracy: Double?
  package var finalValLoss: Double?
  package var finalValAccuracy: Double?
  package var bestValAccuracy: Double?
  package var gradRatioInit: Double?
  package var gradRatioFinal: Double?
  package var seconds: Double?
  /// The mean-field prediction (prediction.json): the ratio beside `gradRatioInit`, and χ₁, q*, ξ_c.
  package var predictedGradRatioInit: Double?
  package var chi1: Double?
  package var qStar: Double?
  package var xiC: Double?
  /// The held-out test split at the end of the run (status.json), empty without one.
  package var testLoss: Double?
  package var testAccuracy: Double?
  /// `log.jacobian` at initialisation (metrics.csv at the first logged step, step 0):
  /// mean and variance of the eigenvalues of JJᵀ and J's largest singular value; empty
  /// when the instrument was off.
  package var jacobianEigMeanInit: Double?
  package var jacobianEigVarInit: Double?
  package var jacobianSvMaxInit: Double?
  /// jacobianEigVarInit / jacobianEigMeanInit²: the eigenvalues' variance with their mean
  /// scaled to 1, Pennington et al. 2017's σ²_JJᵀ (free of the mean's seed-to-seed drift).
  package var jacobianEigVarRelInit: Double? {
    guard let v = jacobianEigVarInit, let m = jacobianEigMeanInit else { return nil }
    return v / (m * m)
  }

  package init(
    runID: String, axisValues: [String: String], seed: Int?, status: String, steps: Int? = nil,
    finalLoss: Double? = nil, finalAccuracy: Double? = nil, finalValLoss: Double? = nil,
    finalValAccuracy: Double? = nil, bestValAccuracy: Double? = nil, gradRatioInit: Double? = nil,
    gradRatioFinal: Double? = nil, seconds: Double? = nil, predictedGradRatioInit: Double? = nil,
    chi1: Double? = nil, qStar: Double? = nil, xiC: Double? = nil, testLoss: Double? = nil,
    testAccuracy: Double? = nil, jacobianEigMeanInit: Double? = nil, jacobianEigVarInit: Double? = nil,
    jacobianSvMaxInit: Double? = nil
  ) {
    self.runID = runID
    self.axisValues = axisValues
    self.seed = seed
    self.status = status
    self.steps = steps
    self.finalLoss = finalLoss
    self.finalAccuracy = finalAccuracy
    self.finalValLoss = finalValLoss
    self.finalValAccuracy = finalValAccuracy
    self.bestValAccuracy = bestValAccuracy
    self.gradRatioInit = gradRatioInit
    self.gradRatioFinal = gradRatioFinal
    self.seconds = seconds
    self.predictedGradRatioInit = predictedGradRatioInit
    self.chi1 = chi1
    self.qStar = qStar
    self.xiC = xiC
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.jacobianEigMeanInit = jacobianEigMeanInit
    self.jacobianEigVarInit = jacobianEigVarInit
    self.jacobianSvMaxInit = jacobianSvMaxInit
  }

  /// The columns after the axis columns, in file order.
  package static let trailingColumns = [
    "seed", "status", "steps", "final_loss", "final_accuracy", "final_val_loss", "final_val_accuracy",
    "best_val_accuracy", "grad_ratio_init", "grad_ratio_final", "seconds",
    // Appended after the older columns, so positional readers (gnuplot's using 12) keep working.
    "predicted_grad_ratio_init", "chi1", "q_star", "xi_c", "test_loss", "test_accuracy",
    "jacobian_eig_mean_init", "jacobian_eig_var_init", "jacobian_sv_max_init", "jacobian_eig_var_rel_init",
  ]

  /// The row's cells for a header `SummaryBuilder.summaryHeader(axes:)`.
  package func cells(axes: [String]) -> [CSVCell] {
    var out: [CSVCell] = [.text(runID)]
    for axis in SummaryBuilder.columnAxes(axes) {
      out.append(axisValues[axis].map(CSVCell.text) ?? .missing)
    }
    out.append(seed.map(CSVCell.integer) ?? .missing)
    out.append(.text(status))
    out.append(steps.map(CSVCell.integer) ?? .missing)
    for value in [
      finalLoss, finalAccuracy, finalValLoss, finalValAccuracy, bestValAccuracy, gradRatioInit, gradRatioFinal,
      seconds, predictedGradRatioInit, chi1, qStar, xiC, testLoss, testAccuracy, jacobianEigMeanInit,
      jacobianEigVarInit, jacobianSvMaxInit, jacobianEigVarRelInit,
    ] {
      out.append(.optional(value))
    }
    return out
  }

  /// Reads a row of a summary.csv whose columns are named as in `cells(axes:)`.
  /// Axis columns are every column between `run_id` and `seed`.
  package init(record: [String: String], axes: [String]) {
    func number(_ key: String) -> Double? { record[key].flatMap(CSVTable.number) }
    func integer(_ key: String) -> Int? { number(key).flatMap { $0.isFinite ? Int(exactly: $0.rounded()) : nil } }
    var values: [String: String] = [:]
    for axis in axes { if let v = record[axis] { values[axis] = v } }
    self.init(
      runID: record["run_id"] ?? "", axisValues: values, seed: integer("seed"), status: record["status"] ?? "",
      steps: integer("steps"), finalLoss: number("final_loss"), finalAccuracy: number("final_accuracy"),
      finalValLoss: number("final_val_loss"), finalValAccuracy: number("final_val_accuracy"),
      bestValAccuracy: number("best_val_accuracy"), gradRatioInit: number("grad_ratio_init"),
      gradRatioFinal: number("grad_ratio_final"), seconds: number("seconds"),
      predictedGradRatioInit: number("predicted_grad_ratio_init"), chi1: number("chi1"), qStar: number("q_star"),
      xiC: number("xi_c"), testLoss: number("test_loss"), testAccuracy: number("test_accuracy"),
      jacobianEigMeanInit: number("jacobian_eig_mean_init"), jacobianEigVarInit: number("jacobian_eig_var_init"),
      jacobianSvMaxInit: number("jacobian_sv_max_init"))
  }

  /// True unless the run failed or was interrupted (see `RunStatus.isResult`).
  package var isResult: Bool { RunStatus.isResult(status) }
}

extension SummaryRow {
  /// The prediction columns from the run's prediction.json; left empty when there is
  /// none (a folder from before predictions) or it cannot be read (a damaged prediction
  /// is no reason to drop the run's measurements).
  mutating func addPrediction(from runFolder: URL) {
    let url = runFolder.appendingPathComponent(PredictionFile.fileName)
    guard let prediction = try? PredictionFile.read(from: url), prediction.applies else { return }
    predictedGradRatioInit = prediction.predictedGradRatioInit
    chi1 = prediction.chi1
    qStar = prediction.qStar
    xiC = prediction.xiC
  }
}
