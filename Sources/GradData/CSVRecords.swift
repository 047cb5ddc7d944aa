/// A CSV file split into records per RFC 4180 — fields separated by commas, quoted
/// fields may hold commas, doubled quotes and newlines, CRLF or LF line ends — each
/// with the 1-based line it starts on, for error messages. Blank lines are skipped;
/// a UTF-8 byte-order mark is dropped.
struct CSVRecords: Sendable {
  var records: [(line: Int, fields: [String])] = []

  init(text: String) throws {
    var field = String.UnicodeScalarView()
    var fields: [String] = []
    var inQuotes = false
    var afterQuote = false  // just closed a quoted field: only a separator or line end may follow
    var line = 1, recordLine = 1, quoteLine = 1
    var recordHasContent = false
    var scalars = Array(text.unicodeScalars)[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }

    func endField() {
      fields.append(String(field))
      field = String.UnicodeScalarView()
      afterQuote = false
    }
    while let c = scalars.popFirst() {
      if inQuotes {
        if c == "\"" {
          if scalars.first == "\"" {
            field.append("\"")
            scalars.removeFirst()
          } else {
            inQuotes = false
            afterQuote = true
          }
        } else {
          if c == "\n" { line += 1 }
          field.append(c)
        }
        continue
      }
      switch c {
      case "\"" where field.isEmpty && !afterQuote:
        inQuotes = true
        quoteLine = line
        recordHasContent = true
      case ",":
        endField()
        recordHasContent = true
      case "\r" where scalars.first == "\n":
        continue
      case "\n", "\r":
        if recordHasContent || !field.isEmpty {
          endField()
          records.append((recordLine, fields))
        }
        fields = []
        field = String.UnicodeScalarView()
        afterQuote = false
        recordHasContent = false
        line += 1
        recordLine = line
      default:
        if afterQuote {
          if c == " " || c == "\t" { continue }
          throw FormatError(message: "text after a closing quote", line: line)
        }
        field.append(c)
        recordHasContent = true
      }
    }
    if inQuotes { throw FormatError(message: "a quoted field opened here is never closed", line: quoteLine) }
    if recordHasContent || !field.isEmpty {
      endField()
      records.append((recordLine, fields))
    }
  }
}
