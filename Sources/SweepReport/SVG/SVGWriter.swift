import Foundation

/// Builds SVG markup as text. Attribute values and text are XML-escaped here, so
/// chart code never escapes by hand.
struct SVGWriter {
  private(set) var text = ""

  /// A coordinate with one decimal ("12.3"): plenty at screen resolution, small files.
  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let r = (x * 10).rounded() / 10
    if r == r.rounded() { return String(Int(r)) }
    return String(format: "%.1f", r)
  }

  private static func attributes(_ attrs: [(String, String)]) -> String {
    attrs.map { " \($0.0)=\"\(XMLText.escape($0.1))\"" }.joined()
  }

  mutating func open(_ tag: String, _ attrs: [(String, String)] = []) {
    text += "<\(tag)\(Self.attributes(attrs))>"
  }

  mutating func close(_ tag: String) { text += "</\(tag)>" }

  /// An element with no content: `<tag .../>`.
  mutating func empty(_ tag: String, _ attrs: [(String, String)]) {
    text += "<\(tag)\(Self.attributes(attrs))/>"
  }

  /// An element holding escaped text.
  mutating func element(_ tag: String, _ attrs: [(String, String)] = [], text content: String) {
    text += "<\(tag)\(Self.attributes(attrs))>\(XMLText.escape(content))</\(tag)>"
  }

  /// A tooltip for the enclosing element (SVG's native hover text; no script).
  mutating func title(_ s: String) { element("title", text: s) }

  mutating func raw(_ markup: String) { text += markup }

  /// A text label.
  mutating func label(
    _ s: String, x: Double, y: Double, anchor: String = "start", size: Double = 12, weight: String? = nil,
    cssClass: String = "label", fill: String? = nil, rotate: Double? = nil
  ) {
    var attrs = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.number(size))\" class=\"\(cssClass)\""
    if let weight { attrs += " font-weight=\"\(weight)\"" }
    if let fill { attrs += " fill=\"\(fill)\"" }
    if let rotate { attrs += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\"" }
    text += "<text \(attrs)>\(XMLText.escape(s))</text>"
  }

  /// Approximate rendered width of a label in a sans-serif font.
  static func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
    Double(s.count) * characterWidth(size: size, bold: bold)
  }

  /// The estimated advance of one character; semibold text is taken as 10 % wider.
  static func characterWidth(size: Double, bold: Bool = false) -> Double {
    size * 0.56 * (bold ? 1.1 : 1)
  }

  /// `s` broken at spaces into lines of at most `width` pixels (a word longer than
  /// that gets a line of its own, uncut).
  static func wrapped(_ s: String, width: Double, size: Double, bold: Bool = false) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in s.split(separator: " ").map(String.init) {
      let candidate = line.isEmpty ? word : line + " " + word
      if !line.isEmpty, textWidth(candidate, size: size, bold: bold) > width {
        lines.append(line)
        line = word
      } else {
        line = candidate
      }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }

  /// `s`, or as much of it as fits in `width` followed by "…".
  static func fitting(_ s: String, width: Double, size: Double, bold: Bool = false) -> String {
    let fits = Int(width / characterWidth(size: size, bold: bold))
    guard s.count > fits, fits > 1 else { return s }
    return String(s.prefix(fits - 1)) + "…"
  }
}
