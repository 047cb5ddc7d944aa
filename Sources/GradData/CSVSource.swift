import Foundation
import GradEngine

/// `{name: csv, path: FILE, label_column: last|first|INDEX|NAME, header: auto|true|false,
/// task: classification|regression[, test: FILE]}` — one example per row, every column
/// but the label a numeric feature.
///
/// - Header: `auto` takes the first row for a header when some column is non-numeric
///   there but numeric in the second row (so a file whose header names are numbers
///   needs `header: true`).
/// - Classification labels: when every label is a non-negative integer, it is the
///   class index itself (class 7 is "7"; `classes` defaults to the largest + 1);
///   otherwise the distinct label values, in sorted order (numeric order if all are
///   numbers), are classes 0, 1, 2, …. The mapping covers the training and test files
///   together, so they agree.
/// - Regression: the label column is the one real-valued target.
/// - `samples: N` keeps the first N data rows (0 = all).
enum CSVSource {
  /// Where the label is, as written in `label_column`.
  enum LabelColumn: Equatable {
    case last, first, index(Int), name(String)

    init(_ text: String) {
      let t = text.trimmingCharacters(in: .whitespaces)
      switch t.lowercased() {
      case "last": self = .last
      case "first": self = .first
      default:
        if let i = Int(t), i >= 0 { self = .index(i) } else { self = .name(t) }
      }
    }

    var isName: Bool { if case .name = self { true } else { false } }
  }

  /// One parsed file: optional header, data rows with their line numbers, and the label column.
  struct Table {
    var location: FileLocation
    var header: [String]?
    var rows: [(line: Int, fields: [String])]
    var width: Int
    var labelIndex: Int
  }

  static func load(_ spec: DataSpec, baseDirectory: URL) throws -> DataLoader.SourceData {
    guard let path = spec.path else { throw DataProblem(field: "data.path", message: "csv needs path: FILE.csv") }
    let location = FileLocation(field: "data.path", written: path, baseDirectory: baseDirectory)
    var train = try readTable(location, spec: spec)
    if spec.samples > 0 && spec.samples < train.rows.count { train.rows = Array(train.rows.prefix(spec.samples)) }
    var test: Table? = nil
    if let testPath = spec.test {
      let t = try readTable(FileLocation(field: "data.test", written: testPath, baseDirectory: baseDirectory), spec: spec)
      guard t.width == train.width else {
        throw t.location.problem(
          "the test file has \(t.width) columns but the training file has \(train.width)",
          line: t.rows.first?.line)
      }
      if let a = train.header, let b = t.header, featureNames(a, label: train.labelIndex) != featureNames(b, label: t.labelIndex) {
        throw t.location.problem(
          "the test file's feature columns (\(featureNames(b, label: t.labelIndex).joined(separator: ", "))) differ from the training file's (\(featureNames(a, label: train.labelIndex).joined(separator: ", ")))",
          line: 1)
      }
      test = t
    }

    let trainFeatures = try features(of: train)
    let testFeatures = try test.map(features(of:))
    switch spec.task {
    case .regression:
      let y = try regressionTargets(train)
      let ty = try test.map(regressionTargets)
      func dataset(_ x: [Float], _ y: [Float]) -> Dataset {
        Dataset(features: x, featureCount: train.width - 1, targets: .values(y, outputCount: 1))
      }
      return DataLoader.SourceData(
        examples: dataset(trainFeatures, y), test: testFeatures.map { dataset($0, ty ?? []) })
    case .classification:
      let (trainLabels, testLabels, classCount) = try classLabels(train, test, spec: spec)
      func dataset(_ x: [Float], _ l: [Int32]) -> Dataset {
        Dataset(features: x, featureCount: train.width - 1, targets: .classes(labels: l, classCount: classCount))
      }
      return DataLoader.SourceData(
        examples: dataset(trainFeatures, trainLabels), test: testFeatures.map { dataset($0, testLabels) })
    }
  }

