/// The two-input correlation map, measured: two inputs with correlation c⁰ go through
/// the network, and each layer's pre-activations are compared by their cosine
///
///     c^l = ⟨h^l(x₁), h^l(x₂)⟩ / (‖h^l(x₁)‖ ‖h^l(x₂)‖)
///
/// — q₁₂^l/√(q₁₁^l q₂₂^l) of Poole et al. 2016 (eq. 5; Schoenholz et al. 2017 eq. 4),
/// whose infinite-width recursion `GradTheory` computes. In the ordered phase (χ₁ < 1)
/// c^l → 1, in the chaotic phase to c* < 1, over a depth ξ_c.
///
/// Returns c^l for layers 1…L+1 (the last one of the logits).
///
/// Edge cases: a layer whose pre-activations are all 0 for one input gives NaN (0/0).
/// At finite width N, c^l fluctuates around the map by O(1/√N) from one
/// initialisation to the next; compare means over seeds.
package func pairCorrelations(_ network: ProbeNetwork, _ first: [Double], _ second: [Double]) -> [Double] {
  let a = network.forward(first).preactivations
  let b = network.forward(second).preactivations
  return zip(a, b).map { cosine($0, $1) }
}

/// ⟨a, b⟩/(‖a‖‖b‖), in Double.
package func cosine(_ a: [Double], _ b: [Double]) -> Double {
  var ab = 0.0, aa = 0.0, bb = 0.0
  for (x, y) in zip(a, b) {
    ab += x * y
    aa += x * x
    bb += y * y
  }
  return ab / (aa * bb).squareRoot()
}

/// The probe input of a data set: the first row rescaled to squared length n₀·q⁰, q⁰ =
/// the mean over the rows of ‖x‖²/n₀ (the theory's q⁰). The Jacobian is measured there.
///
/// Edge cases: nil for no rows, a zero first row, or q⁰ = 0 or not finite.
package func probeInput(features: [Float], featureCount n: Int) -> [Double]? {
  let rows = n > 0 ? features.count / n : 0
  guard rows >= 1 else { return nil }
  var squares = 0.0
  for value in features.prefix(rows * n) { squares += Double(value) * Double(value) }
  let q0 = squares / Double(rows * n)
  let first = (0..<n).map { Double(features[$0]) }
  let firstNorm = first.reduce(0) { $0 + $1 * $1 }.squareRoot()
  guard q0 > 0, q0.isFinite, firstNorm > 0 else { return nil }
  let radius = (Double(n) * q0).squareRoot()
  return first.map { radius * $0 / firstNorm }
}

/// The probe pair of a data set: two vectors of squared length n₀·q⁰ with cosine
/// exactly c⁰:
///
///     x₁ = r·u,   x₂ = r·(c⁰ u + √(1 − c⁰²) v),   r = √(n₀ q⁰)
///
/// x₁ = `probeInput` (u = the first row's direction), v = the unit part of the first
/// later row that is orthogonal to u (Gram–Schmidt). So the pair is a real example and
/// a real example's new direction, mixed to the requested correlation, at the length the
/// theory assumes.
///
/// Edge cases: nil when no pair exists — fewer than two rows, no `probeInput`, every
/// row parallel to the first, or a single input feature (no second direction).
/// c⁰ = ±1 gives x₂ = ±x₁.
package func correlatedProbePair(
  features: [Float], featureCount n: Int, correlation c0: Double
) -> (first: [Double], second: [Double])? {
  let rows = n > 0 ? features.count / n : 0
  guard rows >= 2, n >= 2, (-1...1).contains(c0), let first = probeInput(features: features, featureCount: n) else {
    return nil
  }
  func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  let radius = norm(first)
  let u = first.map { $0 / radius }
  for r in 1..<rows {
    let row = (0..<n).map { Double(features[r * n + $0]) }
    var v = row
    let projection = zip(v, u).reduce(0) { $0 + $1.0 * $1.1 }
    for j in 0..<n { v[j] -= projection * u[j] }
    let vNorm = norm(v)
    // A row (numerically) parallel to the first has no new direction.
    guard vNorm > 1e-6 * norm(row) else { continue }
    let s = (1 - c0 * c0).squareRoot()
    return (first, (0..<n).map { radius * (c0 * u[$0] + s * v[$0] / vNorm) })
  }
  return nil
}
