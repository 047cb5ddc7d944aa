// Batch and layer normalisation on batch-major blocks (`rows × width`), forward in place
// (x ← γ ⊙ x̂ + β) and backward in place (g = ∂L/∂y ← ∂L/∂x), 8 units at a time. Sums
// run over rows (batch norm) or over a row's 8-lane chunks (layer norm) in a fixed
// order, so results are bitwise reproducible. Formulas in `Normalization`.
//
// Backward, with g = ∂L/∂y, the parameter gradients are ∂L/∂β = Σ g and ∂L/∂γ = Σ g ⊙ x̂
// (summed over the rows), and the input gradient is the projection
//
//     batch norm: ∂L/∂x = γ/σ̃ · (g − mean_rows(g) − x̂ ⊙ mean_rows(g ⊙ x̂))    (per unit)
//     layer norm: ∂L/∂x = 1/σ̃ · (ĝ − mean_units(ĝ) − x̂ ⊙ mean_units(ĝ ⊙ x̂)),  ĝ = γ ⊙ g  (per row)
//
// with σ̃ = √(σ² + ε) of the statistics the forward pass used. Both remove from the
// gradient exactly what the normalisation removed from the signal: batch norm's
// ∂L/∂x sums to 0 over the rows (why a dense bias before it gets no gradient).

/// Batch norm in training mode, in place: x ← γ ⊙ (x − μ_B)/√(σ²_B + ε) + β, per unit over
/// the rows. Writes x̂, μ_B, σ²_B (biased: ÷ rows) and 1/√(σ²_B + ε).
func batchNormTrainingForward(
  _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
  scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
  normalized: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
  variance: UnsafeMutablePointer<Float>, inverseStd: UnsafeMutablePointer<Float>
) {
  let count = Float(rows)
  var j = 0
  while j < width {
    let n = min(8, width - j)
    var sum = Vector8()
    for row in 0..<rows { sum += load8(x + row * width + j, count: n) }
    let mu = sum / count
    var squares = Vector8()
    for row in 0..<rows {
      let deviation = load8(x + row * width + j, count: n) - mu
      squares = squares.addingProduct(deviation, deviation)
    }
    let sigma2 = squares / count
    let inverse = 1 / (sigma2 + Normalization.epsilon).squareRoot()
    store8(mu, mean + j, count: n)
    store8(sigma2, variance + j, count: n)
    store8(inverse, inverseStd + j, count: n)
    let gamma = load8(scale + j, count: n), beta = load8(shift + j, count: n)
    for row in 0..<rows {
      let p = x + row * width + j
      let xHat = (load8(p, count: n) - mu) * inverse
      store8(xHat, normalized + row * width + j, count: n)
      store8(gamma * xHat + beta, p, count: n)
    }
    j += 8
  }
}

/// Batch norm in evaluation mode, in place: x ← γ ⊙ (x − μ̄)/√(σ̄² + ε) + β with the
/// running statistics (the same operations as training, other statistics).
func batchNormInferenceForward(
  _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
  scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
  runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>
) {
  var j = 0
  while j < width {
    let n = min(8, width - j)
    let mu = load8(runningMean + j, count: n)
    let inverse = 1 / (load8(runningVariance + j, count: n) + Normalization.epsilon).squareRoot()
    let gamma = load8(scale + j, count: n), beta = load8(shift + j, count: n)
    for row in 0..<rows {
      let p = x + row * width + j
      let xHat = (load8(p, count: n) - mu) * inverse
      store8(gamma * xHat + beta, p, count: n)
    }
    j += 8
  }
}

