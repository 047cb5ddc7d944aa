import GradEngine

// The helpers every config section's `init(from:)` uses: a missing key takes the
// default, a present key must have the right type and an allowed value. A bad value
// throws `ConfigFieldError` carrying its coding path, which the loader maps back to
// the line and column of the value in the sweep file.

/// A value that has the right YAML shape but is not acceptable: out of range, an
/// unknown name, a contradiction between fields.
package struct ConfigFieldError: Error, Sendable, CustomStringConvertible {
  /// Keys (and list indices, as decimal strings) from the decoded root to the value.
  package let codingPath: [String]
  package let message: String
  /// Extra help (accepted names, how to fix it).
  package let note: String?
  /// When true the loader appends `, got <what the file has>` (used for shape errors,
  /// where only the node knows what was written).
  let appendsFound: Bool

  init(codingPath: [CodingKey], message: String, note: String? = nil, appendsFound: Bool = false) {
    self.codingPath = codingPath.map(\.pathComponent)
    self.message = message
    self.note = note
    self.appendsFound = appendsFound
  }

  package var description: String { message }
}

extension CodingKey {
  /// The key as a path component: list indices as decimal strings.
  var pathComponent: String { intValue.map(String.init) ?? stringValue }
}

/// Allowed values of a real-valued field (always finite).
enum RealRange {
  case any
  case nonNegative
  case positive
  /// [0, 1)
  case unitHalfOpen
  /// [−1, 1] (a correlation)
  case signedUnit

  func contains(_ x: Double) -> Bool {
    guard x.isFinite else { return false }
    switch self {
    case .any: return true
    case .nonNegative: return x >= 0
    case .positive: return x > 0
    case .unitHalfOpen: return x >= 0 && x < 1
    case .signedUnit: return x >= -1 && x <= 1
    }
  }

  var phrase: String {
    switch self {
    case .any: return "a finite number"
    case .nonNegative: return "at least 0"
    case .positive: return "greater than 0"
    case .unitHalfOpen: return "in [0, 1)"
    case .signedUnit: return "in [-1, 1]"
    }
  }
}

extension KeyedDecodingContainer where Key: RawRepresentable, Key.RawValue == String {
  /// The dotted name used in messages, e.g. `model.depth`.
  func fieldName(_ key: Key, in section: String) -> String {
    section.isEmpty ? key.rawValue : section + "." + key.rawValue
  }

  func fail(_ key: Key, _ message: String, note: String? = nil, appendsFound: Bool = false) -> ConfigFieldError {
    ConfigFieldError(codingPath: codingPath + [key], message: message, note: note, appendsFound: appendsFound)
  }

  /// True when the key is present with a non-null value.
  func hasValue(_ key: Key) throws -> Bool {
    guard contains(key) else { return false }
    return try !decodeNil(forKey: key)
  }

  /// A required-shape value: missing → `defaultValue`; `null` is an error (leave the
  /// key out instead).
  func value<T: Codable>(_ key: Key, default defaultValue: T, in section: String) throws -> T {
    guard contains(key) else { return defaultValue }
    if try decodeNil(forKey: key) {
      throw fail(
        key,
        "\(fieldName(key, in: section)) cannot be null (leave it out for the default, \(CanonicalYAML.value(of: defaultValue).inlineText))"
      )
    }
    return try decode(T.self, forKey: key)
  }

  /// An optional value: missing → `defaultValue`, `null` → nil.
  func optional<T: Decodable>(_ key: Key, default defaultValue: T?) throws -> T? {
    guard contains(key) else { return defaultValue }
    if try decodeNil(forKey: key) { return nil }
    return try decode(T.self, forKey: key)
  }

  /// An integer field within `range` (every integer has an upper bound: `Limits`).
  func integer(_ key: Key, default defaultValue: Int, in range: ClosedRange<Int>, in section: String) throws -> Int {
    let value = try value(key, default: defaultValue, in: section)
    try checkInteger(value, key, range, in: section)
    return value
  }

