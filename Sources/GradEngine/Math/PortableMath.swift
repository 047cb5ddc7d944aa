// Double-precision eˣ and ln x written out in IEEE-754 basic operations (+, −, ×, ÷, and
// integer bit manipulation), so that their results are the same bits on every CPU and
// operating system. libm's `exp` and `log` are not: glibc and Darwin's libm differ in
// the last bit for some arguments, and a different last bit in an accept/reject test of
// the Gaussian sampler would shift every later draw. Swift does not contract `a*b + c`
// into a fused multiply-add by itself, so each line below rounds exactly as written.
// Both follow fdlibm (Sun Microsystems 1993, `e_exp.c`, `e_log.c`): the same reductions
// and minimax polynomials, with a simpler argument range (nothing here needs subnormal
// results or arguments).

/// eˣ by fdlibm's method (`e_exp.c`):
///
///     x = k·ln 2 + r, |r| ≤ ½ ln 2 (ln 2 = hi + lo, k·hi exact),
///     R(r²) = r − r²·(P1 + r²·(P2 + … + r²·P5))  (Remez, |error| < 2⁻⁵⁹),
///     eʳ = 1 − ((lo − r·R/(2 − R)) − hi),  eˣ = 2ᵏ · eʳ
///
/// Edge cases: 0 below −708.39 (where eˣ would be subnormal; the callers never need
/// those), +∞ above 709.78, NaN → NaN.
/// Properties: error < 1 ulp (fdlibm's bound); the same bits on every platform.
@inlinable
package func portableExp(_ x: Double) -> Double {
  if x.isNaN { return x }
  if x > 709.782_712_893_383_973 { return .infinity }
  if x < -708.396_418_532_264 { return 0 }
  let ln2Hi = 6.931_471_803_691_238_164_90e-01  // upper 32 bits of ln 2: k·ln2Hi is exact
  let ln2Lo = 1.908_214_929_270_587_700_02e-10
  let invLn2 = 1.442_695_040_888_963_387_00
  let k = (x * invLn2).rounded(.toNearestOrEven)
  let hi = x - k * ln2Hi
  let lo = k * ln2Lo
  let r = hi - lo
  let t = r * r
  let p1 = 1.666_666_666_666_660_190_37e-01
  let p2 = -2.777_777_777_701_559_338_42e-03
  let p3 = 6.613_756_321_437_934_361_17e-05
  let p4 = -1.653_390_220_546_525_153_90e-06
  let p5 = 4.138_136_797_057_238_460_39e-08
  let c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
  let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
  // 2ᵏ from its bit pattern; k ∈ [−1022, 1024], so split in two factors to stay normal.
  let exponent = Int64(k)
  let half = exponent / 2
  let scaleA = Double(bitPattern: UInt64(1023 + half) << 52)
  let scaleB = Double(bitPattern: UInt64(1023 + exponent - half) << 52)
  return y * scaleA * scaleB
}

/// ln x by fdlibm's method (`e_log.c`):
///
///     x = 2ᵏ·(1 + f), √2/2 ≤ 1 + f < √2,  s = f/(2 + f),
///     ln(1 + f) = f − ½f² + s·(½f² + R(s²))  (R Remez, |error| < 2⁻⁵⁸·⁴⁵),
///     ln x = k·ln2Hi − ((½f² − (s·(½f² + R) + k·ln2Lo)) − f)
///
/// Edge cases: ln 0 = −∞; x < 0 and NaN → NaN; +∞ → +∞; subnormal x is scaled by 2⁵⁴
/// first.
/// Properties: error < 1 ulp (fdlibm's bound); the same bits on every platform.
@inlinable
package func portableLog(_ x: Double) -> Double {
  if x.isNaN || x < 0 { return .nan }
  if x == 0 { return -.infinity }
  if x == .infinity { return x }
  var bits = x.bitPattern
  var k: Int64 = 0
  if x < Double.leastNormalMagnitude {
    bits = (x * 0x1p54).bitPattern
    k = -54
  }
  // Exponent and mantissa; the mantissa's top bits decide whether 1 + f lies below √2.
  k += Int64(bits >> 52) - 1023
  let mantissa = bits & 0x000F_FFFF_FFFF_FFFF
  // 0x6A09E667F3BCD is the mantissa of √2: above it, use (1 + f)/2 and k + 1.
  let above = mantissa > 0x6_A09E_667F_3BCD
  if above { k += 1 }
  let m = Double(bitPattern: mantissa | (above ? 0x3FE0_0000_0000_0000 : 0x3FF0_0000_0000_0000))
  let f = m - 1
  let halfSquare = 0.5 * f * f
  let s = f / (2 + f)
  let z = s * s
  let w = z * z
  let lg1 = 6.666_666_666_666_735_130e-01
  let lg2 = 3.999_999_999_940_941_908e-01
  let lg3 = 2.857_142_874_366_239_149e-01
  let lg4 = 2.222_219_843_214_978_396e-01
  let lg5 = 1.818_357_216_161_805_012e-01
  let lg6 = 1.531_383_769_920_937_332e-01
  let lg7 = 1.479_819_860_511_658_591e-01
  let t1 = w * (lg2 + w * (lg4 + w * lg6))
  let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
  let r = t2 + t1
  let dk = Double(k)
  let ln2Hi = 6.931_471_803_691_238_164_90e-01
  let ln2Lo = 1.908_214_929_270_587_700_02e-10
  return dk * ln2Hi - ((halfSquare - (s * (halfSquare + r) + dk * ln2Lo)) - f)
}