/// Layer norm, in place: each row x ← γ ⊙ (x − μ_row)/√(σ²_row + ε) + β over its `width`
/// units. Writes x̂ and 1/√(σ²_row + ε) per row when given (training needs them).
func layerNormForward(
  _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
  scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
  normalized: UnsafeMutablePointer<Float>?, inverseStd: UnsafeMutablePointer<Float>?
) {
  let count = Float(width)
  for row in 0..<rows {
    let xRow = x + row * width
    var sum = Vector8()
    var j = 0
    while j < width {
      sum += load8(xRow + j, count: min(8, width - j))
      j += 8
    }
    let mu = laneSum(sum) / count
    var squares = Vector8()
    j = 0
    while j < width {
      let n = min(8, width - j)
      let deviation = (load8(xRow + j, count: n) - mu).replacing(with: 0, where: .!laneMask(n))
      squares = squares.addingProduct(deviation, deviation)
      j += 8
    }
    let inverse = 1 / (laneSum(squares) / count + Normalization.epsilon).squareRoot()
    inverseStd?[row] = inverse
    j = 0
    while j < width {
      let n = min(8, width - j)
      let xHat = (load8(xRow + j, count: n) - mu) * inverse
      if let normalized { store8(xHat, normalized + row * width + j, count: n) }
      store8(load8(scale + j, count: n) * xHat + load8(shift + j, count: n), xRow + j, count: n)
      j += 8
    }
  }
}

/// Batch norm backward (training mode), in place: g ← ∂L/∂x from g = ∂L/∂y; writes
/// ∂L/∂γ and ∂L/∂β (`width` each).
func batchNormBackward(
  _ g: UnsafeMutablePointer<Float>, normalized: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
  scale: UnsafePointer<Float>, rows: Int, width: Int,
  scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>
) {
  let count = Float(rows)
  var j = 0
  while j < width {
    let n = min(8, width - j)
    var sumG = Vector8(), sumGX = Vector8()
    for row in 0..<rows {
      let gv = load8(g + row * width + j, count: n)
      sumG += gv
      sumGX = sumGX.addingProduct(gv, load8(normalized + row * width + j, count: n))
    }
    store8(sumG, shiftGradient + j, count: n)
    store8(sumGX, scaleGradient + j, count: n)
    let factor = load8(scale + j, count: n) * load8(inverseStd + j, count: n)
    let meanG = sumG / count, meanGX = sumGX / count
    for row in 0..<rows {
      let p = g + row * width + j
      let xHat = load8(normalized + row * width + j, count: n)
      store8(factor * (load8(p, count: n) - meanG - xHat * meanGX), p, count: n)
    }
    j += 8
  }
}

/// Layer norm backward, in place: g ← ∂L/∂x from g = ∂L/∂y; writes ∂L/∂γ and ∂L/∂β
/// (column sums over the rows, added row by row in order).
func layerNormBackward(
  _ g: UnsafeMutablePointer<Float>, normalized: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
  scale: UnsafePointer<Float>, rows: Int, width: Int,
  scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>
) {
  scaleGradient.update(repeating: 0, count: width)
  shiftGradient.update(repeating: 0, count: width)
  let count = Float(width)
  for row in 0..<rows {
    let gRow = g + row * width, xRow = normalized + row * width
    var sumG = Vector8(), sumGX = Vector8()
    var j = 0
    while j < width {
      let n = min(8, width - j)
      let gv = load8(gRow + j, count: n), xHat = load8(xRow + j, count: n)
      store8(load8(scaleGradient + j, count: n) + gv * xHat, scaleGradient + j, count: n)
      store8(load8(shiftGradient + j, count: n) + gv, shiftGradient + j, count: n)
      let scaled = gv * load8(scale + j, count: n)  // tail lanes: γ and g are 0
      sumG += scaled
      sumGX = sumGX.addingProduct(scaled, xHat)
      j += 8
    }
    let meanG = laneSum(sumG) / count, meanGX = laneSum(sumGX) / count
    let inverse = inverseStd[row]
    j = 0
    while j < width {
      let n = min(8, width - j)
      let scaled = load8(gRow + j, count: n) * load8(scale + j, count: n)
      let xHat = load8(xRow + j, count: n)
      store8(inverse * (scaled - meanG - xHat * meanGX), gRow + j, count: n)
      j += 8
    }
  }
}
