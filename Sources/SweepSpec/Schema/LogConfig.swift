/// The `log:` section: how often a run records its metrics and per-layer statistics.
///
/// The property initialisers below ARE the documented defaults (docs/sweep-file.md).
public struct LogConfig: Codable, Sendable, Hashable {
  /// Log every this many steps, plus step 0 and the final step; 0 logs only those two.
  /// At least 0.
  public var every: Int = 10
  /// Evaluate on the validation split at each logged step.
  public var validate: Bool = true

  public init() {}

  public enum CodingKeys: String, CodingKey, CaseIterable {
    case every, validate
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = LogConfig()
    every = try c.integer(.every, default: d.every, in: Limits.logEvery, in: Self.sectionName)
    validate = try c.value(.validate, default: d.validate, in: Self.sectionName)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(every, forKey: .every)
    try c.encode(validate, forKey: .validate)
  }
}

extension LogConfig: ConfigSection {
  typealias Keys = CodingKeys
  static var sectionName: String { "log" }

  static var fieldAccess: [String: FieldAccess<LogConfig>] {
    ["every": .integer(\.every), "validate": .plain(\.validate)]
  }
}
