import Foundation
import Yams

// Reading Yams nodes with their marks, and mapping decoding errors (which carry a coding
// path but no position) back to the node, hence the line and column, they concern.

extension Node {
  /// The text of a scalar node.
  var scalarText: String? {
    if case .scalar(let scalar) = self { return scalar.string }
    return nil
  }

  /// A plain `null`, `~` or empty scalar (quoted 'null' is a string).
  var isNull: Bool {
    guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// The key/value pairs of a mapping node, in file order.
  var pairs: [(key: Node, value: Node)]? {
    if case .mapping(let mapping) = self { return Array(mapping) }
    return nil
  }

  /// The items of a sequence node.
  var items: [Node]? {
    if case .sequence(let sequence) = self { return Array(sequence) }
    return nil
  }

  /// How a value is named in messages: `'abc'`, `null`, `a list`, `a mapping`.
  var shapeDescription: String {
    switch self {
    case .scalar(let scalar):
      if isNull { return "null" }
      let text = scalar.string
      let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
      return "'\(shown)'"
    case .sequence: return "a list"
    case .mapping: return "a mapping"
    case .alias: return "an alias"
    }
  }

  /// A new scalar node at `mark`, e.g. a generated random value placed at its distribution.
  static func scalar(_ text: String, at mark: Mark?) -> Node {
    .scalar(Node.Scalar(text, .implicit, .plain, mark))
  }

  /// The value node for `key` in a mapping (the last one, as YAML readers do).
  func value(forKey key: String) -> Node? {
    pairs?.last { $0.key.scalarText == key }?.value
  }

  /// The key node for `key` in a mapping.
  func keyNode(forKey key: String) -> Node? {
    pairs?.last { $0.key.scalarText == key }?.key
  }

  /// The deepest node reached by following `path` (mapping keys, list indices as
  /// decimal strings) and how many components were followed.
  func descend(_ path: [String]) -> (node: Node, depth: Int) {
    var node = self
    var depth = 0
    for component in path {
      if let child = node.value(forKey: component) {
        node = child
      } else if let items = node.items, let index = Int(component), items.indices.contains(index) {
        node = items[index]
      } else {
        break
      }
      depth += 1
    }
    return (node, depth)
  }
}

/// A section's `key: value` pairs as they will be decoded, keeping each node's mark.
struct KeyedNodes {
  var entries: [(key: String, keyNode: Node, value: Node)] = []

  init(_ entries: [(key: String, keyNode: Node, value: Node)] = []) {
    self.entries = entries
  }

  func value(_ key: String) -> Node? { entries.last { $0.key == key }?.value }
  func keyNode(_ key: String) -> Node? { entries.last { $0.key == key }?.keyNode }
  func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }

  func removing(_ key: String) -> KeyedNodes {
    KeyedNodes(entries.filter { $0.key != key })
  }

  /// A copy with `key` set to `value` (replacing it, or added at the end).
  func setting(_ key: String, to value: Node, keyNode: Node? = nil) -> KeyedNodes {
    var copy = self
    if let index = copy.entries.lastIndex(where: { $0.key == key }) {
      copy.entries[index].value = value
    } else {
      copy.entries.append((key, keyNode ?? Node(key), value))
    }
    return copy
  }

  /// Missing keys filled from `defaults` (already present keys win).
  func filling(from defaults: [(key: String, value: Node)]) -> KeyedNodes {
    var copy = self
    for (key, value) in defaults where !contains(key) {
      copy.entries.append((key, Node(key), value))
    }
    return copy
  }

  var node: Node {
    .mapping(Node.Mapping(entries.map { (Node($0.key), $0.value) }))
  }
}

/// A decoding problem with the node it concerns.
struct LocatedProblem {
  let message: String
  let node: Node
  let note: String?
  /// The first key of the coding path (the section key to drop before retrying).
  let firstKey: String?
}

enum ProblemLocator {
  /// `model` + `["widths", "1"]` → `model.widths[1]`.
  static func dotted(_ prefix: String, _ path: [String]) -> String {
    var text = prefix
    for component in path {
      if Int(component) != nil {
        text += "[\(component)]"
      } else {
        text += text.isEmpty ? component : "." + component
      }
    }
    return text
  }

  /// What an expected type is called in messages.
  static func expectation(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
    case is UInt64.Type, is UInt.Type, is UInt32.Type: return "a non-negative integer"
    case is Double.Type, is Float.Type: return "a number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "a text value"
    case is Node.Mapping.Type: return "a mapping (key: value)"
    case is Node.Sequence.Type: return "a list"
    case is Node.Scalar.Type: return "a single value"
    default: return "a value of type \(type)"
    }
  }

  /// Maps an error thrown while decoding `root` (whose fields are named `prefix.key`)
  /// to a message and the node it concerns.
  static func locate(_ error: Error, in root: Node, prefix: String) -> LocatedProblem {
    switch error {
    case let error as ConfigFieldError:
      let node = root.descend(error.codingPath).node
      let message = error.appendsFound ? error.message + ", got \(node.shapeDescription)" : error.message
      return LocatedProblem(message: message, node: node, note: error.note, firstKey: error.codingPath.first)
    case DecodingError.typeMismatch(let type, let context):
      let path = context.codingPath.map(\.pathComponent)
      let node = root.descend(path).node
      let field = dotted(prefix, path)
      if isInteger(type), let text = node.scalarText, looksLikeWholeNumber(text) {
        return LocatedProblem(
          message: "\(field) is out of range, got '\(text)'", node: node, note: nil, firstKey: path.first)
      }
      return LocatedProblem(
        message: "\(field) must be \(expectation(type)), got \(node.shapeDescription)", node: node, note: nil,
        firstKey: path.first)
    case DecodingError.valueNotFound(let type, let context):
      let path = context.codingPath.map(\.pathComponent)
      return LocatedProblem(
        message: "\(dotted(prefix, path)) must be \(expectation(type)), got null", node: root.descend(path).node,
        note: nil, firstKey: path.first)
    case DecodingError.keyNotFound(let key, let context):
      let path = context.codingPath.map(\.pathComponent)
      return LocatedProblem(
        message: "\(dotted(prefix, path + [key.stringValue])) is required", node: root.descend(path).node,
        note: nil, firstKey: path.first ?? key.stringValue)
    case DecodingError.dataCorrupted(let context):
      let path = context.codingPath.map(\.pathComponent)
      let node = root.descend(path).node
      return LocatedProblem(
        message: "\(dotted(prefix, path)) has an invalid value \(node.shapeDescription)", node: node,
        note: context.debugDescription, firstKey: path.first)
    default:
      return LocatedProblem(message: "\(prefix): \(error)", node: root, note: nil, firstKey: nil)
    }
  }

  private static func isInteger(_ type: Any.Type) -> Bool {
    type is Int.Type || type is Int64.Type || type is UInt64.Type || type is Int32.Type || type is UInt.Type
  }

  /// Digits with an optional sign and `_` separators (an integer too large to hold).
  private static func looksLikeWholeNumber(_ text: String) -> Bool {
    var digits = text.replacingOccurrences(of: "_", with: "")
    if digits.hasPrefix("-") || digits.hasPrefix("+") { digits.removeFirst() }
    return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
      && !(text.hasPrefix("-") && digits.count < 19)
  }
}
