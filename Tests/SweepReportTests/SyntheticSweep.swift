import Foundation
import TidyCSV

/// Writes results folders with known numbers, as `gradsweep run` would lay them out,
/// so report tests can check what the report prints against what was written.
///
/// Each run's logs follow closed forms: loss(s) = 2.3·exp(−k·s), the per-layer
/// gradient of hidden layer ℓ of L is g·r^(L−ℓ) (r = 0.25 for sigmoid-like
/// activations: the vanishing gradient), so expected values are easy to recompute.
struct SyntheticSweep {
  struct Run {
    var id: String
    var index: Int
    var axisValues: [String: String]
    var seed: Int
    /// "completed", "diverged", "failed", "interrupted"; nil = no status.json.
    var status: String?
    /// false: no run folder at all (never started).
    var started = true
    var depth: Int
    var rate: Double
    var ratio: Double
    var finalValAccuracy: Double
    var divergeAt: Int? = nil
    /// Write final_* into status.json (else the summary must take them from metrics.csv).
    var finalsInStatus = true
    /// Cut the last line of metrics.csv in half (a killed writer).
    var truncateMetrics = false
    var seconds: Double = 1.5
  }

  var name = "synthetic"
  var description = "Sigmoid vs ReLU as depth grows"
  var axes: [String]
  var runs: [Run]
  var steps = 50
  var every = 10
  var report: [String: Any] = [:]
  var zipGroups: [[String]] = []

  /// activation × depth × seeds 1…3, with relu/d4/seed 3 diverged at step 20,
  /// sigmoid/d2/seed 3 failed, sigmoid/d4/seed 3 missing (no folder).
  static func standard() -> SyntheticSweep {
    var runs: [Run] = []
    var index = 0
    for activation in ["sigmoid", "relu"] {
      for depth in [2, 4] {
        for seed in 1 ... 3 {
          let sigmoid = activation == "sigmoid"
          let base = sigmoid ? (depth == 2 ? 0.80 : 0.55) : (depth == 2 ? 0.90 : 0.93)
          var run = Run(
            id: String(format: "%04d-%@-d%d-s%d", index, activation, depth, seed), index: index,
            axisValues: ["model.activation": activation, "model.depth": String(depth)], seed: seed,
            status: "completed", depth: depth, rate: (sigmoid ? 0.01 : 0.04) * (1 + 0.1 * Double(seed)) / Double(depth),
            ratio: sigmoid ? 0.25 : 0.9, finalValAccuracy: base + 0.01 * Double(seed), seconds: 1.25 * Double(seed))
          if activation == "relu", depth == 4, seed == 3 {
            run.status = "diverged"
            run.divergeAt = 20
          }
          if activation == "sigmoid", depth == 2, seed == 3 { run.status = "failed" }
          if activation == "sigmoid", depth == 4, seed == 3 {
            run.status = nil
            run.started = false
          }
          if seed == 2 { run.finalsInStatus = false }
          runs.append(run)
          index += 1
        }
      }
    }
    return SyntheticSweep(axes: ["model.activation", "model.depth"], runs: runs)
  }

  // MARK: closed forms

  func loss(_ run: Run, _ s: Int) -> Double { 2.3 * exp(-run.rate * Double(s)) }
  func accuracy(_ run: Run, _ s: Int) -> Double { run.finalValAccuracy * (1 - 0.6 * exp(-run.rate * Double(s))) + 0.005 }
  func valAccuracy(_ run: Run, _ s: Int) -> Double { run.finalValAccuracy * (1 - 0.6 * exp(-run.rate * Double(s))) }
  func gradient(_ run: Run, layer: Int, _ s: Int) -> Double {
    let L = run.depth
    let g = 0.3 * (1 + 0.05 * Double(run.seed)) * exp(-Double(s) / 200)
    return layer > L ? 2 * g : g * pow(run.ratio, Double(L - layer))
  }

  /// The logged steps of a run (a diverged run stops at its divergence step).
  func loggedSteps(_ run: Run) -> [Int] {
    let last = run.divergeAt ?? steps
    return Array(stride(from: 0, through: last, by: every))
  }

  /// Validation is logged every other log step and at the end.
  func hasValidation(_ s: Int) -> Bool { s % (2 * every) == 0 || s == steps }

  // MARK: writing

