import Foundation
import Yams

// Command-line overrides, Hydra style: `gradsweep run sweep.yaml model.depth=3
// training.learning_rate=0.05 model.activation=sigmoid,relu`. Each argument is
// `dotted.path=value`, with the sweep file's own dotted paths:
//
// - `section.key=value` sets a field of the base config (a YAML value: `3`, `relu`,
//   `null`, `[64, 32]` for model.widths, `{window: 5}` for training.stall). When the
//   field is a grid axis of the file, the axis is replaced by that one value.
// - `section.key=a,b,c` or `section.key=[a, b, c]` makes the field a grid axis with those
//   values (replacing a grid axis of the same path).
// - `name=…`, `seed=…`, `replicates=…`, `description=…` set the header.
//
// Overrides are applied to the parsed file before anything is checked, so every check
// applies to them, and an error in one is located at the argument: the argument's text
// is shown as line k of `command line` (k counts the overrides), with a caret.

extension SweepParser {
  static let overridableTopLevelKeys = ["name", "description", "seed", "replicates"]
  /// Fields whose value is itself a list: `[…]` sets them; an axis of them is `[[…], […]]`.
  static let listValuedPaths: Set<String> = ["model.widths"]

  /// Applies `overrides` to `root`; a malformed argument is an error at its line.
  func applyOverrides() {
    for (index, argument) in overrides.enumerated() {
      let line = overrideLineOffset + index + 1
      guard let equals = argument.firstIndex(of: "=") else {
        error(
          "a command-line override is path=value, got '\(argument)'", atLocation: overrideLocation(line, 1),
          note: "e.g. model.depth=8, or model.activation=sigmoid,relu for an axis")
        continue
      }
      let path = String(argument[..<equals])
      let valueText = String(argument[argument.index(after: equals)...])
      let valueColumn = argument.unicodeScalars.distance(
        from: argument.unicodeScalars.startIndex, to: argument.index(after: equals).samePosition(in: argument.unicodeScalars)!) + 1
      let components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      if components.count == 1, Self.overridableTopLevelKeys.contains(path) {
        guard let value = composeOverride(valueText, line: line, column: valueColumn) else { continue }
        root = root.setting(path, to: value, keyNode: keyScalar(path, line: line, column: 1))
        continue
      }
      guard components.count == 2, let section = SectionName(rawValue: components[0]), !components[1].isEmpty else {
        let known = Self.overridableTopLevelKeys + SectionName.allPaths
        error(
          "unknown override path '\(path)'" + Suggestions.didYouMean(path, among: known),
          atLocation: overrideLocation(line, 1),
          note: "overrides name a field by its dotted path (model.depth, training.learning_rate) or name, seed, replicates, description")
        continue
      }
      let key = components[1]
      if let block = Self.zippedOrRandomBlock(sweeping: path, in: root) {
        error(
          "\(path) is swept by \(block) in this file; an override cannot replace one axis of \(block)",
          atLocation: overrideLocation(line, 1),
          note: block == "sweep.zip"
            ? "zipped lists must keep the same length: edit sweep.zip in a copy of the file"
            : "edit sweep.random.axes in a copy of the file")
        continue
      }
      let axis = isAxisOverride(valueText, path: path)
      let text = axis && !valueText.hasPrefix("[") ? "[" + valueText + "]" : valueText
      // "[" takes the place of "=", so the items keep the argument's columns.
      let column = axis && !valueText.hasPrefix("[") ? valueColumn - 1 : valueColumn
      guard let value = composeOverride(text, line: line, column: column) else { continue }
      let keyColumn = section.rawValue.unicodeScalars.count + 2
      if axis {
        var sweep = root.value(forKey: "sweep") ?? .mapping(Node.Mapping([]))
        let grid = (sweep.value(forKey: "grid") ?? .mapping(Node.Mapping([])))
          .setting(path, to: value, keyNode: keyScalar(path, line: line, column: 1))
        sweep = sweep.setting("grid", to: grid, keyNode: .scalar("grid", at: nil))
        root = root.setting("sweep", to: sweep, keyNode: .scalar("sweep", at: nil))
      } else {
        let sectionNode = (root.value(forKey: section.rawValue) ?? .mapping(Node.Mapping([])))
          .setting(key, to: value, keyNode: keyScalar(key, line: line, column: keyColumn))
        root = root.setting(section.rawValue, to: sectionNode, keyNode: .scalar(section.rawValue, at: nil))
        // A plain value replaces a grid axis of the same field, and the report stops
        // drawing panels or lines by it.
        if var sweep = root.value(forKey: "sweep"), let grid = sweep.value(forKey: "grid"), grid.value(forKey: path) != nil {
          sweep = sweep.setting("grid", to: grid.removing(path), keyNode: .scalar("grid", at: nil))
          root = root.setting("sweep", to: sweep, keyNode: .scalar("sweep", at: nil))
          if let report = root.value(forKey: "report"), case .mapping(let mapping) = report {
            let kept = Array(mapping).filter { $0.value.scalarText != path }.map { ($0.key, $0.value) }
            root = root.setting(
              "report", to: .mapping(Node.Mapping(kept, mapping.tag, mapping.style, mapping.mark)),
              keyNode: .scalar("report", at: nil))
          }
        }
      }
    }
  }

