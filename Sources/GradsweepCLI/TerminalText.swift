import SweepResults

/// Whole messages made safe to print on a terminal: `UserText.escaped` (control
/// characters and bidi overrides as `\u{1B}`-style escapes) keeping the messages' own
/// line breaks and tabs. One set of rules for every module that prints user strings.
enum TerminalText {
  static func escaping(_ text: String) -> String {
    UserText.escaped(text, keepingLineBreaks: true)
  }
}
