/// A canonical value (`CanonicalYAML`'s spelling, as in `PlannedRun.axisValues`) with
/// its type: what `gradsweep plan --format json` writes, numbers as numbers.
///
/// The canonical spelling is unambiguous: a string that could read as anything else
/// (a number, `true`, `null`, text with spaces) is double-quoted, so an unquoted `8` is
/// the integer 8 and `"8"` the text 8.
///
/// Edge cases: `.inf`, `-.inf` and `.nan` have no JSON number and stay text; a mapping
/// value (`{window: 5}`) stays its inline text.
package enum TypedValue: Sendable, Equatable, Encodable {
  case null
  case bool(Bool)
  case integer(Int64)
  case real(Double)
  case text(String)
  case list([TypedValue])

  /// The typed reading of one canonical spelling.
  package init(canonical: String) {
    var parser = CanonicalReader(Array(canonical.unicodeScalars))
    if let value = parser.value(), parser.atEnd {
      self = value
    } else {
      self = .text(canonical)
    }
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .integer(let i): try c.encode(i)
    case .real(let x): try c.encode(x)
    case .text(let s): try c.encode(s)
    case .list(let items): try c.encode(items)
    }
  }
}

/// Reads `CanonicalValue.inlineText`: scalars, quoted strings, `[a, b]` lists.
private struct CanonicalReader {
  let scalars: [Unicode.Scalar]
  var position = 0

  init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

  var atEnd: Bool { position == scalars.count }

  mutating func value() -> TypedValue? {
    guard position < scalars.count else { return nil }
    switch scalars[position] {
    case "[": return list()
    case "\"": return quoted().map(TypedValue.text)
    case "{": return nil  // a mapping: kept as text by the caller
    default: return plain()
    }
  }

  private mutating func list() -> TypedValue? {
    position += 1
    var items = [TypedValue]()
    if position < scalars.count, scalars[position] == "]" {
      position += 1
      return .list(items)
    }
    while true {
      guard let item = value() else { return nil }
      items.append(item)
      guard position < scalars.count else { return nil }
      if scalars[position] == "]" {
        position += 1
        return .list(items)
      }
      guard scalars[position] == ",", position + 1 < scalars.count, scalars[position + 1] == " " else { return nil }
      position += 2
    }
  }

  private mutating func quoted() -> String? {
    position += 1
    var text = String.UnicodeScalarView()
    while position < scalars.count {
      let scalar = scalars[position]
      position += 1
      if scalar == "\"" { return String(text) }
      guard scalar == "\\" else {
        text.append(scalar)
        continue
      }
      guard position < scalars.count else { return nil }
      let escape = scalars[position]
      position += 1
      switch escape {
      case "n": text.append("\n")
      case "t": text.append("\t")
      case "r": text.append("\r")
      case "u":
        guard position + 4 <= scalars.count,
          let code = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16),
          let decoded = Unicode.Scalar(code)
        else { return nil }
        position += 4
        text.append(decoded)
      default: text.append(escape)  // \" and \\
      }
    }
    return nil
  }

  private mutating func plain() -> TypedValue? {
    let start = position
    while position < scalars.count, scalars[position] != ",", scalars[position] != "]" { position += 1 }
    let word = String(String.UnicodeScalarView(scalars[start..<position]))
    switch word {
    case "": return nil
    case "null": return .null
    case "true": return .bool(true)
    case "false": return .bool(false)
    default: break
    }
    if let integer = Int64(word) { return .integer(integer) }
    if let real = Double(word), real.isFinite { return .real(real) }
    return .text(word)
  }
}
