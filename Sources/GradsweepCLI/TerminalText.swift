/// Text from files and arguments made safe to print on a terminal: control characters
/// (C0 except newline and tab, DEL, C1) and the bidirectional overrides are written as
/// `\u{1B}`-style escapes, so a crafted path, value or file cannot move the cursor,
/// recolour the screen or reorder what a message says.
///
/// Properties: printable text, newlines and tabs are unchanged; the result never
/// contains a character it escapes.
enum TerminalText {
  static func escaping(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: return false
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
    default: return false
    }
  }
}