  static func featureNames(_ header: [String], label: Int) -> [String] {
    header.enumerated().filter { $0.offset != label }.map { $0.element.trimmingCharacters(in: .whitespaces) }
  }

  /// Reads, splits and checks one file: header, equal widths, the label column.
  static func readTable(_ location: FileLocation, spec: DataSpec) throws -> Table {
    let bytes = try location.read()
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw location.problem("is not UTF-8 text", suggestion: "save the file as UTF-8 CSV")
    }
    let records: [(line: Int, fields: [String])]
    do {
      records = try CSVRecords(text: text).records
    } catch let error as FormatError {
      throw location.problem("line \(error.line ?? 0): \(error.message)", line: error.line)
    }
    guard let first = records.first else {
      throw location.problem("the file is empty", suggestion: "give a CSV file with one example per row")
    }
    let hasHeader: Bool
    switch spec.header {
    case .true: hasHeader = true
    case .false: hasHeader = false
    case .auto: hasHeader = detectHeader(records)
    }
    let width = first.fields.count
    for record in records where record.fields.count != width {
      throw location.problem(
        "line \(record.line) has \(record.fields.count) fields, expected \(width) as on line \(first.line)",
        line: record.line, suggestion: "every row needs the same columns; quote fields that contain commas")
    }
    guard width >= 2 else {
      throw location.problem(
        "the file has \(width) column; it needs at least one feature and the label",
        suggestion: "separate columns with commas (semicolons and tabs are not read)")
    }
    let header = hasHeader ? first.fields.map { $0.trimmingCharacters(in: .whitespaces) } : nil
    let rows = Array(records.dropFirst(hasHeader ? 1 : 0))
    guard !rows.isEmpty else {
      throw location.problem("the file has a header but no data rows")
    }
    let labelIndex: Int
    switch LabelColumn(spec.labelColumn) {
    case .last: labelIndex = width - 1
    case .first: labelIndex = 0
    case .index(let i):
      guard i < width else {
        throw DataProblem(
          field: "data.label_column",
          message: "label_column \(i) does not exist: '\(location.written)' has \(width) columns (0…\(width - 1))",
          path: location.written, resolvedPath: location.url.path)
      }
      labelIndex = i
    case .name(let name):
      guard let header else {
        throw DataProblem(
          field: "data.label_column",
          message: "label_column '\(name)' is a column name, but '\(location.written)' has no header row",
          path: location.written, resolvedPath: location.url.path,
          suggestion: "give the column's 0-based index, or set header: true")
      }
      guard let i = header.firstIndex(of: name) ?? header.firstIndex(where: { $0.lowercased() == name.lowercased() })
      else {
        throw DataProblem(
          field: "data.label_column",
          message: "no column named '\(name)' in '\(location.written)'",
          path: location.written, resolvedPath: location.url.path,
          suggestion: "its columns are \(header.prefix(30).map { "'\($0)'" }.joined(separator: ", "))")
      }
      labelIndex = i
    }
    return Table(location: location, header: header, rows: rows, width: width, labelIndex: labelIndex)
  }

  /// `auto`: the first record is a header when some column is non-numeric in it and
  /// numeric in the second record; with a single record, when any field is non-numeric.
  static func detectHeader(_ records: [(line: Int, fields: [String])]) -> Bool {
    guard let first = records.first else { return false }
    guard records.count > 1 else { return first.fields.contains { number($0) == nil } }
    let second = records[1].fields
    return first.fields.indices.contains { j in
      number(first.fields[j]) == nil && j < second.count && number(second[j]) != nil
    }
  }

  /// A field as a number: surrounding spaces ignored; nil when it is not one.
  static func number(_ field: String) -> Double? {
    Double(field.trimmingCharacters(in: .whitespaces))
  }

  /// The feature columns, row-major; a non-numeric, empty or non-finite field is an error with its line and column.
  static func features(of table: Table) throws -> [Float] {
    var out = [Float]()
    out.reserveCapacity(table.rows.count * (table.width - 1))
    for (line, fields) in table.rows {
      for (j, field) in fields.enumerated() where j != table.labelIndex {
        guard let v = number(field), v.isFinite else {
          throw table.location.problem(
            "line \(line), \(columnName(table, j)): \(describe(field)) is not a finite number",
            line: line,
            suggestion: field.isEmpty ? "fill or drop rows with missing values" : "every column but the label must be numeric")
        }
        out.append(Float(v))
      }
    }
    return out
  }

  static func columnName(_ table: Table, _ j: Int) -> String {
    if let header = table.header { return "column \(j) ('\(header[j])')" }
    return "column \(j)"
  }

  static func describe(_ field: String) -> String {
    field.isEmpty ? "an empty field" : "'\(field.count > 40 ? String(field.prefix(40)) + "…" : field)'"
  }

  static func regressionTargets(_ table: Table) throws -> [Float] {
    try table.rows.map { line, fields in
      let field = fields[table.labelIndex]
      guard let v = number(field), v.isFinite else {
        throw table.location.problem(
          "line \(line), \(columnName(table, table.labelIndex)): the regression target \(describe(field)) is not a finite number",
          line: line, suggestion: "for text labels use task: classification")
      }
      return Float(v)
    }
  }

  /// Class indices for the training and test rows, and the class count (see the type's doc).
  static func classLabels(_ train: Table, _ test: Table?, spec: DataSpec) throws -> ([Int32], [Int32], Int) {
    let all = [train] + (test.map { [$0] } ?? [])
    for table in all {
      for (line, fields) in table.rows where fields[table.labelIndex].trimmingCharacters(in: .whitespaces).isEmpty {
        throw table.location.problem(
          "line \(line), \(columnName(table, table.labelIndex)): the label is empty", line: line)
      }
    }
    let text = all.map { t in t.rows.map { $0.fields[t.labelIndex].trimmingCharacters(in: .whitespaces) } }
    let explicit = spec.classes > 0 ? spec.classes : nil
    let integers = text.map { $0.map { s -> Int? in
      guard let v = Double(s), v >= 0, v < 1e9, v == v.rounded() else { return nil }
      return Int(v)
    } }
    if integers.allSatisfy({ $0.allSatisfy { $0 != nil } }) {
      let values = integers.map { $0.map { $0! } }
      let classCount = explicit ?? ((values.flatMap { $0 }.max() ?? 0) + 1)
      for (t, table) in all.enumerated() {
        if let i = values[t].firstIndex(where: { $0 >= classCount }) {
          throw table.location.problem(
            "line \(table.rows[i].line): label \(values[t][i]) is out of range for classes: \(classCount) (0…\(classCount - 1))",
            line: table.rows[i].line, suggestion: "raise classes, or remove it to infer the count")
        }
      }
      guard classCount >= 2 else {
        throw train.location.problem("every label is 0: a classification set needs at least 2 classes")
      }
      return (values[0].map(Int32.init), values.count > 1 ? values[1].map(Int32.init) : [], classCount)
    }
    let distinct = Set(text.flatMap { $0 })
    let numeric = distinct.allSatisfy { Double($0) != nil }
    let sorted = distinct.sorted { numeric ? Double($0)! < Double($1)! : $0 < $1 }
    let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, Int32($0.offset)) })
    let classCount = explicit ?? sorted.count
    guard sorted.count <= classCount else {
      throw DataProblem(
        field: "data.classes",
        message: "the label column has \(sorted.count) distinct values but classes is \(classCount)",
        path: train.location.written, resolvedPath: train.location.url.path)
    }
    guard classCount >= 2 else {
      throw train.location.problem("every row has the label '\(sorted.first ?? "")': a classification set needs at least 2 classes")
    }
    return (text[0].map { index[$0]! }, text.count > 1 ? text[1].map { index[$0]! } : [], classCount)
  }
}
