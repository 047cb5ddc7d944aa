import GradKernels
import Testing

/// A seeded SplitMix64 stream for test data (the tests depend on GradKernels only).
struct TestRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [−1, 1).
  mutating func signedUnit() -> Float { Float(Double(next() >> 11) * 0x1.0p-52 - 1) }

  /// Uniform in [lower, upper).
  mutating func uniform(_ lower: Float, _ upper: Float) -> Float {
    lower + (upper - lower) * Float(Double(next() >> 11) * 0x1.0p-53)
  }

  mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }
}

/// A row-major matrix stored with a row stride ≥ its width; the padding holds NaN so
/// that a kernel reading it would poison its result, and writing it is detected.
struct PaddedMatrix {
  var rows: Int
  var columns: Int
  var stride: Int
  var storage: [Float]

  init(rows: Int, columns: Int, padding: Int, random: inout TestRandom) {
    self.rows = rows
    self.columns = columns
    stride = columns + padding
    storage = [Float](repeating: .nan, count: max(1, rows * stride))
    for i in 0..<rows {
      for j in 0..<columns { storage[i * stride + j] = random.signedUnit() }
    }
  }

  subscript(i: Int, j: Int) -> Float { storage[i * stride + j] }

  /// The same values with every entry replaced by its magnitude (padding stays NaN).
  var magnitudes: PaddedMatrix {
    var copy = self
    for i in 0..<rows { for j in 0..<columns { copy.storage[i * stride + j] = abs(self[i, j]) } }
    return copy
  }

  /// True when every padding slot still holds NaN.
  var paddingIntact: Bool {
    for i in 0..<rows {
      for j in columns..<stride where !storage[i * stride + j].isNaN { return false }
    }
    return true
  }
}

/// One product to check: shape, transposes, scalars and operand paddings.
struct GemmCase: CustomTestStringConvertible, Sendable {
  var transA: Transpose
  var transB: Transpose
  var m: Int, n: Int, k: Int
  var alpha: Float = 1
  var beta: Float = 0
  var padA = 0, padB = 0, padC = 0

  var testDescription: String {
    "\(transA == .none ? "N" : "T")\(transB == .none ? "N" : "T") m=\(m) n=\(n) k=\(k) α=\(alpha) β=\(beta) pads=\(padA),\(padB),\(padC)"
  }
}

/// The outcome of one product: the largest deviation from the reference divided by the
/// classic forward-error bound of a length-k dot product, γ·(|α|·Σ|a||b| + |β|·|c|) with
/// γ = (k + 2)·2⁻²³ (≤ 1 passes); whether C's padding survived; C as computed.
struct GemmCheck {
  var worstRatio: Double
  var cPaddingIntact: Bool
  var result: [Float]
}

/// A case's operands drawn from one seed, A then B then C (a test that draws again with
/// the same seed gets the same three).
struct GemmOperands {
  var a: PaddedMatrix
  var b: PaddedMatrix
  var c: PaddedMatrix

  init(_ t: GemmCase, seed: UInt64) {
    var random = TestRandom(seed: seed)
    let aShape = t.transA == .none ? (t.m, t.k) : (t.k, t.m)
    let bShape = t.transB == .none ? (t.k, t.n) : (t.n, t.k)
    a = PaddedMatrix(rows: aShape.0, columns: aShape.1, padding: t.padA, random: &random)
    b = PaddedMatrix(rows: bShape.0, columns: bShape.1, padding: t.padB, random: &random)
    c = PaddedMatrix(rows: t.m, columns: t.n, padding: t.padC, random: &random)
  }
}

extension GemmOperands {
  /// C after `call` multiplied these operands into it: `call(a, lda, b, ldb, c, ldc)`
  /// (one product by any family or entry point; the tests compare the results' bits).
  func product(
    _ call: (UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Int) -> Void
  ) -> [Float] {
    var result = c.storage
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        result.withUnsafeMutableBufferPointer { pc in
          call(pa.baseAddress!, a.stride, pb.baseAddress!, b.stride, pc.baseAddress!, c.stride)
        }
      }
    }
    return result
  }
}

func runGemmCase(_ t: GemmCase, seed: UInt64, nanInC: Bool = false) -> GemmCheck {
  let operands = GemmOperands(t, seed: seed)
  let (a, b) = (operands.a, operands.b)
  var c = operands.c
  if nanInC {
    for i in 0..<t.m { for j in 0..<t.n { c.storage[i * c.stride + j] = .nan } }
  }

  var expected = c.storage
  var bound = c.magnitudes.storage
  let absA = a.magnitudes, absB = b.magnitudes
  referenceProduct(t, a: a, b: b, alpha: t.alpha, beta: t.beta, into: &expected, ldc: c.stride)
  referenceProduct(t, a: absA, b: absB, alpha: abs(t.alpha), beta: abs(t.beta), into: &bound, ldc: c.stride)
  a.storage.withUnsafeBufferPointer { pa in
    b.storage.withUnsafeBufferPointer { pb in
      c.storage.withUnsafeMutableBufferPointer { pc in
        sgemm(
          t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: pa.baseAddress!, lda: a.stride,
          b: pb.baseAddress!, ldb: b.stride, beta: t.beta, c: pc.baseAddress!, ldc: c.stride)
      }
    }
  }

  let gamma = Double(t.k + 2) * 0x1.0p-23
  var worst = 0.0
  for i in 0..<t.m {
    for j in 0..<t.n {
      let index = i * c.stride + j
      let got = Double(c.storage[index])
      let want = Double(expected[index])
      if got.isNaN || want.isNaN {
        if got.isNaN != want.isNaN { worst = .infinity }
        continue
      }
      let allowed = gamma * Double(bound[index]) + Double(Float.leastNormalMagnitude)
      worst = max(worst, abs(got - want) / allowed)
    }
  }
  return GemmCheck(worstRatio: worst, cPaddingIntact: c.paddingIntact, result: c.storage)
}

private func referenceProduct(
  _ t: GemmCase, a: PaddedMatrix, b: PaddedMatrix, alpha: Float, beta: Float, into c: inout [Float], ldc: Int
) {
  a.storage.withUnsafeBufferPointer { pa in
    b.storage.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        referenceSgemm(
          t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: alpha, a: pa.baseAddress!, lda: a.stride,
          b: pb.baseAddress!, ldb: b.stride, beta: beta, c: pc.baseAddress!, ldc: ldc)
      }
    }
  }
}

let allTransposes: [(Transpose, Transpose)] = [
  (.none, .none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed),
]
