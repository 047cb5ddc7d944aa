// Elementary functions on a vector of floats, written out so that the activations and
// losses vectorise and give the same bits on every machine (no libm in the hot path).
// Each propagates NaN, so a diverging network is seen as diverging.
//
// One source, three compilations (symbolic links): GradKernels8 and GradKernels16 (the
// activations, `MathVector` = SIMD16<Float>: two YMM registers under Haswell flags, one
// ZMM register under Skylake-SP's) and GradEngine (the losses, `MathVector` =
// SIMD8<Float>). Each module defines `MathVector`, `MathInts` (its Int32 lanes) and
// `absolute(_:)`. Every line is IEEE basic arithmetic rounded as written (Swift does not
// contract `a*b + c`, LLVM emits no approximate reciprocal without fast-math) and no
// lane reads another, so a lane's result is the same bits in every compilation and at
// any width (tested over all 2³² Float bit patterns: ElementwiseFamilyTests).

/// eˣ, Cody–Waite reduction and the Cephes `expf` polynomial:
///
///     x = n·ln 2 + r,  |r| ≤ ½ ln 2,   eʳ ≈ 1 + r + r²·P(r),   eˣ = 2ⁿ · eʳ
///
/// Properties: relative error ≤ 2 ulp on [−86, 88.72]; +∞ above ln(Float.max) ≈ 88.72;
/// 0 below −86 (true values < 4.5·10⁻³⁸, so only subnormals are lost); NaN → NaN.
@inline(__always)
func expLanes(_ x: MathVector) -> MathVector {
  let upper: Float = 88.722_839_05  // ln(Float.greatestFiniteMagnitude)
  let lower: Float = -86
  var t = x.replacing(with: upper, where: x .> upper)
  t = t.replacing(with: lower, where: t .< lower)
  // Adding 1.5·2²³ rounds t·log₂e to an integer n held in the low mantissa bits.
  let shifter: Float = 12_582_912
  let k = t * Float(1.442_695_040_888_963_4) + shifter
  let n = k - shifter
  // ln 2 = 0.693359375 − 2.12194440e−4; n·0.693359375 is exact (n has ≤ 8 bits).
  var r = t - n * Float(0.693_359_375)
  r = r - n * Float(-2.121_944_40e-4)
  var p = MathVector(repeating: 1.987_569_150_0e-4)
  p = p * r + 1.398_199_950_7e-3
  p = p * r + 8.333_451_907_3e-3
  p = p * r + 4.166_579_589_4e-2
  p = p * r + 1.666_666_545_9e-1
  p = p * r + 5.000_000_120_1e-1
  let y = p * (r * r) + r + 1
  // 2ⁿ⁻¹ from its bit pattern, then ×2: n reaches 128 next to ln(Float.max).
  let exponentBits = (unsafeBitCast(k, to: MathInts.self) &- 0x4B40_0000 &+ 126) &<< 23
  var result = y * unsafeBitCast(exponentBits, to: MathVector.self) * 2
  result = result.replacing(with: .infinity, where: x .> upper)
  result = result.replacing(with: 0, where: x .< lower)
  return result
}

/// eˣ − 1 without cancellation near 0: the Taylor polynomial of degree 8 for
/// |x| < ½ ln 2 (truncation error < 10⁻⁹ relative), `expLanes(x) − 1` elsewhere (where
/// |eˣ − 1| > 0.29, so the subtraction costs at most about one ulp).
/// Returns eˣ too, since every caller also needs it.
@inline(__always)
func expAndExpm1(_ x: MathVector) -> (exp: MathVector, expm1: MathVector) {
  let e = expLanes(x)
  var q = MathVector(repeating: 1.0 / 40320)
  q = q * x + (1.0 / 5040)
  q = q * x + (1.0 / 720)
  q = q * x + (1.0 / 120)
  q = q * x + (1.0 / 24)
  q = q * x + (1.0 / 6)
  q = q * x + 0.5
  let series = x + (x * x) * q
  let expm1 = (e - 1).replacing(with: series, where: absolute(x) .< 0.346_573_59)
  return (e, expm1)
}

/// ln(1 + y) for y ∈ [0, 1] by the series of 2·atanh(s), s = y / (2 + y) ≤ 1/3:
///
///     ln(1 + y) = 2s · (1 + s²/3 + s⁴/5 + … + s¹⁶/17)
///
/// Properties: no cancellation at small y (relative error ~1 ulp), truncation < 10⁻⁹.
@inline(__always)
func log1pUnitLanes(_ y: MathVector) -> MathVector {
  let s = y / (2 + y)
  let s2 = s * s
  var q = MathVector(repeating: 1.0 / 17)
  q = q * s2 + (1.0 / 15)
  q = q * s2 + (1.0 / 13)
  q = q * s2 + (1.0 / 11)
  q = q * s2 + (1.0 / 9)
  q = q * s2 + (1.0 / 7)
  q = q * s2 + (1.0 / 5)
  q = q * s2 + (1.0 / 3)
  q = q * s2 + 1
  return 2 * s * q
}

/// The logistic function and its derivative from one exponential, accurate in both tails:
///
///     e = e^−|z|,  r = 1/(1 + e):  σ(|z|) = r,  σ(−|z|) = e·r,  σ′(z) = e·r²
///
/// (σ′ = σ(1 − σ) would round to 0 for z > 17 while the true value is still 4·10⁻⁸;
/// the gradients of saturated sigmoids are exactly what gradsweep measures.)
@inline(__always)
func logisticLanes(_ z: MathVector) -> (value: MathVector, derivative: MathVector) {
  let e = expLanes(-absolute(z))
  let r = 1 / (1 + e)
  let er = e * r
  return (r.replacing(with: er, where: z .< 0), er * r)
}

/// erfc(x), Numerical Recipes' Chebyshev fit (`erfcc`), fractional error < 1.2·10⁻⁷ in
/// exact arithmetic; in Float the rounding of x² adds ≈ x²·6·10⁻⁸ (10⁻⁶ at |x| = 4):
///
///     t = 1/(1 + |x|/2),  erfc(|x|) = t·exp(−x² − 1.26551223 + t·P(t)),  erfc(−x) = 2 − erfc(x)
@inline(__always)
func erfcLanes(_ x: MathVector) -> MathVector {
  let z = absolute(x)
  let t = 1 / (1 + 0.5 * z)
  var p = MathVector(repeating: 0.170_872_77)
  p = p * t - 0.822_152_23
  p = p * t + 1.488_515_87
  p = p * t - 1.135_203_98
  p = p * t + 0.278_868_07
  p = p * t - 0.186_288_06
  p = p * t + 0.096_784_18
  p = p * t + 0.374_091_96
  p = p * t + 1.000_023_68
  p = p * t - 1.265_512_23
  let tail = t * expLanes(p - z * z)
  return tail.replacing(with: 2 - tail, where: x .< 0)
}
