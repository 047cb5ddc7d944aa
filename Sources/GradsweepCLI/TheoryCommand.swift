import ArgumentParser
import Foundation
import GradTheory
import SweepRunner
import SweepSpec
import TidyCSV
import UserFacing

/// How `gradsweep theory` prints its predictions.
enum TheoryFormat: String, CaseIterable, ExpressibleByArgument {
  /// Aligned columns, 4 significant digits, footnotes for empty cells and assumptions.
  case table
  /// RFC 4180 CSV, full precision, a `note` column in place of footnotes.
  case csv
}

extension Gradsweep {
  struct Theory: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Predict each run's signal propagation at initialisation (mean-field theory).",
      discussion: """
        Per run: σ_w², σ_b² (of the deepest hidden layer), the input's q⁰, the fixed points \
        q* and c*, χ₁, the depth scales ξ_q and ξ_c, the critical σ_w² at that σ_b², and the \
        predicted grad_ratio_init (‖∂L/∂b‖ of hidden layer 1 over hidden layer L, as in \
        summary.csv). Empty cells where the theory does not apply. See docs/theory.md.
        """)

    @OptionGroup var sweep: SweepFileOptions

    @Option(help: "Output format: \(TheoryFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: TheoryFormat = .table

    func run() throws {
      let plan = try sweep.loadPlan()
      let inputs = try InputStatistics.forRuns(of: plan)
      let cache = TheoryCache()
      let rows = plan.runs.map { run in
        (run.id, RunPrediction(model: run.config.model, input: inputs[run.id]!, cache: cache))
      }
      print(TheoryTable.render(rows, format: format), terminator: "")
    }
  }
}

/// The rows of `gradsweep theory`.
enum TheoryTable {
  static let header = [
    "run_id", "activation", "sigma_w2", "sigma_b2", "depth", "q0", "q_star", "c_star", "chi1", "xi_q", "xi_c",
    "critical_sigma_w2", "predicted_grad_ratio_init",
  ]

  /// One run's values in `header` order after run_id and activation (nil = empty cell).
  static func numbers(_ p: RunPrediction) -> [Double?] {
    [
      p.bulk?.weight, p.bulk?.bias, Double(p.depth), p.inputMeanSquare, p.fixedPoint?.qStar, p.fixedPoint?.cStar,
      p.fixedPoint?.chi1, p.fixedPoint?.xiQ, p.fixedPoint?.xiC, p.criticalWeightVariance, p.predictedGradientRatio,
    ]
  }

  /// Why cells are empty or assumed, joined; empty when nothing needs saying.
  static func note(_ p: RunPrediction) -> String {
    var parts: [String] = []
    if let reason = p.reason { parts.append("no prediction: \(reason)") }
    if p.inputAssumed { parts.append("q0 = 1 assumed, layer 1's fan_in = its width (file data not loaded)") }
    if p.reason == nil, p.fixedPoint?.chi1 == nil { parts.append("q* infinite: lengths grow without bound") }
    return (parts + p.caveats).joined(separator: "; ")
  }

  static func render(_ rows: [(String, RunPrediction)], format: TheoryFormat) -> String {
    switch format {
    case .csv:
      var text = (header + ["note"]).joined(separator: ",") + "\n"
      for (id, p) in rows {
        let cells: [CSVCell] =
          [.text(id), .text(p.activation.kind.rawValue)] + numbers(p).map(CSVCell.optional) + [.text(note(p))]
        text += cells.map(\.field).joined(separator: ",") + "\n"
      }
      return text
    case .table:
      var notes: [String] = []
      var body: [[String]] = []
      for (id, p) in rows {
        var cells = [id, p.activation.kind.rawValue] + numbers(p).map { $0.map(short) ?? "" }
        if p.inputAssumed { cells[5] += "*" }
        let text = note(p)
        if text.isEmpty {
          cells.append("")
        } else {
          if !notes.contains(text) { notes.append(text) }
          cells.append("[\(notes.firstIndex(of: text)! + 1)]")
        }
        body.append(cells)
      }
      let all = [header + ["note"]] + body
      let widths = (0..<all[0].count).map { column in all.map { $0[column].count }.max()! }
      func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
          .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
      }
      var text = line(all[0]) + line(widths.map { String(repeating: "-", count: $0) })
      for cells in body { text += line(cells) }
      text += "\(rows.count) run\(rows.count == 1 ? "" : "s"); predicted_grad_ratio_init = √(∏ χ(q^l)), "
      text += "hidden layer 1 over hidden layer L (docs/theory.md)\n"
      for (index, note) in notes.enumerated() { text += "[\(index + 1)] \(note)\n" }
      return text
    }
  }

  /// 4 significant digits, `inf` for infinity.
  static func short(_ x: Double) -> String {
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x.isNaN { return "nan" }
    if x == x.rounded() && abs(x) < 1e6 { return String(Int(x)) }
    return String(format: "%.4g", x)
  }
}
