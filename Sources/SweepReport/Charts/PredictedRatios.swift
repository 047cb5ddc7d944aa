import Foundation
import TidyCSV

/// Numeric columns of summary.csv that `SummaryRow` does not carry (written by newer
/// or other modules), read by name: run_id → finite value; empty without the column.
enum SummaryColumn {
  static func read(_ folder: ResultsFolder, _ column: String) -> [String: Double] {
    let url = folder.url.appendingPathComponent("summary.csv")
    guard let table = try? CSVTable(contentsOf: url), table.header.contains(column) else { return [:] }
    var out: [String: Double] = [:]
    for record in table.records {
      guard let id = record["run_id"], let v = record[column].flatMap(CSVTable.number), v.isFinite else { continue }
      out[id] = v
    }
    return out
  }
}

/// The hook for the theory module's prediction: summary.csv's optional
/// `predicted_grad_ratio_init` column (the gradient ratio layer 1 / layer L at
/// initialisation that mean-field theory predicts for the run's setting). When the
/// column exists, the headline chart draws the prediction dashed beside each measured
/// line; when it does not, nothing is drawn and nothing is said.
enum PredictedRatios {
  static let column = "predicted_grad_ratio_init"

  /// run_id → the run's predicted ratio (finite values only); empty without the column.
  static func read(_ folder: ResultsFolder) -> [String: Double] { SummaryColumn.read(folder, column) }
}