  /// "sweep.zip" or "sweep.random" when the file sweeps `path` there (an override would
  /// otherwise set the base value and be silently overridden by the zip or the draws).
  static func zippedOrRandomBlock(sweeping path: String, in root: Node) -> String? {
    guard let sweep = root.value(forKey: "sweep") else { return nil }
    if sweep.value(forKey: "zip")?.value(forKey: path) != nil { return "sweep.zip" }
    if sweep.value(forKey: "random")?.value(forKey: "axes")?.value(forKey: path) != nil { return "sweep.random" }
    return nil
  }

  /// `a,b` (a comma outside brackets, braces and quotes), or `[…]` for a field whose
  /// value is not itself a list.
  func isAxisOverride(_ text: String, path: String) -> Bool {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("[") { return !Self.listValuedPaths.contains(path) || trimmed.hasPrefix("[[") }
    var depth = 0
    var quote: Character?
    for character in trimmed {
      if let open = quote {
        if character == open { quote = nil }
        continue
      }
      switch character {
      case "\"", "'": quote = character
      case "[", "{": depth += 1
      case "]", "}": depth -= 1
      case "," where depth == 0: return true
      default: break
      }
    }
    return false
  }

  /// The YAML value `text` as a node whose marks sit at `line`, `column` (so every
  /// check reports it at the argument), or nil with an error.
  private func composeOverride(_ text: String, line: Int, column: Int) -> Node? {
    let padded = String(repeating: "\n", count: line - 1) + String(repeating: " ", count: max(0, column - 1)) + text
    do {
      return try Yams.compose(yaml: padded) ?? .scalar(Node.Scalar("", .implicit, .plain, nil))
    } catch {
      self.error("this override's value is not YAML: \(error)", atLocation: overrideLocation(line, column))
      return nil
    }
  }

  /// A key scalar carrying the position of its text in the argument.
  private func keyScalar(_ text: String, line: Int, column: Int) -> Node {
    let padded = String(repeating: "\n", count: line - 1) + String(repeating: " ", count: column - 1) + text
    return (try? Yams.compose(yaml: padded)).flatMap { $0 } ?? .scalar(text, at: nil)
  }

  func overrideLocation(_ line: Int, _ column: Int) -> SourceLocation {
    SourceLocation(file: path, line: line, column: column)
  }

  /// The sweep as it runs, for `sweep.yaml`: the file's text without overrides; with
  /// them, the merged sweep (the file's comments are not kept) under a header naming
  /// the file and the overrides, so `--resume` and `rerun` see the same sweep.
  func effectiveText() -> String {
    guard !overrides.isEmpty else { return text }
    let body = (try? Yams.serialize(node: root, width: -1, allowUnicode: true)) ?? text
    var header = "# \(path) with command-line overrides:\n"
    for argument in overrides { header += "#   \(argument.replacingOccurrences(of: "\n", with: " "))\n" }
    return header + body
  }
}

extension Node {
  /// A mapping with `key` set to `value` (replacing the last pair of that key, else
  /// appended); a non-mapping node becomes a mapping.
  func setting(_ key: String, to value: Node, keyNode: Node) -> Node {
    var pairs = (self.pairs ?? []).map { ($0.key, $0.value) }
    if let index = pairs.lastIndex(where: { $0.0.scalarText == key }) {
      pairs[index].1 = value
    } else {
      pairs.append((keyNode, value))
    }
    if case .mapping(let mapping) = self {
      return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }
    return .mapping(Node.Mapping(pairs))
  }

  /// A mapping without `key`.
  func removing(_ key: String) -> Node {
    guard case .mapping(let mapping) = self else { return self }
    let pairs = Array(mapping).filter { $0.key.scalarText != key }.map { ($0.key, $0.value) }
    return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
  }
}
