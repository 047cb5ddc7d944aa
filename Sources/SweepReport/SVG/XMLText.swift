/// Escaping for text placed in HTML/SVG so the page is well-formed XML as well as HTML.
enum XMLText {
  /// Escapes `& < > " '` and drops characters XML 1.0 forbids (C0 controls but
  /// tab/newline/return, lone surrogates cannot occur in Swift strings).
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
