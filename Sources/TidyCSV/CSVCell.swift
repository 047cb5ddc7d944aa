/// One CSV value, formatted so that `pandas.read_csv(path)` with no arguments, R's
/// `read.csv` and gnuplot read it back exactly.
///
/// - Floating point: shortest round-trip decimal with `.` (`0.1`, `1e-05`), whole
///   numbers with `.0` (`3.0`), non-finite values spelled `nan`, `inf`, `-inf`.
/// - Missing values: an empty field (pandas reads NaN, R reads NA).
package enum CSVCell: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
  case text(String)
  case integer(Int)
  case double(Double)
  /// A Float32 value, printed with Float's own shortest representation (so 0.1f
  /// prints `0.1`, not `0.10000000149011612`).
  case float(Float)
  case missing

  package init(stringLiteral value: String) { self = .text(value) }
  package init(integerLiteral value: Int) { self = .integer(value) }

  /// An optional Double: `missing` when nil.
  package static func optional(_ value: Double?) -> CSVCell {
    value.map(CSVCell.double) ?? .missing
  }

  /// The field as it appears in the file, quoted when needed (RFC 4180).
  package var field: String {
    switch self {
    case .text(let s): return CSVCell.quoteIfNeeded(s)
    case .integer(let i): return String(i)
    case .double(let d): return CSVCell.format(d)
    case .float(let f): return CSVCell.format(f)
    case .missing: return ""
    }
  }

  /// A floating-point cell always reads as floating point — `0.0`, `3.0`, `1e-05` —
  /// so pandas and R give a column one type whatever its values (a fraction column of
  /// zeros is float64, not int64, in every file).
  static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0.0" }  // also folds -0 so files do not show "-0.0"
    return String(x)  // Swift's shortest round trip: "3.0", "0.1", "1e-05"
  }

  static func quoteIfNeeded(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") else {
      return s
    }
    var quoted = "\""
    for ch in s {
      if ch == "\"" { quoted += "\"\"" } else { quoted.append(ch) }
    }
    return quoted + "\""
  }
}
