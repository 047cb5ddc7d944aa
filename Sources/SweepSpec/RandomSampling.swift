import Foundation
import GradEngine
import Yams

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

extension SweepBuilder {
  /// Draws the random block's samples into its axes' value lists. Returns the number of
  /// samples drawn (0 when it failed, with a diagnostic).
  func drawRandomSamples(_ block: RandomBlock, into sweep: inout SweepDefinition) -> Int {
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
      error(
        "sweep.random.samples asks for \(block.samples) distinct combinations, but its axes allow only \(Int(space))",
        at: block.samplesNode)
      return 0
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
          guard !values.isEmpty else { return 0 }
          sample.append(values[Int(RandomDraw.index(below: UInt64(values.count), using: &rng))])
          continue
        }
        guard let number = RandomDraw.real(axis.distribution, using: &rng) else { return 0 }
        let isInteger: Bool
        if case .intUniform = axis.distribution { isInteger = true } else { isInteger = false }
        let text = isInteger ? String(Int64(number)) : CanonicalYAML.double(number)
        if let cached = generated[axis.axis]?[text] {
          sample.append(cached)
        } else if let made = numericAssignment(axis, number: number, text: text, path: sweep.axes[axis.axis].path) {
          generated[axis.axis, default: [:]][text] = made
          sample.append(made)
        } else {
          return 0
        }
      }
      if seen.insert(sample.map(\.canonical)).inserted { drawn.append(sample) }
    }
    if drawn.count < block.samples {
      error(
        "sweep.random found only \(drawn.count) distinct combinations in \(attempts) draws; samples is \(block.samples)",
        at: block.samplesNode, note: "widen the ranges or lists, or lower samples")
      return 0
    }
    for (position, axis) in block.axes.enumerated() {
      sweep.axes[axis.axis].values = drawn.map { $0[position] }
    }
    return drawn.count
  }

  /// A drawn number as a field value: set directly for model/training/log fields,
  /// decoded like a written value for data fields.
  private func numericAssignment(_ axis: RandomAxis, number: Double, text: String, path: String) -> Assignment? {
    let location = location(axis.node)
    func direct<C: ConfigSection>(_ base: C, into keyPath: WritableKeyPath<RunConfig, C>) -> Assignment? {
      guard let access = C.fieldAccess[axis.key], let set = access.setNumber else { return nil }
      var value = base
      set(&value, number)
      return Assignment(
        path: path, section: axis.section, key: axis.key, canonical: canonicalText(of: value, key: axis.key),
        isNull: false, location: location, apply: { config in access.copy(&config[keyPath: keyPath], value) },
        dataNode: nil)
    }
    switch axis.section {
    case .model: return direct(base.model, into: \.model)
    case .training: return direct(base.training, into: \.training)
    case .log: return direct(base.log, into: \.log)
    case .data:
      return assignment(section: .data, key: axis.key, path: path, value: .scalar(text, at: axis.node.mark))
    }
  }
}