  func write(to folder: URL) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: folder.appendingPathComponent("runs"), withIntermediateDirectories: true)
    var manifest: [String: Any] = [
      "name": name, "description": description, "axes": axes, "gradsweep_version": "0.1.0-test",
      "created": "2025-01-02T03:04:05Z", "cores": 2, "jobs": 2,
      "runs": runs.map { ["run_id": $0.id, "index": $0.index, "axis_values": $0.axisValues, "seed": $0.seed] as [String: Any] },
    ]
    if !report.isEmpty { manifest["report"] = report }
    if !zipGroups.isEmpty { manifest["zip_groups"] = zipGroups }
    try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
      .write(to: folder.appendingPathComponent("manifest.json"))
    for run in runs where run.started {
      let dir = folder.appendingPathComponent("runs").appendingPathComponent(run.id)
      try fm.createDirectory(at: dir, withIntermediateDirectories: true)
      if run.status != "failed" {
        try writeMetrics(run, to: dir.appendingPathComponent("metrics.csv"))
        try writeLayers(run, to: dir.appendingPathComponent("layers.csv"))
      }
      if let status = run.status {
        var json: [String: Any] = [
          "status": status, "steps": run.divergeAt ?? (status == "failed" ? 0 : steps),
          "diverged_at_step": run.divergeAt.map { $0 as Any } ?? NSNull(),
          "error": status == "failed" ? "data: file 'x.csv' not found" as Any : (status == "diverged" ? "loss is nan" as Any : NSNull()),
          "seconds": run.seconds,
        ]
        if run.finalsInStatus, status == "completed" {
          json["final_loss"] = loss(run, steps) * 0.9
          json["final_accuracy"] = accuracy(run, steps)
          json["final_val_loss"] = loss(run, steps) * 1.2
          json["final_val_accuracy"] = run.finalValAccuracy
        } else if status == "diverged" {
          json["final_loss"] = "nan"
          json["final_val_accuracy"] = NSNull()
        }
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: dir.appendingPathComponent("status.json"))
      }
    }
  }

  func writeMetrics(_ run: Run, to url: URL) throws {
    let w = try CSVWriter(
      url: url, header: ["step", "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "grad_norm", "elapsed_s"])
    for s in loggedSteps(run) {
      let diverged = s == run.divergeAt
      let hasVal = hasValidation(s)
      try w.write([
        .integer(s), .double(Double(s) / 25), .double(diverged ? .nan : loss(run, s)),
        .double(diverged ? .nan : accuracy(run, s)),
        hasVal ? .double(diverged ? .nan : loss(run, s) * 1.1) : .missing,
        hasVal ? .double(diverged ? .nan : valAccuracy(run, s)) : .missing,
        .double(diverged ? .infinity : 1.0), .double(Double(s) * 0.01),
      ])
    }
    try w.close()
    if run.truncateMetrics {
      var text = try String(contentsOf: url, encoding: .utf8)
      text.removeLast(12)
      try text.write(to: url, atomically: false, encoding: .utf8)
    }
  }

  func writeLayers(_ run: Run, to url: URL) throws {
    let w = try CSVWriter(
      url: url,
      header: [
        "step", "layer", "grad_w_norm", "grad_w_mean_abs", "grad_b_norm", "weight_norm", "update_ratio", "preact_mean",
        "preact_std", "act_mean", "act_std", "deriv_mean", "saturated_frac", "dead_frac",
      ])
    let stepsLogged = loggedSteps(run)
    for s in stepsLogged {
      let diverged = s == run.divergeAt
      for layer in 1 ... run.depth + 1 {
        let g = diverged ? Double.nan : gradient(run, layer: layer, s)
        let last = s == stepsLogged.last
        let t = Double(s) / Double(steps)
        let sigmoid = run.ratio < 0.5
        try w.write([
          .integer(s), .integer(layer), .double(g * 3), .double(g / 10), .double(g), .double(4),
          .double(last ? .nan : 1e-3 * g / 0.3 * (1 + t)), .double(0), .double(1), .double(0.5), .double(0.2),
          .double(0.2),
          .double(sigmoid ? 0.1 + 0.02 * Double(layer) : 0.45 + 0.01 * Double(layer)),
          .double(sigmoid ? 0 : 0.02 * Double(layer) * t),
        ])
      }
    }
    try w.close()
  }

  // MARK: expected values

  /// The summary row the rebuild must produce for a finished run, as CSV fields.
  func expectedRow(_ run: Run) -> [String: String] {
    let status = run.status!
    var row: [String: String] = [
      "run_id": run.id, "seed": String(run.seed), "status": status, "seconds": CSVCell.double(run.seconds).field,
    ]
    for (k, v) in run.axisValues { row[k] = v }
    if status == "failed" {
      row["steps"] = "0"
      for k in [
        "final_loss", "final_accuracy", "final_val_loss", "final_val_accuracy", "best_val_accuracy", "grad_ratio_init",
        "grad_ratio_final",
      ] { row[k] = "" }
      return row
    }
    let logged = loggedSteps(run)
    let lastStep = logged.last!
    row["steps"] = String(run.divergeAt ?? steps)
    if status == "diverged" {
      row["final_loss"] = "nan"  // status.json's "nan"
      row["final_accuracy"] = "nan"  // the last metrics row
      row["final_val_loss"] = "nan"  // the last present val_loss (step 20 is a validation step)
      row["final_val_accuracy"] = "nan"  // status.json's null → the last present val_accuracy
    } else if run.finalsInStatus {
      row["final_loss"] = CSVCell.double(loss(run, steps) * 0.9).field
      row["final_accuracy"] = CSVCell.double(accuracy(run, steps)).field
      row["final_val_loss"] = CSVCell.double(loss(run, steps) * 1.2).field
      row["final_val_accuracy"] = CSVCell.double(run.finalValAccuracy).field
    } else {
      row["final_loss"] = CSVCell.double(loss(run, lastStep)).field
      row["final_accuracy"] = CSVCell.double(accuracy(run, lastStep)).field
      row["final_val_loss"] = CSVCell.double(loss(run, lastStep) * 1.1).field
      row["final_val_accuracy"] = CSVCell.double(valAccuracy(run, lastStep)).field
    }
    let valSteps = logged.filter { hasValidation($0) && $0 != run.divergeAt }
    row["best_val_accuracy"] = CSVCell.double(valSteps.map { valAccuracy(run, $0) }.max()!).field
    let L = run.depth
    row["grad_ratio_init"] = CSVCell.double(gradient(run, layer: 1, 0) / gradient(run, layer: L, 0)).field
    row["grad_ratio_final"] =
      run.divergeAt != nil
      ? "nan" : CSVCell.double(gradient(run, layer: 1, lastStep) / gradient(run, layer: L, lastStep)).field
    return row
  }

  /// A fresh temporary folder.
  static func temporaryFolder(_ label: String = "sweep") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweepreport-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
