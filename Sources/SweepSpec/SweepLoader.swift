import Foundation

/// Reads, validates and expands sweep files.
///
/// Validation collects every problem of a file (not just the first) and throws them
/// together as `SweepDiagnostics`, each located at its line and column.
package enum SweepLoader {
  /// The largest sweep file read: 8 MiB (a 100,000-value axis takes about 1.5 MB).
  package static let maxFileBytes = 8 << 20

  /// Loads the sweep file at `path`.
  package static func load(path: String, overrides: [String] = []) throws -> SweepPlan {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw fileProblem(path, "cannot read '\(path)': no such file")
    }
    guard !isDirectory.boolValue else { throw fileProblem(path, "cannot read '\(path)': it is a directory") }
    // Only regular files, and only a plausible size: /dev/zero or a FIFO would be read
    // forever, a 100 MB "sweep" is a mistake (100,000 runs fit in far less).
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    guard attributes?[.type] as? FileAttributeType == .typeRegular else {
      throw fileProblem(path, "cannot read '\(path)': it is not a regular file (a device, FIFO or socket); name a YAML file")
    }
    let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
    guard size <= maxFileBytes else {
      throw fileProblem(
        path, "cannot read '\(path)': \(size) bytes is more than a sweep file may have (\(maxFileBytes) bytes); "
          + "split the sweep, or sample a long axis with sweep.random")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw fileProblem(path, "cannot read '\(path)': permission denied or unreadable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw SweepDiagnostics(diagnostics: [invalidUTF8(data, path: path)])
    }
    return try load(text: text, path: path, overrides: overrides)
  }

  /// Loads a sweep from its text; `path` names it in messages, gives the default
  /// `name` (the file name without extension) and the folder relative data paths
  /// resolve against. `overrides` are command-line `path=value` arguments
  /// (`Overrides.swift`), checked like the file and located at their argument. With `checkingDataFiles` (the default, as every command does) the
  /// data files the runs name must exist and be readable regular files; tests of the
  /// plan's shape alone may pass false.
  package static func load(
    text: String, path: String, overrides: [String] = [], checkingDataFiles: Bool = true
  ) throws -> SweepPlan {
    let plan = try plan(text: text, path: path, overrides: overrides)
    if checkingDataFiles { try plan.checkDataFiles() }
    return plan
  }

  /// The three stages: parse (YAML/: Yams nodes and a source map), validate (Schema/:
  /// a typed `SweepDefinition`, every problem located), expand (Expansion/: a pure
  /// function of the definition). Problems of every stage are thrown together.
  static func plan(text: String, path: String, overrides: [String]) throws -> SweepPlan {
    let parsed = try SweepParser.parse(text: text, path: path, overrides: overrides)
    let validated = SweepValidator.validate(parsed)
    var diagnostics = validated.diagnostics
    let definition = validated.definition
    var expansion = Expansion(axisValueLocations: Array(repeating: [:], count: definition.axes.count))
    if !validated.refusedForSize {
      expansion = SweepExpansion.expand(definition, priorErrors: diagnostics.hasErrors)
    }
    for problem in expansion.problems {
      diagnostics.report(
        problem.message, at: problem.location, severity: problem.severity == .error ? .error : .warning,
        note: problem.note)
    }
    if diagnostics.hasErrors { throw SweepDiagnostics(diagnostics: diagnostics.sorted()) }
    let header = validated.header
    return SweepPlan(
      name: header.name ?? SweepHeader.defaultName(forPath: path), description: header.description,
      sourcePath: path, sourceText: text, effectiveText: parsed.effectiveText, overrides: overrides,
      seed: header.seed, replicates: header.replicates, axisPaths: definition.axes.map(\.path),
      zipGroups: definition.zipGroups.filter { $0.count > 1 }.map { $0.map { definition.axes[$0].path } },
      runs: expansion.runs, report: validated.report, reference: validated.reference,
      warnings: diagnostics.sorted(), keyPathLocations: parsed.keyPathLocations,
      axisValueLocations: expansion.axisValueLocations)
  }

  private static func fileProblem(_ path: String, _ message: String) -> SweepDiagnostics {
    SweepDiagnostics(diagnostics: [Diagnostic(file: path, line: 0, column: 0, message: message)])
  }

  /// Locates the first byte that is not UTF-8.
  private static func invalidUTF8(_ data: Data, path: String) -> Diagnostic {
    var line = 1
    var column = 1
    var iterator = data.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    var offendingByte: UInt8?
    var offset = 0
    var lineText = ""
    scan: while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        offset += encoded.count
        let scalar = Unicode.UTF8.decode(encoded)
        if scalar == "\n" {
          line += 1
          column = 1
          lineText = ""
        } else {
          column += 1
          lineText.unicodeScalars.append(scalar)
        }
      case .error:
        offendingByte = data[data.startIndex + offset]
        break scan
      case .emptyInput:
        break scan
      }
    }
    let byte = offendingByte.map { " (byte 0x" + String($0, radix: 16, uppercase: true) + ")" } ?? ""
    return Diagnostic(
      file: path, line: line, column: column, message: "the file is not UTF-8 text\(byte)",
      sourceLine: lineText, note: "sweep files are YAML text; save the file as UTF-8")
  }
}
