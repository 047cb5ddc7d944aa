import Foundation
import SweepResults

/// The ranges a run's `step` and `layer` columns must lie in, from what the run's own
/// folder declares: the model's hidden layers from `config.yaml`, the steps it trained
/// from `status.json`.
///
/// The report indexes and sizes arrays by these columns (a layer profile has one slot
/// per layer), so a value is checked before anything is allocated by it. Two bounds
/// hold whatever the folder says, so that a hostile config.yaml cannot lift them:
/// - layer ∈ 1…L+1 (hidden layers 1…L, the output layer L+1), L from config.yaml
///   (`model.widths`' length when set, else `model.depth`); and always layer ≤ the
///   file's number of rows, because a layers.csv lists every layer at each logged step
///   — so memory stays proportional to the file, never to a value in it;
/// - step ∈ 0…T, T = max(`steps`, `diverged_at_step`) of status.json (a run logs step 0
///   before any update, and its last record at T); no upper bound for a `failed` run
///   (its `steps` is 0 whatever it logged) or a status without `steps`.
///
/// And the file's size, before it is read: a run logs at most ⌊T/E⌋ + 3 steps (step 0,
/// every E-th, the last, a divergence; `log.every` E from config.yaml, 0 = only the
/// first and last), one metrics row and L+1 layer rows each, of at most
/// `maxBytesPerRow` bytes (a row of 19 numbers written by gradsweep is under 500; with
/// every optional instrument of `log:`, 33 numbers, under 900).
///
/// Edge cases: a config.yaml that is absent, larger than 1 MiB or not in the canonical
/// form `gradsweep run` writes gives no depth and no log interval (the row-count bound
/// still holds; the size is then not bounded).
struct LogBounds: Sendable, Equatable {
  /// L, the hidden layers config.yaml declares; nil when unknown.
  var hiddenLayers: Int?
  /// T, the last step status.json allows; nil when unbounded.
  var lastStep: Int?
  /// E, config.yaml's `log.every`; nil when unknown.
  var logEvery: Int? = nil

  static let maxBytesPerRow = 4096

  /// The bounds for one run folder.
  static func read(runFolder: URL, status: RunStatus?) -> LogBounds {
    var bounds = LogBounds()
    let config = declared(inConfig: runFolder.appendingPathComponent(ResultsLayout.configFile))
    bounds.hiddenLayers = config.hiddenLayers
    bounds.logEvery = config.logEvery
    if let status, status.status != .failed, let steps = status.steps {
      bounds.lastStep = max(steps, status.divergedAtStep ?? 0)
    }
    return bounds
  }

  /// L from a canonical config.yaml: the `model:` block's `widths: [a, b, …]` count, or
  /// its `depth: N` when widths is null.
  static func hiddenLayers(inConfig url: URL) -> Int? { declared(inConfig: url).hiddenLayers }

  /// L (as `hiddenLayers(inConfig:)`) and E, the `log:` block's `every: N`.
  static func declared(inConfig url: URL) -> (hiddenLayers: Int?, logEvery: Int?) {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return (nil, nil) }
    defer { try? handle.close() }
    let limit = 1 << 20
    guard let data = try? handle.read(upToCount: limit + 1), data.count <= limit else { return (nil, nil) }
    var block = ""
    var depth: Int? = nil
    var widths: Int? = nil
    var every: Int? = nil
    for raw in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
      if !line.hasPrefix(" ") {
        block = String(line)
        continue
      }
      let text = line.drop(while: { $0 == " " })
      if block == "log:", text.hasPrefix("every:") {
        every = Int(text.dropFirst("every:".count).trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil }
      }
      guard block == "model:" else { continue }
      if text.hasPrefix("depth:") {
        depth = Int(text.dropFirst("depth:".count).trimmingCharacters(in: .whitespaces))
      } else if text.hasPrefix("widths:") {
        let value = text.dropFirst("widths:".count).trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("["), value.hasSuffix("]") {
          let inside = value.dropFirst().dropLast()
          widths = inside.allSatisfy({ $0 == " " }) ? 0 : inside.split(separator: ",").count
        }
      }
    }
    if let widths, widths > 0 { return (widths, every) }
    return (depth.flatMap { $0 >= 1 ? $0 : nil }, every)
  }

  /// Refuses a log larger than the run can have written (see above), before reading
  /// it: `rowsPerStep` is 1 for metrics.csv, L+1 for layers.csv (nil: not bounded).
  func checkSize(of url: URL, rowsPerStep: Int?) throws {
    guard let T = lastStep, let E = logEvery, let perStep = rowsPerStep,
      let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int
    else { return }
    let steps = (E > 0 ? T / E + 1 : 1) + 2
    let (rows, o1) = steps.multipliedReportingOverflow(by: perStep)
    let (bytes, o2) = rows.multipliedReportingOverflow(by: Self.maxBytesPerRow)
    guard !o1, !o2, size > bytes + Self.maxBytesPerRow else { return }
    throw ResultsError.damaged(
      path: url.path, line: nil,
      problem: "the file is \(size) bytes, more than a run of \(T) steps logged every \(E) can write (at most \(rows) rows of \(Self.maxBytesPerRow) bytes); it was not read",
      fix: ResultsError.rerunFix)
  }

  /// The allowed layers of a file with `rowCount` rows, and why.
  func layerRange(rowCount: Int) -> (range: ClosedRange<Int>, why: String) {
    let fromFile = max(rowCount, 1)
    if let L = hiddenLayers, L + 1 <= fromFile {
      return (1 ... L + 1, "config.yaml's model has \(L) hidden layer\(L == 1 ? "" : "s"), so layers are 1…\(L + 1) (the output layer is \(L + 1))")
    }
    let source =
      hiddenLayers.map { "config.yaml declares \($0) hidden layers, but " } ?? "config.yaml gives no depth, and "
    return (
      1 ... fromFile,
      source + "the file lists every layer at each logged step in \(rowCount) row\(rowCount == 1 ? "" : "s"), so no layer exceeds \(fromFile)"
    )
  }

  /// The allowed steps, and why.
  var stepRange: (range: ClosedRange<Int>, why: String) {
    guard let T = lastStep else { return (0 ... Int.max, "steps are whole numbers ≥ 0") }
    return (0 ... T, "status.json says the run ended at step \(T), so steps are 0…\(T)")
  }

  /// A column of whole numbers in `range`, as Ints; the first value that is empty, not a
  /// whole number or out of range is `ResultsError.damaged` at its line.
  static func integers(
    _ column: [Double?], named name: String, lines: [Int], path: String, range: ClosedRange<Int>, why: String
  ) throws -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(column.count)
    for (row, value) in column.enumerated() {
      let line = row < lines.count ? lines[row] : row + 2
      guard let value else {
        throw ResultsError.damaged(path: path, line: line, problem: "\(name) is empty", fix: ResultsError.rerunFix)
      }
      guard value.isFinite, value.rounded() == value, let integer = Int(exactly: value) else {
        throw ResultsError.damaged(
          path: path, line: line, problem: "\(name) \(text(value)) is not a whole number", fix: ResultsError.rerunFix)
      }
      guard range.contains(integer) else {
        throw ResultsError.damaged(
          path: path, line: line, problem: "\(name) \(integer) is out of range: \(why)", fix: ResultsError.rerunFix)
      }
      out.append(integer)
    }
    return out
  }

  private static func text(_ value: Double) -> String {
    value.isFinite && abs(value) < 1e15 && value.rounded() == value ? String(Int(value)) : "\(value)"
  }
}
