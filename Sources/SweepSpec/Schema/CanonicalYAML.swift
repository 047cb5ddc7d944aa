// The canonical text of a resolved config: what `config.yaml` holds, what run ids hash,
// and how axis values are spelt in plans, summaries and reports.
//
// We write it ourselves instead of using Yams' emitter so that the text (and so every run
// id) depends only on the config, never on a library version's formatting choices.
// Numbers are spelt so that YAML readers in other languages (PyYAML needs a dot and a
// signed exponent) read them back as the same numbers.

/// A config value as the canonical encoder sees it.
indirect enum CanonicalValue: Equatable {
  case null
  /// Already spelt canonically (numbers, booleans, names, quoted strings).
  case scalar(String)
  case list([CanonicalValue])
  case map([(key: String, value: CanonicalValue)])

  static func == (lhs: CanonicalValue, rhs: CanonicalValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.scalar(let a), .scalar(let b)): return a == b
    case (.list(let a), .list(let b)): return a == b
    case (.map(let a), .map(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  /// Inline spelling: scalars as they are, lists in flow style `[64, 32]`, maps `{a: 1}`.
  var inlineText: String {
    switch self {
    case .null: return "null"
    case .scalar(let text): return text
    case .list(let items): return "[" + items.map(\.inlineText).joined(separator: ", ") + "]"
    case .map(let pairs):
      return "{" + pairs.map { "\(CanonicalYAML.string($0.key)): \($0.value.inlineText)" }
        .joined(separator: ", ") + "}"
    }
  }

  /// Block-style YAML, one `key: value` per line, nested maps indented by two spaces.
  func blockText(indent: String = "") -> String {
    guard case .map(let pairs) = self else { return indent + inlineText + "\n" }
    var text = ""
    for (key, value) in pairs {
      if case .map(let inner) = value, !inner.isEmpty {
        text += indent + CanonicalYAML.string(key) + ":\n" + value.blockText(indent: indent + "  ")
      } else {
        text += indent + CanonicalYAML.string(key) + ": " + value.inlineText + "\n"
      }
    }
    return text
  }

  /// `(dotted.path, inline value)` for every leaf, in encoding order.
  func flattened(prefix: String = "") -> [(path: String, text: String)] {
    guard case .map(let pairs) = self else { return [(prefix, inlineText)] }
    var lines = [(path: String, text: String)]()
    for (key, value) in pairs {
      let path = prefix.isEmpty ? key : prefix + "." + key
      if case .map = value {
        lines += value.flattened(prefix: path)
      } else {
        lines.append((path, value.inlineText))
      }
    }
    return lines
  }
}

enum CanonicalYAML {
  /// Encodes any `Encodable` made of keyed structs, lists, optionals, strings, booleans
  /// and numbers. Keys keep their encoding order.
  static func value<T: Encodable>(of value: T) -> CanonicalValue {
    let encoder = CanonicalEncoder()
    // Our encoder never throws for the value types above; anything else is a
    // programming error in a config type, not a user error.
    do {
      try value.encode(to: encoder)
    } catch {
      preconditionFailure("canonical encoding failed: \(error)")
    }
    return encoder.storageValue
  }

  /// The canonical spelling of a Double: Swift's shortest round-trip digits, with a
  /// decimal point always present (`1.0`, `1.0e-08`) so every YAML reader sees a float;
  /// `.inf`, `-.inf`, `.nan` for the non-finite values.
  static func double(_ x: Double) -> String {
    if x.isNaN { return ".nan" }
    if x.isInfinite { return x > 0 ? ".inf" : "-.inf" }
    var text = x.description
    if !text.contains(".") {
      if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        text.insert(contentsOf: ".0", at: e)
      } else {
        text += ".0"
      }
    }
    return text
  }

  private static let reservedWords: Set<String> = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
  ]

  /// A string as a YAML scalar: plain when it cannot be misread (names, file paths),
  /// otherwise double-quoted with escapes.
  static func string(_ s: String) -> String {
    if isPlainSafe(s) { return s }
    var quoted = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      case "\r": quoted += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
          || scalar.value == 0xFEFF
        {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          quoted += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        } else {
          quoted.unicodeScalars.append(scalar)
        }
      }
    }
    return quoted + "\""
  }

  private static func isPlainSafe(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first else { return false }
    guard first.properties.isAlphabetic || first == "_" || first == "/" else { return false }
    for scalar in s.unicodeScalars {
      let ok =
        (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
        || scalar == "_" || scalar == "-" || scalar == "." || scalar == "/"
      if !ok { return false }
    }
    return !reservedWords.contains(s.lowercased()) && Double(s) == nil
  }
}

// MARK: - The encoder

/// A mutable tree the containers write into; nested containers hold their own node,
/// which the parent references, so writes at any depth land in the one tree.
private final class CanonicalNode {
  enum Content {
    case null
    case scalar(String)
    case list([CanonicalNode])
    case map([(key: String, node: CanonicalNode)])
  }
  var content: Content = .null

