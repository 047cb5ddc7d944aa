/// Text from a results folder (run ids, paths, values read from files) made safe to
/// print on a terminal: control characters (C0, DEL, C1) and the bidirectional
/// embeddings, overrides and isolates are written as `\u{1B}`-style escapes, so a
/// crafted name or field cannot move the cursor, recolour the screen, forge a line of
/// output or reorder what a message says.
///
/// A value is escaped on its own, so by default its newlines and tabs are escaped too;
/// `keepingLineBreaks` keeps them, for whole messages (the command line's `printError`).
/// It lives in the lowest module that prints user strings, so the report and the
/// command line share one set of rules.
///
/// Properties: text without such characters is returned unchanged; the result never
/// contains a character it escapes; escaping twice changes nothing more.
package enum UserText {
  package static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
    let escape = { (scalar: Unicode.Scalar) in needsEscape(scalar, keepingLineBreaks: keepingLineBreaks) }
    guard text.unicodeScalars.contains(where: escape) else { return text }
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
    for scalar in text.unicodeScalars {
      if escape(scalar) {
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func needsEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: !keepingLineBreaks
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x202A...0x202E, 0x2066...0x2069: true  // bidi embeddings, overrides, isolates
    default: false
    }
  }
}
