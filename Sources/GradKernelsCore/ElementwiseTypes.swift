// The types of the elementwise kernels (activations and their statistics), shared by
// every kernel family: the families differ in vector width, never in these values.

/// The hidden-layer activations the kernels evaluate (f and f′ in one sweep). PReLU is
/// `leakyReLU` with its learned slope.
package enum ElementwiseActivation: Sendable, CaseIterable {
  case sigmoid, tanh, relu, leakyReLU, elu, selu, gelu, geluTanh, silu, softplus, softsign, hardTanh, identity
}

/// The sums behind a hidden layer's activation statistics, accumulated by the forward
/// sweep (`activationSweep(…statistics:)`), in a canonical order that no vector width
/// changes:
///
///     zSum = Σ (z − cz),  zSquares = Σ (z − cz)²,  aSum = Σ (a − ca),  aSquares = Σ (a − ca)²,
///     dSum = Σ f′,  saturated = #{|f′| < threshold},  alive[j] = 1 once unit j was not saturated
///
/// with cz, ca the means of the first row (set by the sweep; shifted sums keep a
/// saturated layer's tiny variance free of cancellation).
///
/// Canonical order: the entries of a row go to 16 Float partial sums — entry j to lane
/// j mod 16 for j < 16·⌊width/16⌋, the last width mod 16 entries (width ≥ 16) to lanes
/// j − (width − 16), and for width < 16 entry j to lane j — each lane adding its
/// entries in row order (`addingProduct` for the squares, one rounding). The rows are
/// read back in groups of max(1, ⌊2048/width⌋); within a group, after every row that
/// brings the entries since the last move to ≥ 256, and after the group's last row, each
/// sum's lanes are reduced (lanes 0–7 + lanes 8–15, then halves pairwise) and the Float
/// added into the Double. The 16-lane family holds the 16 lanes in one register, the
/// 8-lane family in two: the same additions in the same order, so the same bits.
package struct ActivationSums {
  /// |f′| below this counts as saturated.
  package let threshold: Float
  /// `width` flags, 1 once a unit was not saturated on some example (zeroed by `init`).
  package let alive: UnsafeMutablePointer<Float>
  /// The shifts cz, ca: the means of the first row's z and a (Double sums in j order,
  /// rounded to Float).
  package var zShift: Float = 0, aShift: Float = 0
  package var zSum = 0.0, zSquares = 0.0, aSum = 0.0, aSquares = 0.0, dSum = 0.0, saturated = 0.0

  package init(threshold: Float, aliveScratch: UnsafeMutablePointer<Float>, width: Int) {
    self.threshold = threshold
    alive = aliveScratch
    alive.update(repeating: 0, count: width)
  }
}
