// Compiler-style diagnostics: every problem of a sweep file is reported at once, each
// located at the line and column of the offending key or value, with the source line
// and a caret under the column:
//
//     configs/x.yaml:12:15: error: unknown activation 'sigmiod' (did you mean 'sigmoid'?)
//       activation: sigmiod
//                   ^

/// A position in a sweep file. Lines and columns start at 1; columns count Unicode
/// scalars (as libyaml does). Line 0 means "the file as a whole".
package struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  package let file: String
  package let line: Int
  package let column: Int

  package init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:col`, or just `file` when the location is the whole file.
  package var description: String {
    line > 0 ? "\(file):\(line):\(column)" : file
  }
}

/// One problem found in a sweep file.
package struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  package enum Severity: String, Sendable, Hashable {
    case error, warning
  }

  package let file: String
  /// 1-based line, 0 when the problem concerns the whole file.
  package let line: Int
  /// 1-based column in Unicode scalars.
  package let column: Int
  package let severity: Severity
  package let message: String
  /// The text of line `line` (without its newline), nil when unknown.
  package let sourceLine: String?
  /// Extra help printed after the caret: the accepted names, how to fix it.
  package let note: String?

  package init(
    file: String, line: Int, column: Int, severity: Severity = .error, message: String,
    sourceLine: String? = nil, note: String? = nil
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.severity = severity
    self.message = message
    self.sourceLine = sourceLine
    self.note = note
  }

  /// A diagnostic at `location`, taking the source line from `sourceText`.
  package init(
    at location: SourceLocation, in sourceText: String?, severity: Severity = .error,
    message: String, note: String? = nil
  ) {
    self.init(
      file: location.file, line: location.line, column: location.column, severity: severity,
      message: message, sourceLine: sourceText.flatMap { SourceLines($0).line(location.line) },
      note: note)
  }

  package var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

  /// `file:line:col: error: message`, then the source line and a caret under the
  /// column, then `note: …` when there is one.
  package var description: String {
    var text = "\(location): \(severity.rawValue): \(message)"
    if line > 0, let sourceLine {
      let (shown, caretColumn) = Self.window(sourceLine, column: column)
      text += "\n" + shown + "\n" + Self.caretPad(shown, column: caretColumn) + "^"
    }
    if let note { text += "\nnote: " + note }
    return text
  }

  /// Long lines (minified or binary input) are cut to a window around the column.
  private static func window(_ line: String, column: Int, width: Int = 120) -> (String, Int) {
    let scalars = Array(line.unicodeScalars)
    guard scalars.count > width else { return (line, column) }
    let start = max(0, min(column - 1 - width / 2, scalars.count - width))
    let end = min(scalars.count, start + width)
    var shown = String(String.UnicodeScalarView(scalars[start..<end]))
    var caret = column - start
    if start > 0 {
      shown = "…" + shown
      caret += 1
    }
    if end < scalars.count { shown += "…" }
    return (shown, caret)
  }

  /// Spaces up to the column, keeping tabs so the caret lines up in a terminal.
  private static func caretPad(_ line: String, column: Int) -> String {
    var pad = ""
    for (index, scalar) in line.unicodeScalars.enumerated() where index < column - 1 {
      pad.append(scalar == "\t" ? "\t" : " ")
    }
    let missing = column - 1 - line.unicodeScalars.count
    if missing > 0 { pad += String(repeating: " ", count: missing) }
    return pad
  }
}

/// Everything wrong with a sweep file, sorted by position. Thrown by `SweepLoader`.
package struct SweepDiagnostics: Error, Sendable, CustomStringConvertible {
  package let diagnostics: [Diagnostic]

  package init(diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  /// The errors only (warnings are kept in `diagnostics` when errors occurred).
  package var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

  /// Every diagnostic rendered, separated by blank lines, then a count when there are several.
  package var description: String {
    var text = diagnostics.map(\.description).joined(separator: "\n\n")
    let count = errors.count
    if count > 1 { text += "\n\n\(count) errors" }
    return text
  }
}

/// Line access into a source text, splitting on `\n`, `\r\n` and `\r` like libyaml.
struct SourceLines {
  let lines: [Substring]

  init(_ text: String) {
    var lines = [Substring]()
    var start = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      // "\r\n" is one Character in Swift, so this covers all three line breaks.
      if character == "\n" || character == "\r" || character == "\r\n" {
        lines.append(text[start..<index])
        start = text.index(after: index)
      }
      index = text.index(after: index)
    }
    lines.append(text[start..<text.endIndex])
    self.lines = lines
  }

  /// How many lines the text has (a final newline starts an empty last line).
  var count: Int { lines.count }

  /// The 1-based line `number`, nil when out of range.
  func line(_ number: Int) -> String? {
    guard number >= 1, number <= lines.count else { return nil }
    return String(lines[number - 1])
  }
}

/// Collects diagnostics while a sweep file is checked; duplicates (the same message at
/// the same place, as when one bad axis value spoils many runs) are kept once.
struct DiagnosticCollector {
  let file: String
  let sourceText: String
  private let lines: SourceLines
  /// Lines after this one are command-line overrides: reported as `command line:k`.
  private let overrideLines: Int?
  private(set) var diagnostics: [Diagnostic] = []
  private var seen = Set<Diagnostic>()

  init(file: String, sourceText: String, overrideLines: Int? = nil) {
    self.file = file
    self.sourceText = sourceText
    self.lines = SourceLines(sourceText)
    self.overrideLines = overrideLines
  }

  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  var errorCount: Int { diagnostics.lazy.filter { $0.severity == .error }.count }

  func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column)
  }

  mutating func report(
    _ message: String, at location: SourceLocation?, severity: Diagnostic.Severity = .error,
    note: String? = nil
  ) {
    let line = location?.line ?? 0
    let column = location?.column ?? 0
    var shownFile = file
    var shownLine = line
    if let overrideLines, line > overrideLines {
      shownFile = "command line"
      shownLine = line - overrideLines
    }
    let diagnostic = Diagnostic(
      file: shownFile, line: shownLine, column: column, severity: severity, message: message,
      sourceLine: lines.line(line), note: note)
    if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  /// Diagnostics in file order (whole-file ones last), errors before warnings at one place.
  func sorted() -> [Diagnostic] {
    diagnostics.enumerated().sorted { a, b in
      let la = a.element.line == 0 ? Int.max : a.element.line
      let lb = b.element.line == 0 ? Int.max : b.element.line
      if la != lb { return la < lb }
      if a.element.column != b.element.column { return a.element.column < b.element.column }
      return a.offset < b.offset
    }.map(\.element)
  }
}
