// The fixed points of the length and correlation maps, found by iterating the map (as
// the network does, layer after layer) and then bracketing and bisecting the root.

extension MeanField {
  /// q*, the fixed point q* = σ_w²·E[φ(√q* z)²] + σ_b² that the length map reaches from
  /// q⁰ (Poole et al. 2016): the pre-activation variance deep in a wide network.
  ///
  /// Found by iterating the map 200 times from q⁰, then bracketing a sign change of
  /// L(q) − q in the direction the iteration moves (steps ×2 up, ÷16 down) and bisecting
  /// it to 1e-15 relative. Piecewise-linear φ (slope m = σ_w²(1 + a²)/2): q* = σ_b²/(1 − m).
  ///
  /// Edge cases: `.infinity` when the lengths grow without bound (unbounded φ with
  /// m ≥ 1, or any map exceeding 1e12); 0 when they decay to 0 (σ_b = 0 and φ(0) = 0 in
  /// the ordered phase, e.g. tanh with σ_w² ≤ 1; the decay is then only ~1/l at σ_w² = 1).
  /// A piecewise-linear φ at m = 1 with σ_b = 0 keeps every length: q* = q⁰.
  package func lengthFixedPoint(from q0: Double = 1) -> Double {
    if let a = activation.homogeneousSlope {
      let m = weightVariance * (1 + a * a) / 2
      if abs(m - 1) <= 1e-12 { return biasVariance == 0 ? q0 : .infinity }
      if m > 1 { return biasVariance == 0 && q0 == 0 ? 0 : .infinity }
      return biasVariance / (1 - m)
    }
    let limit = 1e12
    var q = max(q0, 0)
    for _ in 0..<200 {
      let next = lengthMap(q)
      guard next.isFinite, next <= limit else { return .infinity }
      if abs(next - q) <= 1e-15 * next { return next }
      q = next
    }
    let g = { (q: Double) -> Double in self.lengthMap(q) - q }
    let g0 = g(q)
    if g0 == 0 { return q }
    var lo = q, hi = q
    if g0 > 0 {
      repeat {
        lo = hi
        hi = max(2 * hi, 1e-12)
        if hi > limit { return .infinity }
      } while g(hi) > 0
    } else {
      repeat {
        hi = lo
        lo /= 16
        if lo < 1e-300 { return 0 }
      } while g(lo) < 0
    }
    return bisect(lo: lo, hi: hi, relative: 1e-15) { g($0) > 0 }
  }

  /// c*, the stable fixed point of the correlation map at lengths q (Schoenholz et al.
  /// 2017): 1 in the ordered phase (χ(q) ≤ 1, all inputs end up aligned); in the
  /// chaotic phase (χ > 1, c = 1 is unstable) the root c* < 1 of C(c) = c, bracketed in
  /// [0, 1 − ε] (C(0) ≥ 0 always; C(1 − ε) < 1 − ε for the largest ε ∈ {10⁻², …, 10⁻¹⁰}
  /// where it holds) and solved to 1e-12 by regula falsi.
  ///
  /// Edge cases: returns 1 when no ε ≤ 10⁻¹⁰ shows C(1 − ε) < 1 − ε (χ within rounding
  /// of 1). With an odd φ and σ_b = 0, C(0) = 0 and c* may be 0 (e.g. SELU at
  /// σ_w² = 1, whose C′(0) = E[φ′]² ≈ 0.97 < 1); a root below 1e-12 is returned as 0.
  package func correlationFixedPoint(q: Double) -> Double {
    if chi(q) <= 1 + 1e-12 { return 1 }
    let g = { (c: Double) -> Double in self.correlationMap(c, q: q) - c }
    var epsilon = 1e-2
    while g(1 - epsilon) >= 0 {
      epsilon /= 10
      if epsilon < 1e-10 { return 1 }
    }
    let root = regulaFalsi(lo: 0, hi: 1 - epsilon, tolerance: 1e-12, g)
    return root < 1e-12 ? 0 : root
  }

  /// The root of a continuous g with g(lo) ≥ 0 > g(hi) by the Illinois variant of regula
  /// falsi (superlinear, ~10 evaluations where bisection needs 40: each is a 2-D
  /// integral here), stopping when the bracket or the step is below `tolerance`.
  func regulaFalsi(lo: Double, hi: Double, tolerance: Double, _ g: (Double) -> Double) -> Double {
    var a = lo, b = hi, ga = g(lo), gb = g(hi)
    if ga == 0 { return a }
    var side = 0
    var previous = a
    for _ in 0..<200 {
      let c = (a * gb - b * ga) / (gb - ga)
      let gc = g(c)
      if gc == 0 || abs(b - a) <= tolerance || abs(c - previous) <= tolerance { return c }
      previous = c
      if gc < 0 {
        b = c
        gb = gc
        if side == -1 { ga /= 2 }
        side = -1
      } else {
        a = c
        ga = gc
        if side == 1 { gb /= 2 }
        side = 1
      }
    }
    return (a + b) / 2
  }

  /// Bisects a bracket [lo, hi] with `isBelowRoot(lo)` true and `isBelowRoot(hi)` false,
  /// geometrically while hi/lo > 4 (lengths span decades), arithmetically after, until
  /// hi − lo ≤ max(relative·|hi|, absolute).
  func bisect(
    lo: Double, hi: Double, relative: Double, absolute: Double = 1e-300, isBelowRoot: (Double) -> Bool
  ) -> Double {
    var lo = lo, hi = hi
    for _ in 0..<400 {
      if hi - lo <= max(relative * abs(hi), absolute) { break }
      let mid = lo > 0 && hi > 4 * lo ? (lo * hi).squareRoot() : (lo + hi) / 2
      if isBelowRoot(mid) { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }
}
