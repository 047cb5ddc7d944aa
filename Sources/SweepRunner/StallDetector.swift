/// Decides that a training has stalled — its loss has stopped moving, the symptom of a
/// vanished gradient — from the training losses logged so far (`training.stall`).
///
/// With the logged losses ℓ₀ … ℓₖ, a window of N logged steps and a minimum relative
/// improvement x:
///
///     best_before = min(ℓ₀ … ℓₖ₋ₙ)        best_recent = min(ℓₖ₋ₙ₊₁ … ℓₖ)
///     stalled at record k  ⇔  k ≥ N  and  best_recent > (1 − x) · best_before
///
/// that is, none of the last N logged losses beat the best loss before them by the
/// fraction x (Keras' `EarlyStopping` with `patience` N and a relative `min_delta`).
///
/// Properties:
/// - Comparing minima, not single values, makes it robust to the noise of mini-batch
///   losses: one lucky batch in the window counts as progress, and a noisy plateau
///   cannot look like progress by being compared to an unlucky old batch.
/// - Needs N + 1 records; it never stops a run before that.
/// - Losses are non-negative, so x ∈ (0, 1). A run whose loss has reached exactly 0
///   and stays there is not stalled (it has converged): 0 > (1 − x) · 0 is false.
/// - Non-finite losses are ignored (divergence is the engine's call, not this one's).
/// - Depends only on the logged losses, so it is as deterministic as the training.
/// - O(N) memory and time per record.
package struct StallDetector: Sendable, Equatable {
  package let window: Int
  package let minImprovement: Double
  private var bestBefore = Double.infinity
  private var recent: [Double] = []
  private var records = 0

  /// - Precondition: `window ≥ 1`, `0 < minImprovement < 1` (validated when the sweep loads).
  package init(window: Int, minImprovement: Double) {
    precondition(window >= 1 && minImprovement > 0 && minImprovement < 1, "invalid stall rule")
    self.window = window
    self.minImprovement = minImprovement
    recent.reserveCapacity(window + 1)
  }

  /// Takes the next logged training loss; returns whether the training has now stalled.
  package mutating func observe(_ loss: Double) -> Bool {
    records += 1
    recent.append(loss.isFinite ? loss : .infinity)
    if recent.count > window { bestBefore = min(bestBefore, recent.removeFirst()) }
    guard records > window, bestBefore.isFinite else { return false }
    let bestRecent = recent.min() ?? .infinity
    return bestRecent > (1 - minImprovement) * bestBefore
  }

  /// Why a run was stopped, for its status.json.
  package var explanation: String {
    let percent = minImprovement * 100
    let shown = percent == percent.rounded() ? String(Int(percent)) : String(percent)
    return "training loss improved by less than \(shown)% over the last \(window) logged steps"
  }
}
