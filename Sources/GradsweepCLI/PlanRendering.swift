import Foundation
import SweepSpec
import TidyCSV

/// How `gradsweep plan` prints a plan.
enum PlanFormat: String, CaseIterable, Sendable {
  /// Aligned columns for people, then the run count.
  case table
  /// RFC 4180 CSV: `run_id,<axis paths>,seed`, one row per run, no count line.
  case csv
  /// `{"name", "description", "count", "axes", "runs": [{"run_id", "index", "axis_values", "seed"}]}`,
  /// the run entries shaped like manifest.json's; axis values keep their types
  /// (numbers as numbers, `[64, 32]` as a list; `TypedValue`).
  case json
}

/// The expanded runs of `plan`: id, axis values and seed of each run, and the count.
/// Linear in the number of runs (10,000 runs render in milliseconds).
func renderPlan(_ plan: SweepPlan, format: PlanFormat) -> String {
  switch format {
  case .table: return PlanText.table(plan)
  case .csv: return PlanText.csv(plan)
  case .json: return PlanText.json(plan)
  }
}

enum PlanText {
  static func table(_ plan: SweepPlan) -> String {
    let header = ["run_id"] + plan.axisPaths + ["seed"]
    var widths = header.map(\.count)
    for run in plan.runs {
      widths[0] = max(widths[0], run.id.count)
      for (index, value) in run.axisValues.enumerated() {
        widths[index + 1] = max(widths[index + 1], value.count)
      }
      widths[widths.count - 1] = max(widths[widths.count - 1], String(run.seed).count)
    }
    var text = ""
    text.reserveCapacity((widths.reduce(0, +) + 2 * widths.count) * (plan.runs.count + 3))
    func row(_ cells: [String]) {
      for (index, cell) in cells.enumerated() {
        if index > 0 { text += "  " }
        text += cell
        if index < cells.count - 1 { text += String(repeating: " ", count: widths[index] - cell.count) }
      }
      text += "\n"
    }
    row(header)
    row(widths.map { String(repeating: "-", count: $0) })
    for run in plan.runs {
      row([run.id] + run.axisValues + [String(run.seed)])
    }
    let combinations = plan.replicates > 0 ? plan.runs.count / plan.replicates : plan.runs.count
    let replicates = plan.replicates == 1 ? "" : " (\(combinations) combinations × \(plan.replicates) replicates)"
    text += "\(plan.runs.count) run\(plan.runs.count == 1 ? "" : "s")\(replicates) in sweep '\(plan.name)'\n"
    return text
  }

  static func csv(_ plan: SweepPlan) -> String {
    var text = (["run_id"] + plan.axisPaths + ["seed"]).map(csvCell).joined(separator: ",") + "\n"
    for run in plan.runs {
      text += csvCell(run.id)
      for value in run.axisValues { text += "," + csvCell(value) }
      text += ",\(run.seed)\n"
    }
    return text
  }

  /// One cell, quoted by TidyCSV's rule (RFC 4180).
  static func csvCell(_ cell: String) -> String { CSVCell.text(cell).field }

  /// The JSON form: `JSONEncoder`, keys sorted, axis values typed.
  static func json(_ plan: SweepPlan) -> String {
    let document = PlanDocument(
      name: plan.name, description: plan.description, count: plan.runs.count, axes: plan.axisPaths,
      runs: plan.runs.map { run in
        PlanDocument.Run(
          runID: run.id, index: run.index,
          axisValues: Dictionary(
            zip(plan.axisPaths, run.axisValues.map(TypedValue.init(canonical:))), uniquingKeysWith: { a, _ in a }),
          seed: run.seed)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Plain values only (strings, numbers, lists): encoding cannot fail.
    let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

/// `gradsweep plan --format json`.
private struct PlanDocument: Encodable {
  struct Run: Encodable {
    var runID: String
    var index: Int
    var axisValues: [String: TypedValue]
    var seed: UInt64
    enum CodingKeys: String, CodingKey { case runID = "run_id", index, axisValues = "axis_values", seed }
  }
  var name: String
  var description: String
  var count: Int
  var axes: [String]
  var runs: [Run]
}
