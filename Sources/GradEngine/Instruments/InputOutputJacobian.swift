/// The singular values of a network's input–output Jacobian at one input, and the
/// moments of the eigenvalues λ = σ² of JJᵀ that dynamical isometry is judged by.
///
/// J = ∂x^L/∂x⁰ = D^L W^L ⋯ D¹ W¹ (column convention), from the input x⁰ to the last
/// hidden layer's activations x^L = φ(h^L), with D^l = diag φ′(h^l): the Jacobian of
/// Pennington, Schoenholz & Ganguli 2017 (§2.1), where the readout layer is not part of
/// it. Their nets are square (input and every width N); ours usually are not, so the
/// spectrum is that of the k = min(n₀, N_L) squared singular values of J — all N
/// eigenvalues of JJᵀ for square nets, and otherwise its non-zero ones (JJᵀ's other
/// N_L − k eigenvalues are exactly 0 and would only dilute the moments).
///
/// With Var W = σ_w²/fan_in, the mean eigenvalue is E‖Jv‖² for a unit v (n₀ ≤ N_L): at
/// the mean-field fixed point it is ∏ χ over the layers (1 at criticality), times
/// N₁/n₀ when the first layer widens the input (its W¹ is n₀ → N₁). Dynamical isometry
/// = every σ near 1: the variance of λ stays O(1) as depth grows (orthogonal weights and
/// a small q* for tanh), while Gaussian weights make it grow ∝ L (Pennington et al.
/// 2017, Fig. 1 and §3).
package struct JacobianSpectrum: Sendable, Equatable {
  /// σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0.
  package var singularValues: [Double]

  package init(singularValues: [Double]) { self.singularValues = singularValues }

  /// Mean of λ_i = σ_i² (= ‖J‖_F²/k).
  package var eigenvalueMean: Double {
    singularValues.isEmpty ? .nan : singularValues.reduce(0) { $0 + $1 * $1 } / Double(singularValues.count)
  }

  /// Population variance of λ_i = σ_i² over the k eigenvalues.
  package var eigenvalueVariance: Double {
    let mean = eigenvalueMean
    guard mean.isFinite else { return mean }
    return singularValues.reduce(0) { $0 + ($1 * $1 - mean) * ($1 * $1 - mean) } / Double(singularValues.count)
  }

  /// σ_max (nan for an empty spectrum).
  package var largest: Double { singularValues.first ?? .nan }
}

/// J at `input`, stored n₀ × N_L row-major as J_ᵣₒᵥ[i][j] = ∂x^L_j/∂x⁰_i (the row
/// convention of the engine, x·W: the transpose of J above), formed as the product
/// W¹D¹W²D² ⋯ W^L D^L left to right in Double (n₀·Σ N_(l−1)N_l multiply-adds).
///
/// Edge cases: a network without hidden layers gives the n₀ × n₀ identity (x^L = x⁰).
package func inputOutputJacobian(_ network: ProbeNetwork, at input: [Double]) -> (values: [Double], rows: Int, columns: Int) {
  let n0 = network.inputSize
  let pass = network.forward(input)
  var columns = n0
  var product = [Double](repeating: 0, count: n0 * n0)
  for i in 0..<n0 { product[i * n0 + i] = 1 }
  for (index, layer) in network.layers.prefix(network.hiddenCount).enumerated() {
    var next = [Double](repeating: 0, count: n0 * layer.fanOut)
    for i in 0..<n0 {
      for k in 0..<columns {
        let p = product[i * columns + k]
        if p == 0 { continue }
        let row = layer.weights + k * layer.fanOut
        let base = i * layer.fanOut
        for j in 0..<layer.fanOut { next[base + j] += p * Double(row[j]) }
      }
    }
    let d = pass.derivatives[index]
    for i in 0..<n0 {
      for j in 0..<layer.fanOut { next[i * layer.fanOut + j] *= d[j] }
    }
    product = next
    columns = layer.fanOut
  }
  return (product, n0, columns)
}

/// The singular values of a `rows × columns` row-major matrix, largest first: the
/// square roots of the eigenvalues of its smaller Gram matrix (AAᵀ or AᵀA, formed in
/// Double), found by `symmetricEigenvalues`. Eigenvalues a hair below 0 from rounding
/// count as 0.
///
/// Forming the Gram matrix squares the condition number: singular values below
/// ~10⁻⁸ σ_max are rounding noise (irrelevant to the moments of λ = σ²).
package func singularValues(_ a: [Double], rows: Int, columns: Int) -> [Double] {
  let k = min(rows, columns)
  guard k > 0 else { return [] }
  var gram = [Double](repeating: 0, count: k * k)
  if rows <= columns {
    for i in 0..<rows {
      for j in i..<rows {
        var sum = 0.0
        for c in 0..<columns { sum += a[i * columns + c] * a[j * columns + c] }
        gram[i * k + j] = sum
        gram[j * k + i] = sum
      }
    }
  } else {
    for r in 0..<rows {
      let base = r * columns
      for i in 0..<columns {
        let ai = a[base + i]
        if ai == 0 { continue }
        for j in i..<columns { gram[i * k + j] += ai * a[base + j] }
      }
    }
    for i in 0..<k { for j in 0..<i { gram[i * k + j] = gram[j * k + i] } }
  }
  return symmetricEigenvalues(gram, order: k).map { max($0, 0).squareRoot() }.sorted(by: >)
}

/// The Jacobian's spectrum at `input` (see `JacobianSpectrum`); nil for a network
/// without hidden layers (J would be the identity, nothing to measure).
package func jacobianSpectrum(_ network: ProbeNetwork, at input: [Double]) -> JacobianSpectrum? {
  guard network.hiddenCount > 0 else { return nil }
  let j = inputOutputJacobian(network, at: input)
  return JacobianSpectrum(singularValues: singularValues(j.values, rows: j.rows, columns: j.columns))
}
