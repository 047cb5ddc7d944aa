import Foundation

/// Maps data values to pixels along one axis, linear or base-10 logarithmic, and
/// chooses ticks a reader can read.
struct AxisScale {
  enum Kind { case linear, log }

  var kind: Kind
  /// Data interval (for log: both ends > 0).
  var lower: Double
  var upper: Double
  /// Pixel interval the data interval maps to (may be decreasing, as for y).
  var start: Double
  var end: Double

  /// Pixel position of `v`; nil when `v` cannot be drawn (non-finite, ≤ 0 on log).
  func position(_ v: Double) -> Double? {
    guard v.isFinite else { return nil }
    let t: Double
    switch kind {
    case .linear:
      t = upper == lower ? 0.5 : (v - lower) / (upper - lower)
    case .log:
      guard v > 0 else { return nil }
      t = upper == lower ? 0.5 : (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
    }
    return start + t * (end - start)
  }

  /// Position clamped into the axis (for band edges that leave it).
  func clampedPosition(_ v: Double) -> Double? {
    guard let p = position(v) else { return nil }
    return min(max(p, min(start, end)), max(start, end))
  }

  /// Major ticks with labels, and minor ticks (log: 2…9 × 10ᵏ when few decades).
  func ticks(integerOnly: Bool = false) -> (major: [(value: Double, label: String)], minor: [Double]) {
    switch kind {
    case .linear:
      let step = Self.niceStep((upper - lower) / 5, integerOnly: integerOnly)
      var values: [Double] = []
      var v = (lower / step).rounded(.up) * step
      while v <= upper + step * 1e-9 {
        values.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
      return (values.map { ($0, Self.linearLabel($0, step: step)) }, [])
    case .log:
      let lo = Int(floor(log10(lower) + 1e-9))
      let hi = Int(ceil(log10(upper) - 1e-9))
      let decades = max(hi - lo, 1)
      let every = decades > 12 ? 3 : decades > 6 ? 2 : 1
      var major: [(Double, String)] = []
      var minor: [Double] = []
      for k in lo ... hi {
        let v = pow(10, Double(k))
        if (k - lo) % every == 0, v >= lower * (1 - 1e-9), v <= upper * (1 + 1e-9) {
          major.append((v, Self.powerOfTenLabel(k)))
        }
        if decades <= 6 {
          for m in 2 ... 9 {
            let w = Double(m) * v
            if w > lower, w < upper { minor.append(w) }
          }
        }
      }
      return (major, minor)
    }
  }

  /// 1, 2 or 5 × 10ᵏ nearest above `raw`.
  static func niceStep(_ raw: Double, integerOnly: Bool) -> Double {
    guard raw.isFinite, raw > 0 else { return 1 }
    let exponent = floor(log10(raw))
    let base = pow(10, exponent)
    let f = raw / base
    let nice: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
    let step = nice * base
    return integerOnly ? max(step.rounded(), 1) : step
  }

  static func linearLabel(_ v: Double, step: Double) -> String {
    if v == 0 { return "0" }
    if abs(v) >= 1e5 || abs(v) < 1e-3 { return NumberFormatting.scientific(v, digits: 2) }
    let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
    return String(format: "%.\(decimals)f", v)
  }

  /// "10⁻³", "1", "10", "10²".
  static func powerOfTenLabel(_ k: Int) -> String {
    switch k {
    case 0: return "1"
    case 1: return "10"
    default:
      let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
      ]
      return "10" + String(String(k).map { superscripts[$0] ?? $0 })
    }
  }

  /// A domain covering `values`: log domains snap to whole decades, linear domains
  /// to nice steps (and include 0 when the data is close to it).
  static func domain(for values: [Double], kind: Kind) -> (Double, Double) {
    switch kind {
    case .log:
      let positive = values.filter { $0.isFinite && $0 > 0 }
      guard let mn = positive.min(), let mx = positive.max() else { return (0.1, 10) }
      var lo = floor(log10(mn) + 1e-9)
      var hi = ceil(log10(mx) - 1e-9)
      if hi <= lo { lo -= 0.5; hi += 0.5 }
      // Whole decades at each end, unless that wastes more than half a decade of room.
      return (pow(10, lo), pow(10, hi))
    case .linear:
      let finite = values.filter(\.isFinite)
      guard var mn = finite.min(), var mx = finite.max() else { return (0, 1) }
      if mn > 0, mn < 0.25 * mx { mn = 0 }
      if mn == mx {
        mn -= mn == 0 ? 1 : abs(mn) * 0.1
        mx += mx == 0 ? 1 : abs(mx) * 0.1
      }
      let step = niceStep((mx - mn) / 5, integerOnly: false)
      return ((mn / step).rounded(.down) * step, (mx / step).rounded(.up) * step)
    }
  }

  /// Log when the positive data spans at least `decades` decades.
  static func preferredKind(for values: [Double], decades: Double = 1.5) -> Kind {
    let finite = values.filter(\.isFinite)
    guard !finite.isEmpty, finite.allSatisfy({ $0 > 0 }), let mn = finite.min(), let mx = finite.max() else {
      return .linear
    }
    return log10(mx / mn) >= decades ? .log : .linear
  }
}