  func optionalInteger(_ key: Key, default defaultValue: Int?, in range: ClosedRange<Int>, in section: String) throws
    -> Int?
  {
    let value = try optional(key, default: defaultValue)
    if let value { try checkInteger(value, key, range, in: section) }
    return value
  }

  private func checkInteger(_ value: Int, _ key: Key, _ range: ClosedRange<Int>, in section: String) throws {
    if let message = integerProblem(value, fieldName(key, in: section), range) { throw fail(key, message) }
  }

  /// A real field within `range`.
  func real(_ key: Key, default defaultValue: Double, _ range: RealRange, in section: String) throws -> Double {
    let value = try value(key, default: defaultValue, in: section)
    try checkReal(value, key, range, in: section)
    return value
  }

  func optionalReal(_ key: Key, default defaultValue: Double?, _ range: RealRange, in section: String) throws
    -> Double?
  {
    let value = try optional(key, default: defaultValue)
    if let value { try checkReal(value, key, range, in: section) }
    return value
  }

  private func checkReal(_ value: Double, _ key: Key, _ range: RealRange, in section: String) throws {
    if !range.contains(value) {
      let must = value.isFinite ? range.phrase : "a finite number"
      throw fail(key, "\(fieldName(key, in: section)) must be \(must), got \(CanonicalYAML.double(value))")
    }
  }

  /// A user-facing name (canonical or alias), with a suggestion when misspelt.
  func name<T: UserFacingName>(_ key: Key, default defaultValue: T, kind: String, in section: String) throws -> T {
    guard contains(key) else { return defaultValue }
    if try decodeNil(forKey: key) {
      throw fail(
        key,
        "\(fieldName(key, in: section)) cannot be null (leave it out for the default, \(defaultValue.rawValue))")
    }
    return try parseName(key, kind: kind, in: section)
  }

  /// `auto` or a user-facing name.
  func autoOrName<T: UserFacingName>(_ key: Key, default defaultValue: AutoOr<T>, kind: String, in section: String)
    throws -> AutoOr<T>
  {
    guard contains(key) else { return defaultValue }
    if try decodeNil(forKey: key) {
      throw fail(
        key,
        "\(fieldName(key, in: section)) cannot be null (leave it out for the default, \(defaultValue.userName))")
    }
    if let text = try? decode(String.self, forKey: key), text == AutoOr<T>.autoName { return .auto }
    return .fixed(try parseName(key, kind: kind, in: section, extraNames: [AutoOr<T>.autoName]))
  }

  private func parseName<T: UserFacingName>(
    _ key: Key, kind: String, in section: String, extraNames: [String] = []
  ) throws -> T {
    let text: String
    do {
      text = try decode(String.self, forKey: key)
    } catch DecodingError.typeMismatch {
      throw fail(key, "\(fieldName(key, in: section)) must be \(article(kind)) \(kind) name", appendsFound: true)
    }
    if let value = T(userName: text) { return value }
    let names = extraNames + T.allUserNames
    let suggestion = Suggestions.closest(to: text, among: names)
    throw fail(
      key, "unknown \(kind) '\(text)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""),
      note: suggestion == nil ? "expected one of: " + Suggestions.list(names) : nil)
  }
}

/// "a" or "an" before a word.
func article(_ word: String) -> String {
  guard let first = word.lowercased().first else { return "a" }
  return "aeiou".contains(first) ? "an" : "a"
}

/// "x must be at least 1, got 0" / "x must be at most 10000, got 99999"; nil when in range.
func integerProblem(_ value: Int, _ name: String, _ range: ClosedRange<Int>) -> String? {
  if value < range.lowerBound { return "\(name) must be at least \(range.lowerBound), got \(value)" }
  if value > range.upperBound { return "\(name) must be at most \(range.upperBound), got \(value)" }
  return nil
}
