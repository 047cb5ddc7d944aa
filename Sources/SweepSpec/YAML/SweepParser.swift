import Foundation
import Yams

// Stage 1, parse: the sweep file's text, plus command-line overrides (`Overrides.swift`),
// as a Yams node tree and a source map (key path → line and column). Nothing here knows
// what the keys mean; `SweepValidator` (Schema/) checks them.

/// A parsed sweep file: its node tree with overrides applied and where each value is written.
struct ParsedSweep {
  let path: String
  /// The file's text as read.
  let text: String
  /// Command-line `path=value` overrides, in order.
  let overrides: [String]
  /// The root mapping (an empty mapping for an empty file).
  let root: Node
  /// Where every key path's value is written (`data.path`, `sweep.grid.model.depth[2]`).
  let keyPathLocations: [String: SourceLocation]
  /// The sweep as it runs: the text, or with overrides the merged tree under a header.
  let effectiveText: String
  /// Problems found so far (malformed overrides), to which later stages add.
  let diagnostics: DiagnosticCollector
}

/// Reports problems at a Yams node's position in one sweep file (parse and validate).
protocol NodeReporting: AnyObject {
  var path: String { get }
  var diagnostics: DiagnosticCollector { get set }
}

extension NodeReporting {
  func location(_ node: Node?) -> SourceLocation? {
    guard let mark = node?.mark else { return nil }
    return SourceLocation(file: path, line: mark.line, column: mark.column)
  }

  /// Reports an error at the first of `nodes` that has a position.
  func error(_ message: String, at nodes: Node?..., note: String? = nil) {
    let place = nodes.lazy.compactMap { self.location($0) }.first
    diagnostics.report(message, at: place, note: note)
  }

  func error(_ message: String, atLocation location: SourceLocation?, note: String? = nil) {
    diagnostics.report(message, at: location, note: note)
  }

  func warning(_ message: String, at node: Node?, note: String? = nil) {
    diagnostics.report(message, at: location(node), severity: .warning, note: note)
  }
}

/// The parse stage's working state for one file; `parse` is its only entry point.
final class SweepParser: NodeReporting {
  let path: String
  let text: String
  var diagnostics: DiagnosticCollector
  var root: Node = .mapping(Node.Mapping([]))
  var keyPathLocations: [String: SourceLocation] = [:]
  /// Command-line overrides (`Overrides.swift`), applied to the parsed file.
  let overrides: [String]
  /// Override k is shown as line `overrideLineOffset + k` of the display text (the
  /// file's lines, then one line per override) and reported as `command line:k`.
  let overrideLineOffset: Int

  private init(text: String, path: String, overrides: [String]) {
    self.text = text
    self.path = path
    self.overrides = overrides
    overrideLineOffset = SourceLines(text).count
    let display = overrides.isEmpty ? text : text + "\n" + overrides.joined(separator: "\n")
    self.diagnostics = DiagnosticCollector(
      file: path, sourceText: display, overrideLines: overrides.isEmpty ? nil : overrideLineOffset)
  }

  /// Parses `text` and applies `overrides`; throws when the text is not YAML or not a
  /// mapping (nothing further can be checked). Malformed overrides are reported in the
  /// result's diagnostics.
  static func parse(text: String, path: String, overrides: [String] = []) throws -> ParsedSweep {
    let parser = SweepParser(text: text, path: path, overrides: overrides)
    guard parser.parseRoot() else { throw SweepDiagnostics(diagnostics: parser.diagnostics.sorted()) }
    parser.applyOverrides()
    parser.indexLocations(parser.root, prefix: "", depth: 0)
    return ParsedSweep(
      path: path, text: text, overrides: overrides, root: parser.root, keyPathLocations: parser.keyPathLocations,
      effectiveText: parser.effectiveText(), diagnostics: parser.diagnostics)
  }

  /// Parses the YAML; false (with a diagnostic) when it is not YAML or not a mapping.
  private func parseRoot() -> Bool {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      reportYamlError(error)
      return false
    } catch {
      diagnostics.report("invalid YAML: \(error)", at: nil)
      return false
    }
    guard let node, !node.isNull else { return true }  // an empty file: every default
    guard node.pairs != nil else {
      self.error(
        "a sweep file is a mapping of keys (name:, data:, model:, training:, sweep:, …), got \(node.shapeDescription)",
        at: node)
      return false
    }
    root = node
    return true
  }

  private func reportYamlError(_ error: YamlError) {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: path, line: mark.line, column: mark.column) }
    func contextNote(_ context: YamlError.Context?) -> String? {
      context.map { "\($0.text) (at \($0.mark.line):\($0.mark.column))" }
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      diagnostics.report("invalid YAML: \(problem)", at: at(mark), note: contextNote(context))
    case .reader(let problem, let offset, _, _):
      diagnostics.report("invalid text: \(problem)", at: offset.map { characterLocation(offset: $0) })
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      diagnostics.report(
        "duplicate key \(names) in one mapping",
        at: repeatedKeyLocation(duplicates.first ?? "", after: context.mark) ?? at(context.mark),
        note: "a key may appear only once per mapping; YAML would otherwise keep only one of the values")
    default:
      diagnostics.report("invalid YAML: \(error)", at: nil)
    }
  }

  /// Line and column of the `offset`-th character.
  private func characterLocation(offset: Int) -> SourceLocation {
    var line = 1
    var column = 1
    for character in text.prefix(offset) {
      if character == "\n" || character == "\r\n" || character == "\r" {
        line += 1
        column = 1
      } else {
        column += character.unicodeScalars.count
      }
    }
    return SourceLocation(file: path, line: line, column: column)
  }

  /// Yams reports a duplicated key at its first occurrence; the second one, at the same
  /// indentation further down, is the one to point at.
  private func repeatedKeyLocation(_ key: String, after mark: Mark) -> SourceLocation? {
    let lines = SourceLines(text)
    let column = mark.column - 1
    var number = mark.line + 1
    while let line = lines.line(number) {
      let scalars = Array(line.unicodeScalars)
      let indent = scalars.prefix { $0 == " " }.count
      if indent < scalars.count, scalars[indent] != "#" {
        if indent < column { return nil }  // the mapping ended
        if indent == column {
          let rest = String(String.UnicodeScalarView(scalars[indent...]))
          if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
            return SourceLocation(file: path, line: number, column: mark.column)
          }
        }
      }
      number += 1
    }
    return nil
  }

  /// Records where every key path's value is written, for `SweepPlan.location(ofKeyPath:)`.
  /// Nodes left to index: YAML aliases can make a small file a huge tree ("billion
  /// laughs"); the index stops growing instead of walking it.
  private static let indexBudget = 200_000

  private func indexLocations(_ node: Node, prefix: String, depth: Int) {
    guard depth < 32, keyPathLocations.count < Self.indexBudget else { return }
    if let pairs = node.pairs {
      for (key, value) in pairs {
        guard let name = key.scalarText else { continue }
        let path = prefix.isEmpty ? name : prefix + "." + name
        if keyPathLocations[path] == nil {
          keyPathLocations[path] = location(value.isNull ? key : value) ?? location(key)
        }
        indexLocations(value, prefix: path, depth: depth + 1)
      }
    } else if let items = node.items {
      for (index, item) in items.enumerated() {
        let path = prefix + "[\(index)]"
        if keyPathLocations[path] == nil { keyPathLocations[path] = location(item) }
        indexLocations(item, prefix: path, depth: depth + 1)
      }
    }
  }
}
