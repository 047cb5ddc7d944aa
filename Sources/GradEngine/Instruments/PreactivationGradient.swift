/// Mean over a batch of the per-example norm of the loss's gradient with respect to a
/// layer's pre-activations:
///
///     preact_grad_norm = (1/B) Σ_n ‖∂ℓ_n/∂h_n‖₂,   ∂ℓ_n/∂h_n = B · δ_n
///
/// where δ (`rows × width`, row-major: the engine's `deltas`) is the gradient of the
/// batch's *mean* loss (1/B) Σ_n ℓ_n with respect to the pre-activations h = x·W + b, so
/// its row n is ∂ℓ_n/∂h_n / B. This is the quantity of the back-propagation recursion of
/// Schoenholz et al. 2017 (§3, E‖δ^l‖² = χ_l E‖δ^(l+1)‖², per example), which
/// `grad_b_norm` = ‖Σ_n δ_n‖ measures only with one example per batch: summed over a
/// batch, examples' gradients partly cancel (their cross terms scale with the inputs'
/// correlation), so ‖Σ_n δ_n‖ ≤ Σ_n ‖δ_n‖ = this column.
///
/// `scale` multiplies every row: the engine passes B, so that the mean is over the
/// per-example gradients ∂ℓ_n/∂h_n. Accumulated in Double, row by row (fixed order:
/// reproducible).
///
/// Edge cases: `rows == 0` gives 0. A non-finite entry makes its row's norm, and the
/// mean, non-finite. With batch normalisation the rows are coupled (the batch's
/// statistics depend on every example), so "per example" means the row of the batch
/// loss's gradient times B.
package func meanRowNorm(_ delta: UnsafePointer<Float>, rows: Int, width: Int, scale: Double = 1) -> Double {
  guard rows > 0 else { return 0 }
  var total = 0.0
  for row in 0..<rows {
    let start = delta + row * width
    var squares = 0.0
    for j in 0..<width {
      let value = Double(start[j])
      squares += value * value
    }
    total += squares.squareRoot()
  }
  return scale * total / Double(rows)
}