  var value: CanonicalValue {
    switch content {
    case .null: return .null
    case .scalar(let text): return .scalar(text)
    case .list(let items): return .list(items.map(\.value))
    case .map(let pairs): return .map(pairs.map { ($0.key, $0.node.value) })
    }
  }

  /// The child stored under `key`, created (or replaced) as an empty node.
  func child(forKey key: String) -> CanonicalNode {
    let child = CanonicalNode()
    guard case .map(var pairs) = content else {
      content = .map([(key, child)])
      return child
    }
    if let index = pairs.firstIndex(where: { $0.key == key }) {
      pairs[index].node = child
    } else {
      pairs.append((key, child))
    }
    content = .map(pairs)
    return child
  }

  /// A new child appended to this list.
  func appendedChild() -> CanonicalNode {
    let child = CanonicalNode()
    if case .list(var items) = content {
      items.append(child)
      content = .list(items)
    } else {
      content = .list([child])
    }
    return child
  }

  var count: Int {
    if case .list(let items) = content { return items.count }
    return 0
  }
}

private struct CanonicalKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(stringValue: String) { self.stringValue = stringValue }
  init(intValue: Int) {
    self.stringValue = String(intValue)
    self.intValue = intValue
  }
}

private final class CanonicalEncoder: Encoder {
  let codingPath: [CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  let node: CanonicalNode

  init(node: CanonicalNode = CanonicalNode(), codingPath: [CodingKey] = []) {
    self.node = node
    self.codingPath = codingPath
  }

  var storageValue: CanonicalValue { node.value }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if case .map = node.content {} else { node.content = .map([]) }
    return KeyedEncodingContainer(CanonicalKeyedContainer<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> UnkeyedEncodingContainer {
    if case .list = node.content {} else { node.content = .list([]) }
    return CanonicalUnkeyedContainer(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> SingleValueEncodingContainer {
    CanonicalSingleValueContainer(node: node, codingPath: codingPath)
  }
}

/// Writes one encodable value into `node`: scalars directly, anything else through
/// its own `encode(to:)`.
private func write<T: Encodable>(_ value: T, into node: CanonicalNode, codingPath: [CodingKey]) throws {
  switch value {
  case let v as String: node.content = .scalar(CanonicalYAML.string(v))
  case let v as Bool: node.content = .scalar(v ? "true" : "false")
  case let v as Double: node.content = .scalar(CanonicalYAML.double(v))
  case let v as Float: node.content = .scalar(CanonicalYAML.double(Double(v)))
  case let v as Int: node.content = .scalar(String(v))
  case let v as Int64: node.content = .scalar(String(v))
  case let v as Int32: node.content = .scalar(String(v))
  case let v as UInt64: node.content = .scalar(String(v))
  case let v as UInt32: node.content = .scalar(String(v))
  case let v as UInt: node.content = .scalar(String(v))
  default: try value.encode(to: CanonicalEncoder(node: node, codingPath: codingPath))
  }
}

private struct CanonicalKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: CanonicalNode
  let codingPath: [CodingKey]

  mutating func encodeNil(forKey key: Key) throws {
    _ = node.child(forKey: key.stringValue)
  }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try write(value, into: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let child = node.child(forKey: key.stringValue)
    child.content = .map([])
    return KeyedEncodingContainer(
      CanonicalKeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
    let child = node.child(forKey: key.stringValue)
    child.content = .list([])
    return CanonicalUnkeyedContainer(node: child, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> Encoder {
    CanonicalEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
  }
  mutating func superEncoder(forKey key: Key) -> Encoder {
    CanonicalEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
  }
}

private struct CanonicalUnkeyedContainer: UnkeyedEncodingContainer {
  let node: CanonicalNode
  let codingPath: [CodingKey]
  var count: Int { node.count }

  mutating func encodeNil() throws { _ = node.appendedChild() }

  mutating func encode<T: Encodable>(_ value: T) throws {
    let path = codingPath + [CanonicalKey(intValue: count)]
    try write(value, into: node.appendedChild(), codingPath: path)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = node.appendedChild()
    child.content = .map([])
    return KeyedEncodingContainer(CanonicalKeyedContainer<NestedKey>(node: child, codingPath: codingPath))
  }

  mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
    let child = node.appendedChild()
    child.content = .list([])
    return CanonicalUnkeyedContainer(node: child, codingPath: codingPath)
  }

  mutating func superEncoder() -> Encoder {
    CanonicalEncoder(node: node.appendedChild(), codingPath: codingPath)
  }
}

private struct CanonicalSingleValueContainer: SingleValueEncodingContainer {
  let node: CanonicalNode
  let codingPath: [CodingKey]
  mutating func encodeNil() throws { node.content = .null }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try write(value, into: node, codingPath: codingPath)
  }
}
