// Vectorised elementwise exp, tanh and sigmoid for Float32, eight lanes at a time.
//
// Every element is computed by the same lane formula whatever its position in the buffer
// (the last count mod 8 elements go through a padded vector), so a value's result depends
// on the value only: deterministic across buffer sizes and offsets.

/// e^x on eight lanes (Cody–Waite reduction and a degree-6 polynomial, after Cephes `expf`):
///
///     n = round(x·log₂e),  r = x − n·ln2 (in two parts, exact to ~2⁻³⁶),
///     e^r ≈ 1 + r + r²·P(r),  e^x = e^r · 2^⌊n/2⌋ · 2^(n−⌊n/2⌋)
///
/// Properties: maximum relative error 8e-8 measured (< 1 ulp; the tests allow 2e-7) for
/// results in the normal range;
/// results in the subnormal range are correctly scaled by the two-step power of two
/// (error ≤ 1 subnormal ulp beyond that); x > 88.7228 gives +∞, x < −104 gives +0,
/// NaN gives NaN. Measured against Double `exp` in `VectorMathTests`.
@inlinable
public func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let hi = SIMD8<Float>(repeating: 88.722_83)
  let lo = SIMD8<Float>(repeating: -104)
  let clamped = x.clamped(lowerBound: lo, upperBound: hi)
  let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
  var r = clamped.addingProduct(n, SIMD8(repeating: -0.693_359_375))
  r = r.addingProduct(n, SIMD8(repeating: 2.121_944_4e-4))
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 1.666_666_55e-1
  p = p * r + 5.000_000_12e-1
  let er = (p * (r * r)) + r + 1
  let ni = SIMD8<Int32>(n, rounding: .towardZero)
  let half = ni &>> 1
  let rest = ni &- half
  let scale1 = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
  let scale2 = unsafeBitCast((rest &+ 127) &<< 23, to: SIMD8<Float>.self)
  var result = er * scale1 * scale2
  result.replace(with: Float.infinity, where: x .> hi)
  result.replace(with: 0, where: x .< lo)
  result.replace(with: x, where: x .!= x)
  return result
}

/// tanh x on eight lanes:
///
///     |x| < 0.625:  x + x·z·P(z), z = x²  (Cephes `tanhf` minimax polynomial)
///     otherwise:    sign(x) · (1 − 2 / (e^(2|x|) + 1))
///
/// Properties: odd; |result| ≤ 1, reaching ±1 exactly for |x| ≳ 9; maximum relative error
/// 1.3e-7 measured (≈ 1 ulp; the tests allow 2e-7); NaN gives NaN. The two branches are both evaluated and blended, so
/// there is no data-dependent control flow.
@inlinable
public func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let magnitude = x.replacing(with: -x, where: x .< 0)
  let z = x * x
  var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
  p = p * z + 2.063_908_879_54e-2
  p = p * z - 5.373_971_555_31e-2
  p = p * z + 1.333_144_220_36e-1
  p = p * z - 3.333_328_194_22e-1
  let small = x.addingProduct(p * z, x)
  let e = exp8(magnitude + magnitude)
  var large = 1 - 2 / (e + 1)
  large.replace(with: -large, where: x .< 0)
  var result = large
  result.replace(with: small, where: magnitude .< 0.625)
  return result
}

/// The logistic function σ(x) = 1 / (1 + e^(−x)) on eight lanes.
///
/// Properties: values in [0, 1] (subnormal below x ≈ −87.34, exactly 0 below −88.72 where
/// e^(−x) overflows, exactly 1 once e^(−x) < 2⁻²⁵); maximum relative error 1.4e-7 measured
/// for normal results (the tests allow 2e-7); NaN gives NaN.
@inlinable
public func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  1 / (1 + exp8(-x))
}

/// Applies an eight-lane function to `count` floats from `input` into `output` (which may
/// be the same memory): full vectors, then the last count mod 8 through a padded vector.
@inlinable @inline(__always)
func mapVectors(
  _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
  _ function: (SIMD8<Float>) -> SIMD8<Float>
) {
  var i = 0
  while i + 8 <= count {
    let v = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(output + i).storeBytes(of: function(v), as: SIMD8<Float>.self)
    i += 8
  }
  if i < count {
    var v = SIMD8<Float>.zero
    for l in 0..<(count - i) { v[l] = input[i + l] }
    let y = function(v)
    for l in 0..<(count - i) { output[i + l] = y[l] }
  }
}

/// `output[i] = e^(input[i])`; see `exp8` for accuracy. The buffers must have equal counts
/// and may be the same memory.
public func vexp(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
  precondition(input.count == output.count, "vexp: buffers differ in length")
  guard let source = input.baseAddress, let target = output.baseAddress else { return }
  mapVectors(source, target, count: input.count, exp8)
}

/// `values[i] = e^(values[i])` in place.
public func vexp(_ values: UnsafeMutableBufferPointer<Float>) {
  guard let base = values.baseAddress else { return }
  mapVectors(base, base, count: values.count, exp8)
}

/// `output[i] = tanh(input[i])`; see `tanh8` for accuracy.
public func vtanh(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
  precondition(input.count == output.count, "vtanh: buffers differ in length")
  guard let source = input.baseAddress, let target = output.baseAddress else { return }
  mapVectors(source, target, count: input.count, tanh8)
}

/// `values[i] = tanh(values[i])` in place.
public func vtanh(_ values: UnsafeMutableBufferPointer<Float>) {
  guard let base = values.baseAddress else { return }
  mapVectors(base, base, count: values.count, tanh8)
}

/// `output[i] = σ(input[i])`; see `sigmoid8` for accuracy.
public func vsigmoid(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
  precondition(input.count == output.count, "vsigmoid: buffers differ in length")
  guard let source = input.baseAddress, let target = output.baseAddress else { return }
  mapVectors(source, target, count: input.count, sigmoid8)
}

/// `values[i] = σ(values[i])` in place.
public func vsigmoid(_ values: UnsafeMutableBufferPointer<Float>) {
  guard let base = values.baseAddress else { return }
  mapVectors(base, base, count: values.count, sigmoid8)
}
