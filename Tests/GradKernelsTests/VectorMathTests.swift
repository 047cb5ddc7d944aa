import Foundation
import GradKernels
import Testing

/// The vectorised elementwise functions against Foundation's Double versions, over a dense
/// grid, random values and the special values, within the error each doc comment states.
@Suite("vexp, vtanh, vsigmoid against Foundation")
struct VectorMathTests {
  /// −110 … 110 in steps of 1/64, 20,000 random values in [−20, 20] and the edges.
  static let inputs: [Float] = {
    var values = stride(from: -110.0, through: 110.0, by: 1.0 / 64).map { Float($0) }
    var random = TestRandom(seed: 42)
    for _ in 0..<20_000 { values.append(random.uniform(-20, 20)) }
    values += [0, -0.0, 1e-8, -1e-8, 1e-30, 0.625, -0.625, 0.6249999, 88.72, 88.7228, 88.73, -87.3, -103.9, -104.1, 9, -9]
    return values
  }()

  /// Largest relative error of `f` against `exact` over `inputs` (results that are
  /// subnormal or zero in Double are compared absolutely, in units of the smallest normal).
  static func worstRelativeError(
    _ vectorised: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void,
    _ exact: (Double) -> Double
  ) -> (error: Double, at: Float) {
    var output = [Float](repeating: .nan, count: inputs.count)
    inputs.withUnsafeBufferPointer { input in
      output.withUnsafeMutableBufferPointer { vectorised(input, $0) }
    }
    var worst = (error: 0.0, at: Float(0))
    for (x, y) in zip(inputs, output) {
      let want = exact(Double(x))
      if want == 0 && Double(x) < -87.3 { continue }
      let wantFloat = Float(want)
      if wantFloat.isInfinite {
        if y != wantFloat { return (.infinity, x) }
        continue
      }
      let scale = max(abs(want), Double(Float.leastNormalMagnitude))
      let error = abs(Double(y) - want) / scale
      if error > worst.error { worst = (error, x) }
    }
    return worst
  }

  @Test("vexp: relative error ≤ 2e-7, overflow to +inf, underflow to 0")
  func exp() {
    let worst = Self.worstRelativeError({ vexp($0, into: $1) }, Foundation.exp)
    #expect(worst.error <= 2e-7, "worst \(worst.error) at x = \(worst.at)")
  }

  @Test("vtanh: relative error ≤ 2e-7, odd, saturates at ±1")
  func tanh() {
    let worst = Self.worstRelativeError({ vtanh($0, into: $1) }, Foundation.tanh)
    #expect(worst.error <= 2e-7, "worst \(worst.error) at x = \(worst.at)")
    var values: [Float] = [0.3, -0.3, 2, -2, 20, -20]
    values.withUnsafeMutableBufferPointer { vtanh($0) }
    #expect(values[0] == -values[1] && values[2] == -values[3])
    #expect(values[4] == 1 && values[5] == -1)
  }

  @Test("vsigmoid: relative error ≤ 2e-7 for normal results, limits 0 and 1")
  func sigmoid() {
    let exact = { (x: Double) in 1 / (1 + Foundation.exp(-x)) }
    // Below x ≈ −87.3 σ(x) is subnormal; there the result is flushed towards 0.
    let worst = Self.worstRelativeError({ vsigmoid($0, into: $1) }, { $0 < -87.3 ? 0 : exact($0) })
    #expect(worst.error <= 2e-7, "worst \(worst.error) at x = \(worst.at)")
    var tiny: [Float] = [-87.4, -88.8, -95, -200]
    tiny.withUnsafeMutableBufferPointer { vsigmoid($0) }
    #expect(tiny.allSatisfy { $0 >= 0 && $0 < 2 * Float.leastNormalMagnitude })
    var values: [Float] = [-200, 200, 0]
    values.withUnsafeMutableBufferPointer { vsigmoid($0) }
    #expect(values == [0, 1, 0.5])
  }

  @Test("NaN in, NaN out; infinities map to the limits")
  func specialValues() {
    var e: [Float] = [.nan, .infinity, -.infinity]
    var t = e, s = e
    e.withUnsafeMutableBufferPointer { vexp($0) }
    t.withUnsafeMutableBufferPointer { vtanh($0) }
    s.withUnsafeMutableBufferPointer { vsigmoid($0) }
    #expect(e[0].isNaN && e[1] == .infinity && e[2] == 0)
    #expect(t[0].isNaN && t[1] == 1 && t[2] == -1)
    #expect(s[0].isNaN && s[1] == 1 && s[2] == 0)
  }

  /// A value's result does not depend on where it sits in the buffer: the padded tail
  /// vector computes exactly what a full vector does.
  @Test("results are independent of position and buffer length")
  func positionIndependent() {
    var random = TestRandom(seed: 9)
    let values = (0..<37).map { _ in random.uniform(-6, 6) }
    var whole = values
    whole.withUnsafeMutableBufferPointer { vtanh($0) }
    for offset in [0, 1, 5, 30] {
      var slice = Array(values[offset...])
      slice.withUnsafeMutableBufferPointer { vtanh($0) }
      #expect(slice == Array(whole[offset...]))
    }
  }

  @Test("in-place and out-of-place agree; empty buffers are fine")
  func inPlace() {
    let values: [Float] = (0..<19).map { Float($0) * 0.7 - 6 }
    var output = [Float](repeating: 0, count: values.count)
    values.withUnsafeBufferPointer { input in output.withUnsafeMutableBufferPointer { vsigmoid(input, into: $0) } }
    var copy = values
    copy.withUnsafeMutableBufferPointer { vsigmoid($0) }
    #expect(copy == output)
    var empty = [Float]()
    empty.withUnsafeMutableBufferPointer { vexp($0) }
    #expect(empty.isEmpty)
  }
}
