import Foundation

/// How the report prints numbers: 3 significant digits, scientific notation for
/// magnitudes below 10⁻³ or from 10⁵ on (gradient ratios span many decades),
/// integers from 1000 to 99999 printed whole rather than rounded to "1.23e+03".
package enum NumberFormatting {
  /// `x` with `digits` significant digits: "0.912", "12.3", "3.21e-07", "nan", "inf".
  package static func significant(_ x: Double, digits: Int = 3) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0" }
    let magnitude = abs(x)
    if magnitude < 1e-3 || magnitude >= 1e5 {
      return scientific(x, digits: digits)
    }
    if magnitude >= 1000 { return String(Int(x.rounded())) }
    let exponent = Int(floor(log10(magnitude)))
    let decimals = max(digits - 1 - exponent, 0)
    var s = String(format: "%.\(decimals)f", x)
    // Rounding may have produced one digit too many (9.995 → "10.00").
    if decimals > 0, let rounded = Double(s), floor(log10(abs(rounded))) > Double(exponent) {
      s = String(format: "%.\(max(decimals - 1, 0))f", x)
    }
    return s
  }

  /// "1.23e-07" style with `digits` significant digits.
  package static func scientific(_ x: Double, digits: Int = 3) -> String {
    String(format: "%.\(max(digits - 1, 0))e", x)
  }

  /// A setting as the user would type it: shortest round-trip ("0.5", "1e-05").
  package static func setting(_ x: Double) -> String {
    var s = "\(x)"
    if s.hasSuffix(".0") { s.removeLast(2) }
    return s
  }

  /// "mean ± s" (just "mean" when s is nil), "—" for no values; the mean with 3
  /// significant digits, s with 2 (a spread is not known better than that).
  package static func meanAndDeviation(_ stats: SampleStatistics) -> String {
    guard let mean = stats.mean else { return "—" }
    guard let s = stats.standardDeviation else { return significant(mean) }
    return "\(significant(mean)) ± \(significant(s, digits: 2))"
  }

  /// A duration: "42.1 s", "3 min 12 s", "2 h 05 min".
  package static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "—" }
    if seconds < 60 { return "\(significant(seconds)) s" }
    let total = Int(seconds.rounded())
    if total < 3600 { return "\(total / 60) min \(total % 60) s" }
    return String(format: "%d h %02d min", total / 3600, (total % 3600) / 60)
  }

  /// ISO-8601 in UTC, seconds precision: "2025-03-01T14:05:09Z".
  package static func timestamp(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: date)
  }
}
