import GradEngine

/// A choice that is either `auto` (resolved from the data when the run starts) or a
/// fixed name, e.g. `model.output: auto | softmax | sigmoid | linear`.
/// Encoded as its user-facing name; `auto` is never an alias of a real name.
package enum AutoOr<Value: UserFacingName>: Sendable, Hashable, Codable, CustomStringConvertible {
  case auto
  case fixed(Value)

  /// The spelling of `auto` in YAML, CSV and reports.
  package static var autoName: String { "auto" }

  /// The fixed value, nil for `auto`.
  package var fixedValue: Value? {
    if case .fixed(let value) = self { return value }
    return nil
  }

  /// `auto` or the canonical name.
  package var userName: String {
    switch self {
    case .auto: return Self.autoName
    case .fixed(let value): return value.rawValue
    }
  }

  package var description: String { userName }

  /// Parses `auto`, a canonical name or an alias.
  package init?(userName: String) {
    if userName == Self.autoName {
      self = .auto
    } else if let value = Value(userName: userName) {
      self = .fixed(value)
    } else {
      return nil
    }
  }

  /// Every accepted spelling, `auto` first.
  package static var allUserNames: [String] { [autoName] + Value.allUserNames }

  package init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = Self(userName: text) else {
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "unknown name '\(text)', expected one of: \(Self.allUserNames.joined(separator: ", "))")
    }
    self = value
  }

  package func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(userName)
  }
}
