// The initial distribution of each initializer for a layer with fan_in inputs and
// fan_out outputs, g = `gain` (default 1), and a = the negative-side slope of the
// activation (leaky_relu, prelu; 0 otherwise):
//
// | kind            | distribution                                          | Var w                     |
// |-----------------|-------------------------------------------------------|---------------------------|
// | standard        | U[−g/√fan_in, g/√fan_in] (Glorot & Bengio's "standard") | g²/(3 fan_in)           |
// | normal          | N(0, (g·std)²)                                        | g²std²                    |
// | uniform         | U[−g·limit, g·limit]                                  | g²limit²/3                |
// | xavier_uniform  | U[±g·√(6/(fan_in + fan_out))]                         | 2g²/(fan_in + fan_out)    |
// | xavier_normal   | N(0, 2g²/(fan_in + fan_out))                          | 2g²/(fan_in + fan_out)    |
// | he_uniform      | U[±√(3·Var)]                                          | 2g²/((1 + a²) fan_in)     |
// | he_normal       | N(0, Var)                                             | 2g²/((1 + a²) fan_in)     |
// | lecun_uniform   | U[±√(3·Var)]                                          | g²/fan_in                 |
// | lecun_normal    | N(0, Var)                                             | g²/fan_in                 |
// | scaled_normal   | N(0, g²/fan_in)  (σ_w²/N of Schoenholz et al. 2017)   | g²/fan_in                 |
// | orthogonal      | g·Q, Q from the QR of a Gaussian matrix (see below)   | g²/max(fan_in, fan_out)   |
// | zeros           | 0                                                     | 0                         |
// | constant        | `value`                                               | 0                         |
//
// With g = 1 these are the textbook formulas (PyTorch's and Keras's); `gain` scales the
// standard deviation or limit of every kind but zeros and constant.
//
// Draw order (part of the reproducibility contract): layer 1's weights row-major
// (fan_in × fan_out, input index major), then layer 1's biases, then layer 2's, and so
// on, all from the run's initialization stream; one `nextUnit()` per uniform and one
// `nextNormal()` (the ziggurat: one 64-bit draw for 98.8 % of normals, more for the
// rest) per normal draw. Zeros and constants draw nothing.

/// The distribution an initializer draws one tensor from.
enum InitialDistribution: Equatable {
  case uniform(limit: Double)
  case normal(std: Double)
  case constant(Double)
  case orthogonal(gain: Double)
}

extension Initializer {
  /// The distribution for a tensor with these fans; a is the activation's negative slope.
  func distribution(fanIn: Int, fanOut: Int, negativeSlope a: Double) -> InitialDistribution {
    let g = gain
    let n = Double(fanIn), m = Double(fanOut)
    switch kind {
    case .standard: return .uniform(limit: g / n.squareRoot())
    case .normal: return .normal(std: g * std)
    case .uniform: return .uniform(limit: g * limit)
    case .xavierUniform: return .uniform(limit: g * (6 / (n + m)).squareRoot())
    case .xavierNormal: return .normal(std: g * (2 / (n + m)).squareRoot())
    case .heUniform: return .uniform(limit: (3 * 2 * g * g / ((1 + a * a) * n)).squareRoot())
    case .heNormal: return .normal(std: (2 * g * g / ((1 + a * a) * n)).squareRoot())
    case .lecunUniform: return .uniform(limit: (3 * g * g / n).squareRoot())
    case .lecunNormal, .scaledNormal: return .normal(std: g / n.squareRoot())
    case .orthogonal: return .orthogonal(gain: g)
    case .zeros: return .constant(0)
    case .constant: return .constant(value)
    }
  }

  /// The standard deviation of the weights this initializer produces for a layer (for
  /// orthogonal, the root mean square g/√max(fan_in, fan_out)); recorded in provenance.
  package func standardDeviation(fanIn: Int, fanOut: Int, negativeSlope: Double = 0) -> Double {
    switch distribution(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope) {
    case .uniform(let limit): limit / 3.0.squareRoot()
    case .normal(let std): std
    case .constant: 0
    case .orthogonal(let gain): gain / Double(max(fanIn, fanOut, 1)).squareRoot()
    }
  }

  /// The distribution in words with its numbers, e.g. `N(0, 0.0505²)` or
  /// `U[−0.0357, 0.0357]`, for provenance and reports.
  package func formula(fanIn: Int, fanOut: Int, negativeSlope: Double = 0) -> String {
    func number(_ x: Double) -> String {
      let rounded = (x * 1e6).rounded() / 1e6
      return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }
    switch distribution(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope) {
    case .uniform(let limit): return "U[-\(number(limit)), \(number(limit))]"
    case .normal(let std): return "N(0, \(number(std))^2)"
    case .constant(let value): return "constant \(number(value))"
    case .orthogonal(let gain): return "\(number(gain)) * orthogonal (QR of a Gaussian \(fanIn)x\(fanOut) matrix)"
    }
  }

  /// Fills a layer's weights (`fanIn × fanOut`, row-major) in the documented order.
  func fillWeights(
    _ w: UnsafeMutablePointer<Float>, fanIn: Int, fanOut: Int, negativeSlope: Double,
    using generator: inout Xoshiro256
  ) {
    let count = fanIn * fanOut
    switch distribution(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope) {
    case .uniform(let limit):
      for i in 0..<count { w[i] = Float(limit * (2 * generator.nextUnit() - 1)) }
    case .normal(let std):
      generator.fillNormal(w, count: count, scale: std)
    case .constant(let value):
      w.update(repeating: Float(value), count: count)
    case .orthogonal(let gain):
      let q = randomOrthogonal(rows: fanIn, columns: fanOut, using: &generator)
      for i in 0..<count { w[i] = Float(gain * q[i]) }
    }
  }

  /// Fills a bias vector of `fanOut` entries, using the layer's fans in the formulas.
  /// Orthogonal is not defined for a vector and is rejected by plan validation.
  func fillBias(
    _ b: UnsafeMutablePointer<Float>, fanIn: Int, fanOut: Int, negativeSlope: Double,
    using generator: inout Xoshiro256
  ) {
    switch distribution(fanIn: fanIn, fanOut: fanOut, negativeSlope: negativeSlope) {
    case .uniform(let limit):
      for i in 0..<fanOut { b[i] = Float(limit * (2 * generator.nextUnit() - 1)) }
    case .normal(let std):
      generator.fillNormal(b, count: fanOut, scale: std)
    case .constant(let value):
      b.update(repeating: Float(value), count: fanOut)
    case .orthogonal:
      preconditionFailure("orthogonal bias initializer passed validation")
    }
  }
}
