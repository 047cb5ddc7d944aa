/// How far a weight matrix has moved from its initial value, relative to that value:
///
///     weight_distance = ‖W − W₀‖_F / ‖W₀‖_F
///
/// The "lazy training" measure: wide networks trained in the kernel regime barely move
/// (the ratio shrinks like 1/√width; Jacot et al. 2018, Lee et al. 2019 §2.3, Chizat et
/// al. 2019), feature-learning ones move by O(1).
///
/// Accumulated in Double, in index order (reproducible).
///
/// Edge cases: 0 for W = W₀; +∞ when W₀ = 0 and W ≠ 0 (`zeros` initialisation), NaN when
/// both are 0 (0/0) or an entry is NaN.
package func relativeDistance(
  _ w: UnsafePointer<Float>, from initial: UnsafePointer<Float>, count: Int
) -> Double {
  var difference = 0.0, reference = 0.0
  for i in 0..<count {
    let d = Double(w[i]) - Double(initial[i])
    difference += d * d
    reference += Double(initial[i]) * Double(initial[i])
  }
  return (difference / reference).squareRoot()
}

/// The spectral norm ‖W‖₂ = σ_max(W), the largest singular value of a `rows × columns`
/// row-major matrix, by power iteration on WᵀW (Golub & Van Loan 2013, §8.2.1;
/// the estimate of spectral normalisation, Miyato et al. 2018, run to convergence):
///
///     v ← WᵀW v / ‖WᵀW v‖,   σ² ≈ ‖W v‖²  (the Rayleigh quotient, v a unit vector)
///
/// The start vector is fixed (Gaussian entries from `Xoshiro256(seed: startSeed)`), so
/// the same matrix gives the same bits. Iterates until σ changes by less than
/// `tolerance` relative, at most `maxIterations` times. The Rayleigh quotient never
/// exceeds σ_max² and rises towards it; its error falls like (σ₂/σ₁)^(2k) weighted by the
/// gap, so a well-separated top singular value is found to rounding in a few dozen
/// iterations, and a random matrix (whose top values crowd together) to ~10⁻⁵ relative.
///
/// Edge cases: the zero matrix (or an empty one) gives 0; a non-finite entry gives NaN.
package func spectralNorm(
  _ w: UnsafePointer<Float>, rows: Int, columns: Int, tolerance: Double = 1e-7, maxIterations: Int = 500
) -> Double {
  guard rows > 0, columns > 0 else { return 0 }
  var generator = Xoshiro256(seed: spectralNormStartSeed)
  var v = (0..<columns).map { _ in generator.nextNormal() }
  var u = [Double](repeating: 0, count: rows)
  var estimate = 0.0
  for _ in 0..<maxIterations {
    let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard vNorm > 0, vNorm.isFinite else { return vNorm.isFinite ? 0 : .nan }
    for j in 0..<columns { v[j] /= vNorm }
    // u = W v, then v = Wᵀu.
    var uSquares = 0.0
    for i in 0..<rows {
      let sum = dot(w + i * columns, v, count: columns)
      u[i] = sum
      uSquares += sum * sum
    }
    let next = uSquares.squareRoot()
    guard next.isFinite else { return .nan }
    v.withUnsafeMutableBufferPointer { v in
      v.update(repeating: 0)
      for i in 0..<rows {
        let row = w + i * columns
        let ui = u[i]
        for j in 0..<columns { v[j] += Double(row[j]) * ui }
      }
    }
    let converged = abs(next - estimate) <= tolerance * next
    estimate = next
    if converged { break }
  }
  return estimate
}

/// Σ a_j·b_j in Double over four interleaved partial sums (j mod 4), added at the end in
/// a fixed order: the same bits every time, and four independent chains instead of one
/// (the single chain's add latency made the power iteration 3–4× slower).
private func dot(_ a: UnsafePointer<Float>, _ b: [Double], count: Int) -> Double {
  var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
  var j = 0
  b.withUnsafeBufferPointer { b in
    while j + 4 <= count {
      s0 += Double(a[j]) * b[j]
      s1 += Double(a[j + 1]) * b[j + 1]
      s2 += Double(a[j + 2]) * b[j + 2]
      s3 += Double(a[j + 3]) * b[j + 3]
      j += 4
    }
    while j < count {
      s0 += Double(a[j]) * b[j]
      j += 1
    }
  }
  return (s0 + s1) + (s2 + s3)
}

/// The seed of the power iteration's start vector (any fixed value).
let spectralNormStartSeed: UInt64 = 0x5EC7_0A11
