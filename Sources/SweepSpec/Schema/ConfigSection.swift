// Typed access to every field of the `model:`, `training:` and `log:` sections by its
// YAML key. An axis value is decoded (and validated) once, as the base section with that
// one key replaced; each run then copies the field from that decoded section into its
// own config. Building 10,000 runs therefore decodes YAML a few dozen times, not 10,000.
//
// Adding a field to a section: a property with its default and doc comment, a CodingKeys
// case, a line in `init(from:)` and `encode(to:)`, an entry in `fieldAccess`, a row in
// docs/sweep-file.md. The tests check that every key has an accessor and a doc row.

/// A section of a run's config whose fields can be swept.
protocol ConfigSection: Codable, Hashable, Sendable {
  associatedtype Keys: CodingKey & CaseIterable & RawRepresentable where Keys.RawValue == String
  /// The YAML key of the section (`model`).
  static var sectionName: String { get }
  /// The documented defaults.
  init()
  /// How to copy or set each field, by YAML key.
  static var fieldAccess: [String: FieldAccess<Self>] { get }
}

extension ConfigSection {
  static var keyNames: [String] { Keys.allCases.map(\.rawValue) }
}

/// Copies one field between two values of a section, and sets it from a random draw.
struct FieldAccess<Config> {
  /// `target.field = source.field`.
  let copy: (inout Config, Config) -> Void
  /// Sets the field from a number (random axes); nil for non-numeric fields.
  let setNumber: ((inout Config, Double) -> Void)?
  /// Integer fields take only whole numbers from random axes.
  let isInteger: Bool

  static func plain<V>(_ keyPath: WritableKeyPath<Config, V>) -> Self {
    Self(copy: { $0[keyPath: keyPath] = $1[keyPath: keyPath] }, setNumber: nil, isInteger: false)
  }

  static func integer(_ keyPath: WritableKeyPath<Config, Int>) -> Self {
    Self(
      copy: { $0[keyPath: keyPath] = $1[keyPath: keyPath] },
      setNumber: { $0[keyPath: keyPath] = Int(exactly: $1.rounded()) ?? 0 }, isInteger: true)
  }

  static func optionalInteger(_ keyPath: WritableKeyPath<Config, Int?>) -> Self {
    Self(
      copy: { $0[keyPath: keyPath] = $1[keyPath: keyPath] },
      setNumber: { $0[keyPath: keyPath] = Int(exactly: $1.rounded()) }, isInteger: true)
  }

  static func real(_ keyPath: WritableKeyPath<Config, Double>) -> Self {
    Self(
      copy: { $0[keyPath: keyPath] = $1[keyPath: keyPath] },
      setNumber: { $0[keyPath: keyPath] = $1 }, isInteger: false)
  }

  static func optionalReal(_ keyPath: WritableKeyPath<Config, Double?>) -> Self {
    Self(
      copy: { $0[keyPath: keyPath] = $1[keyPath: keyPath] },
      setNumber: { $0[keyPath: keyPath] = $1 }, isInteger: false)
  }
}
