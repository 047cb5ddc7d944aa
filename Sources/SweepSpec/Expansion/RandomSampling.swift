import Foundation
import GradEngine

// `sweep.random`: `samples` distinct combinations drawn with Xoshiro256** seeded by
// `random.seed` (default: the sweep's seed), so a file always expands to the same runs.
//
// - list: a uniformly chosen item (Lemire's unbiased bounded integers).
// - uniform [a, b]: a + (b − a)·u, u ∈ [0, 1).
// - log_uniform [a, b]: exp(ln a + (ln b − ln a)·u): uniform in the exponent.
// - int_uniform [a, b]: an integer in a…b, both ends included.
//
// Real draws are rounded to 4 significant digits (readable configs and run ids; more
// precision means nothing for a hyper-parameter) and kept within [a, b]. A combination
// drawn twice is drawn again; asking for more distinct combinations than the lists
// allow is an error.

enum RandomDraw {
  /// An unbiased integer in 0..<bound (Lemire 2019: multiply-shift with rejection).
  static func index(below bound: UInt64, using rng: inout Xoshiro256) -> UInt64 {
    precondition(bound > 0)
    var product = rng.next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = rng.next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// `x` rounded to 4 significant digits, via its decimal spelling so the result is
  /// the double nearest that decimal (0.003162, not 0.0031620000000000003).
  static func fourDigits(_ x: Double) -> Double {
    Double(String(format: "%.4g", x)) ?? x
  }

  static func real(_ distribution: Distribution, using rng: inout Xoshiro256) -> Double? {
    switch distribution {
    case .uniform(let low, let high):
      return min(high, max(low, fourDigits(low + (high - low) * rng.nextUnit())))
    case .logUniform(let low, let high):
      let value = exp(log(low) + (log(high) - log(low)) * rng.nextUnit())
      return min(high, max(low, fourDigits(value)))
    case .intUniform(let low, let high):
      let span = UInt64(bitPattern: Int64(high) &- Int64(low)) &+ 1
      let offset = span == 0 ? rng.next() : index(below: span, using: &rng)
      return Double(Int64(low) &+ Int64(bitPattern: offset))
    case .list:
      return nil
    }
  }
}

extension RandomDraw {
  /// The random block's samples: per sample, one value per block axis (in block
  /// order); empty, with a problem, when the axes cannot give `samples` distinct draws.
  static func samples(_ block: RandomBlock) -> (samples: [[Assignment]], problems: [ExpansionProblem]) {
    // How many distinct combinations exist (nil: a real-valued axis makes it unbounded).
    var space: Double? = 1
    for axis in block.axes {
      switch axis.distribution {
      case .list(let values): space = space.map { $0 * Double(values.count) }
      case .intUniform(let low, let high): space = space.map { $0 * (Double(high) - Double(low) + 1) }
      case .uniform(let low, let high), .logUniform(let low, let high):
        if low == high { continue }
        space = nil
      }
    }
    if let space, Double(block.samples) > space {
      return (
        [],
        [
          ExpansionProblem(
            message:
              "sweep.random.samples asks for \(block.samples) distinct combinations, but its axes allow only \(Int(space))",
            location: block.samplesLocation)
        ]
      )
    }
    var rng = Xoshiro256(seed: block.seed)
    var generated = [Int: [String: Assignment]]()  // per axis: drawn number text → assignment
    var seen = Set<[String]>()
    var drawn = [[Assignment]]()
    var attempts = 0
    let maxAttempts = block.samples * 100 + 1000
    while drawn.count < block.samples, attempts < maxAttempts {
      attempts += 1
      var sample = [Assignment]()
      for axis in block.axes {
        if case .list(let values) = axis.distribution {
          guard !values.isEmpty else { return ([], []) }
          sample.append(values[Int(index(below: UInt64(values.count), using: &rng))])
          continue
        }
        guard let number = real(axis.distribution, using: &rng) else { return ([], []) }
        let isInteger: Bool
        if case .intUniform = axis.distribution { isInteger = true } else { isInteger = false }
        let text = isInteger ? String(Int64(number)) : CanonicalYAML.double(number)
        if let cached = generated[axis.axis]?[text] {
          sample.append(cached)
        } else if let made = axis.value(number, text) {
          generated[axis.axis, default: [:]][text] = made
          sample.append(made)
        } else {
          return ([], [])
        }
      }
      if seen.insert(sample.map(\.canonical)).inserted { drawn.append(sample) }
    }
    if drawn.count < block.samples {
      return (
        [],
        [
          ExpansionProblem(
            message:
              "sweep.random found only \(drawn.count) distinct combinations in \(attempts) draws; samples is \(block.samples)",
            location: block.samplesLocation, note: "widen the ranges or lists, or lower samples")
        ]
      )
    }
    return (drawn, [])
  }
}
