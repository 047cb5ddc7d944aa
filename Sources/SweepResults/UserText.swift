/// User strings (run ids, paths, values read from files) made safe to print on a
/// terminal: a results folder is data, and a file name or field holding ESC, a
/// carriage return or a bidirectional override could otherwise rewrite the screen or
/// disguise an error message.
///
/// Escapes C0 controls (U+0000–U+001F) and DEL as `\n`, `\t`, `\r` or `\u{XX}`, the
/// C1 controls (U+0080–U+009F), the line/paragraph separators (U+2028, U+2029), the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the byte
/// order mark (U+FEFF) as `\u{XXXX}`, and a backslash as `\\` only when something else
/// was escaped (so ordinary Windows paths print as they are).
///
/// Edge cases: the empty string stays empty; text without such characters is
/// returned unchanged (the common case allocates nothing new).
public enum UserText {
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\\": out += "\\\\"
      default:
        if needsEscape(scalar) {
          out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
    default: false
    }
  }
}
