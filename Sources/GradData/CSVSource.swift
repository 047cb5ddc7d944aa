import Foundation
import GradEngine
import TidyCSV

/// `{name: csv, path: FILE, label_column: last|first|INDEX|NAME, header: auto|true|false,
/// task: classification|regression[, test: FILE]}` — one example per row, every column
/// but the label a numeric feature. A gzip-compressed file (`.csv.gz`) is read as well.
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

  /// One file, read: the header if any, the features row-major, and each row's label
  /// text and line number.
  struct Table {
    var location: FileLocation
    var header: [String]?
    var width: Int
    var labelIndex: Int
    var features: [Float] = []
    var labelTexts: [String] = []
    var lines: [Int] = []

    var rowCount: Int { lines.count }
  }

  static func load(_ spec: DataSpec, baseDirectory: URL) throws -> DataLoader.SourceData {
    guard let path = spec.path else { throw DataProblem(field: "data.path", message: "csv needs path: FILE.csv") }
    let location = FileLocation(field: "data.path", written: path, baseDirectory: baseDirectory)
    let train = try readTable(location, spec: spec, limit: spec.samples > 0 ? spec.samples : nil)
    var test: Table? = nil
    if let testPath = spec.test {
      let t = try readTable(
        FileLocation(field: "data.test", written: testPath, baseDirectory: baseDirectory), spec: spec, limit: nil)
      guard t.width == train.width else {
        throw t.location.problem(
          "the test file has \(t.width) columns but the training file has \(train.width)", line: t.lines.first)
      }
      if let a = train.header, let b = t.header,
        featureNames(a, label: train.labelIndex) != featureNames(b, label: t.labelIndex)
      {
        throw t.location.problem(
          "the test file's feature columns (\(featureNames(b, label: t.labelIndex).joined(separator: ", "))) differ from the training file's (\(featureNames(a, label: train.labelIndex).joined(separator: ", ")))",
          line: 1)
      }
      test = t
    }

    let featureCount = train.width - 1
    switch spec.task {
    case .regression:
      func dataset(_ table: Table) throws -> Dataset {
        Dataset(features: table.features, featureCount: featureCount, targets: .values(try regressionTargets(table), outputCount: 1))
      }
      return DataLoader.SourceData(examples: try dataset(train), test: try test.map(dataset))
    case .classification:
      let (trainLabels, testLabels, classCount) = try classLabels(train, test, spec: spec)
      return DataLoader.SourceData(
        examples: Dataset(
          features: train.features, featureCount: featureCount,
          targets: .classes(labels: trainLabels, classCount: classCount)),
        test: test.map {
          Dataset(features: $0.features, featureCount: featureCount, targets: .classes(labels: testLabels, classCount: classCount))
        })
    }
  }

  static func featureNames(_ header: [String], label: Int) -> [String] {
    header.enumerated().filter { $0.offset != label }.map(\.element)
  }

  /// Reads one file: header, equal widths, the label column, numeric features (at most `limit` rows).
  static func readTable(_ location: FileLocation, spec: DataSpec, limit: Int?) throws -> Table {
    let file = try location.open(inflatedLimit: DataLimits.maxCSVTextBytes)
    return try readTable(from: file.source, location: location, spec: spec, limit: limit)
  }

  /// Reads a table from `source` in `DataLimits.chunkSize` chunks (TidyCSV's
  /// `CSVScanner`, RFC 4180), stopping after `limit` rows; more than 2²⁸ feature values
  /// is an error before the arrays grow past it.
  static func readTable(from source: ByteSource, location: FileLocation, spec: DataSpec, limit: Int?) throws -> Table {
    let limits = CSVScanner.Limits(
      chunkSize: DataLimits.chunkSize, maxRecordBytes: DataLimits.maxCSVRowBytes, maxFields: DataLimits.maxCSVColumns)
    var scanner = CSVScanner(limits: limits, read: source.read)
    var fields: [CSVScanner.Field] = []
    func next() throws -> (line: Int, fields: [CSVScanner.Field])? {
      do {
        guard let line = try scanner.next(into: &fields) else { return nil }
        return (line, fields)
      } catch let error as CSVSyntaxError where error.kind == .binaryData {
        throw location.problem("looks like a binary file, not CSV text", suggestion: "give a comma-separated text file")
      } catch let error as CSVSyntaxError {
        let place = "line \(error.line)" + (error.column.map { ", character \($0)" } ?? "")
        throw location.problem("\(place): \(error.description)", line: error.line)
      } catch let error as InflateError where error.exceededLimit != nil {
        throw location.problem(
          "the file inflates to more than \(DataLimits.maxCSVTextBytes >> 30) GiB of text",
          suggestion: "at most 2²⁸ values are read; keep the first rows with samples: N")
      } catch {
        throw location.readProblem(error)
      }
    }
    guard let first = try next() else {
      throw location.problem("the file is empty", suggestion: "give a CSV file with one example per row")
    }
    // The first row outlives the scanner's buffer (header detection needs the second).
    let (firstScanner, firstFields) = scanner.detached(first.fields)
    let second = try next()
    let hasHeader: Bool
    switch spec.header {
    case .true: hasHeader = true
    case .false: hasHeader = false
    case .auto:
      hasHeader = first.fields.indices.contains { j in
        guard firstScanner.number(firstFields[j]) == nil else { return false }
        guard let second else { return true }
        return j < second.fields.count && scanner.number(second.fields[j]) != nil
      }
    }
    let width = first.fields.count
    guard width >= 2 else {
      throw location.problem(
        "the file has 1 column; it needs at least one feature and the label",
        suggestion: "separate columns with commas (semicolons and tabs are not read)")
    }
    let header = hasHeader ? firstFields.map { firstScanner.text($0, trimming: true) } : nil
    let labelIndex = try resolveLabelColumn(spec.labelColumn, header: header, width: width, location: location)
    var table = Table(location: location, header: header, width: width, labelIndex: labelIndex)

    func add(_ record: (line: Int, fields: [CSVScanner.Field]), from scanner: CSVScanner) throws {
      guard record.fields.count == width else {
        throw location.problem(
          "line \(record.line) has \(record.fields.count) fields, expected \(width) as on line \(first.line)",
          line: record.line, suggestion: "every row needs the same columns; quote fields that contain commas")
      }
      guard table.rowCount < DataLimits.maxValues / (width - 1) else {
        throw location.problem(
          "line \(record.line): more than 2²⁸ = 268,435,456 feature values (\(table.rowCount) rows of \(width - 1) features)",
          line: record.line, suggestion: "keep the first rows with samples: N")
      }
      for (j, field) in record.fields.enumerated() where j != labelIndex {
        guard let v = scanner.number(field), v.isFinite else {
          let raw = scanner.text(field)
          throw location.problem(
            "line \(record.line), \(columnName(header, j)): \(describe(raw)) is not a finite number",
            line: record.line,
            suggestion: raw.isEmpty ? "fill or drop rows with missing values" : "every column but the label must be numeric")
        }
        table.features.append(Float(v))
      }
      table.labelTexts.append(scanner.text(record.fields[labelIndex], trimming: true))
      table.lines.append(record.line)
    }
    if !hasHeader { try add((first.line, firstFields), from: firstScanner) }
    if let second, table.rowCount < (limit ?? .max) { try add(second, from: scanner) }
    while table.rowCount < (limit ?? .max), let record = try next() { try add(record, from: scanner) }
    guard table.rowCount > 0 else { throw location.problem("the file has a header but no data rows") }
    return table
  }

  static func resolveLabelColumn(_ text: String, header: [String]?, width: Int, location: FileLocation) throws -> Int {
    switch LabelColumn(text) {
    case .last: return width - 1
    case .first: return 0
    case .index(let i):
      guard i < width else {
        throw DataProblem(
          field: "data.label_column",
          message: "label_column \(i) does not exist: '\(location.written)' has \(width) columns (0…\(width - 1))",
          path: location.written, resolvedPath: location.url.path)
      }
      return i
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
          field: "data.label_column", message: "no column named '\(name)' in '\(location.written)'",
          path: location.written, resolvedPath: location.url.path,
          suggestion: "its columns are \(header.prefix(30).map { "'\($0)'" }.joined(separator: ", "))\(header.count > 30 ? ", …" : "")")
      }
      return i
    }
  }

  static func columnName(_ header: [String]?, _ j: Int) -> String {
    if let header { return "column \(j) ('\(header[j])')" }
    return "column \(j)"
  }

  static func describe(_ field: String) -> String {
    field.isEmpty ? "an empty field" : "'\(field.count > 40 ? String(field.prefix(40)) + "…" : field)'"
  }

  static func regressionTargets(_ table: Table) throws -> [Float] {
    try zip(table.labelTexts, table.lines).map { text, line in
      guard let v = Double(text), v.isFinite else {
        throw table.location.problem(
          "line \(line), \(columnName(table.header, table.labelIndex)): the regression target \(describe(text)) is not a finite number",
          line: line, suggestion: "for text labels use task: classification")
      }
      return Float(v)
    }
  }

  /// Class indices for the training and test rows, and the class count (see the type's doc).
  static func classLabels(_ train: Table, _ test: Table?, spec: DataSpec) throws -> ([Int32], [Int32], Int) {
    let all = [train] + (test.map { [$0] } ?? [])
    for table in all {
      if let i = table.labelTexts.firstIndex(where: \.isEmpty) {
        throw table.location.problem(
          "line \(table.lines[i]), \(columnName(table.header, table.labelIndex)): the label is empty", line: table.lines[i])
      }
    }
    let explicit = spec.classes > 0 ? spec.classes : nil
    let integers = all.map { t in
      t.labelTexts.map { s -> Int? in
        guard let v = Double(s), v >= 0, v < 1e9, v == v.rounded() else { return nil }
        return Int(v)
      }
    }
    if integers.allSatisfy({ $0.allSatisfy { $0 != nil } }) {
      let values = integers.map { $0.map { $0! } }
      let largest = values.flatMap { $0 }.max() ?? 0
      guard explicit != nil || largest < 10_000 else {
        throw train.location.problem(
          "the largest label is \(largest): as class indices that would be \(largest + 1) classes (at most 10,000)",
          suggestion: "for a numeric target use task: regression; or check label_column")
      }
      let classCount = explicit ?? (largest + 1)
      for (t, table) in all.enumerated() {
        if let i = values[t].firstIndex(where: { $0 >= classCount }) {
          throw table.location.problem(
            "line \(table.lines[i]): label \(values[t][i]) is out of range for classes: \(classCount) (0…\(classCount - 1))",
            line: table.lines[i], suggestion: "raise classes, or remove it to infer the count")
        }
      }
      guard classCount >= 2 else {
        throw train.location.problem("every label is 0: a classification set needs at least 2 classes")
      }
      return (values[0].map(Int32.init), values.count > 1 ? values[1].map(Int32.init) : [], classCount)
    }
    let distinct = Set(all.flatMap(\.labelTexts))
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
      throw train.location.problem(
        "every row has the label '\(sorted.first ?? "")': a classification set needs at least 2 classes")
    }
    return (train.labelTexts.map { index[$0]! }, test?.labelTexts.map { index[$0]! } ?? [], classCount)
  }
}
