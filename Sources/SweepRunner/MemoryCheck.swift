import Foundation
import GradData
import GradEngine
import SweepSpec

/// Refuses, before anything is allocated or written, runs whose training would not
/// fit in memory, naming the memory each needs.
///
/// The sweep file's own check (`ModelSize`, when it loads) caps the parameter count at
/// 2³¹ whatever the machine; this one compares the engine's full estimate
/// (`TrainingPlan.estimatedMemoryBytes`: parameters, gradients, optimizer state, batch
/// and evaluation buffers, with the real input and output widths of the loaded data)
/// with the memory of this machine. Without it, an oversized model would be allocated
/// lazily by the kernel and the process killed by the OOM killer half-way through.
enum MemoryCheck {
  /// Bytes a training of `run` on `data` holds at once. The engine sizes its batch
  /// buffers for min(batch size, training rows), so a batch larger than the data
  /// costs no more than the data.
  static func bytesNeeded(_ prepared: PreparedRun) -> Int {
    var plan = prepared.plan
    plan.batchSize = max(1, min(plan.batchSize, prepared.data.train.count))
    return plan.estimatedMemoryBytes
  }

  /// Throws `SchedulerError.tooLarge` with one located message per offending model.
  static func check(_ plan: SweepPlan, runs: [PreparedRun], limit: UInt64) throws {
    var messages: [String] = []
    var seen = Set<String>()
    for prepared in runs {
      let (run, data) = (prepared.run, prepared.data)
      if let message = run.config.training.totalStepsProblem(trainingRows: data.train.count) {
        let path = run.config.training.steps != nil ? "training.steps" : "training.epochs"
        let diagnostic = plan.diagnostic(
          at: plan.location(ofKeyPath: path, in: run), message: "run \(run.id): " + message,
          note: "train for fewer epochs, or use a larger batch_size; nothing was allocated or written")
        if seen.insert(diagnostic.description).inserted { messages.append(diagnostic.description) }
      }
      let bytes = bytesNeeded(prepared)
      guard bytes > 0, UInt64(bytes) > limit else { continue }
      let field = run.config.model.widths != nil ? "model.widths" : "model.width"
      let message =
        "run \(run.id) needs \(gibibytes(bytes)) of memory for its model (weights, gradients, optimizer state "
        + "and batch buffers as 32-bit floats), more than the \(gibibytes(Int(clamping: limit))) this machine has"
      let diagnostic = plan.diagnostic(
        at: plan.location(ofKeyPath: field, in: run), message: message,
        note: "reduce model.width, model.depth or training.batch_size; nothing was allocated or written")
      if seen.insert(diagnostic.description).inserted { messages.append(diagnostic.description) }
    }
    if !messages.isEmpty { throw SchedulerError.tooLarge(messages.joined(separator: "\n\n")) }
  }

  /// `25769803776` → `24.0 GiB`.
  static func gibibytes(_ bytes: Int) -> String {
    let gib = Double(bytes) / 1_073_741_824
    return gib >= 0.1 ? String(format: "%.1f GiB", gib) : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
  }
}
