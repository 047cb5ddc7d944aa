import Foundation

/// `runs/<id>/status.json`: how a run ended, and its final numbers so that the
/// summary needs no second pass over the logs.
///
/// `{"status": "completed"|"diverged"|"stalled"|"failed"|"interrupted", "steps": N,
///   "diverged_at_step": N|null, "error": str|null, "seconds": x,
///   "final_loss": x, "final_accuracy": x, "final_val_loss": x, "final_val_accuracy": x,
///   "test_loss": x, "test_accuracy": x}` (test: the held-out test split, evaluated once
///   at the end of a completed or stalled run; null without a test split)
///
/// Written with every key present (nulls explicit; JSON has no NaN, so non-finite
/// numbers are written as null). Read leniently: the `final_*` fields are optional
/// and may also be the strings `"nan"`, `"inf"`, `"-inf"`.
package struct RunStatus: Sendable, Equatable, Codable {
  /// How a run ended. A struct rather than an enum so that a reader keeps a word it
  /// does not know (from a newer gradsweep) instead of failing.
  package struct State: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
  {
    package var rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package init(stringLiteral value: String) { rawValue = value }
    package init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    package func encode(to encoder: any Encoder) throws {
      var c = encoder.singleValueContainer()
      try c.encode(rawValue)
    }
    package var description: String { rawValue }

    /// Trained for all its steps.
    package static let completed: State = "completed"
    /// Loss or gradients became NaN/Inf; a result, not an error.
    package static let diverged: State = "diverged"
    /// The training loss stopped improving (`training.stall`) and the run stopped
    /// early after `steps` updates; a result, not an error (kept by `--resume`).
    package static let stalled: State = "stalled"
    /// Threw (I/O error, incompatible data, ...): redone by `--resume --retry-failed`.
    package static let failed: State = "failed"
    /// Stopped by Ctrl-C before the end: redone by `--resume`.
    package static let interrupted: State = "interrupted"
  }

  package var status: State
  package var steps: Int?
  package var divergedAtStep: Int?
  package var error: String?
  package var seconds: Double?
  package var finalLoss: Double?
  package var finalAccuracy: Double?
  package var finalValLoss: Double?
  package var finalValAccuracy: Double?
  package var testLoss: Double?
  package var testAccuracy: Double?

  package init(
    status: State, steps: Int? = nil, divergedAtStep: Int? = nil, error: String? = nil,
    seconds: Double? = nil, finalLoss: Double? = nil, finalAccuracy: Double? = nil,
    finalValLoss: Double? = nil, finalValAccuracy: Double? = nil, testLoss: Double? = nil,
    testAccuracy: Double? = nil
  ) {
    self.status = status
    self.steps = steps
    self.divergedAtStep = divergedAtStep
    self.error = error
    self.seconds = seconds
    self.finalLoss = finalLoss
    self.finalAccuracy = finalAccuracy
    self.finalValLoss = finalValLoss
    self.finalValAccuracy = finalValAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
  }

  enum CodingKeys: String, CodingKey {
    case status, steps, error, seconds
    case divergedAtStep = "diverged_at_step"
    case finalLoss = "final_loss", finalAccuracy = "final_accuracy"
    case finalValLoss = "final_val_loss", finalValAccuracy = "final_val_accuracy"
    case testLoss = "test_loss", testAccuracy = "test_accuracy"
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    status = try c.decode(State.self, forKey: .status)
    steps = try c.decodeIfPresent(LooseNumber.self, forKey: .steps)?.value.flatMap(Self.exactInt)
    divergedAtStep = try c.decodeIfPresent(LooseNumber.self, forKey: .divergedAtStep)?.value.flatMap(Self.exactInt)
    error = try c.decodeIfPresent(String.self, forKey: .error)
    seconds = try c.decodeIfPresent(LooseNumber.self, forKey: .seconds)?.value
    finalLoss = try c.decodeIfPresent(LooseNumber.self, forKey: .finalLoss)?.value
    finalAccuracy = try c.decodeIfPresent(LooseNumber.self, forKey: .finalAccuracy)?.value
    finalValLoss = try c.decodeIfPresent(LooseNumber.self, forKey: .finalValLoss)?.value
    finalValAccuracy = try c.decodeIfPresent(LooseNumber.self, forKey: .finalValAccuracy)?.value
    testLoss = try c.decodeIfPresent(LooseNumber.self, forKey: .testLoss)?.value
    testAccuracy = try c.decodeIfPresent(LooseNumber.self, forKey: .testAccuracy)?.value
  }

  package func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(status, forKey: .status)
    try c.encode(steps, forKey: .steps)
    try c.encode(divergedAtStep, forKey: .divergedAtStep)
    try c.encode(error, forKey: .error)
    try c.encode(seconds, forKey: .seconds)
    try c.encode(finalLoss.flatMap(Self.finite), forKey: .finalLoss)
    try c.encode(finalAccuracy.flatMap(Self.finite), forKey: .finalAccuracy)
    try c.encode(finalValLoss.flatMap(Self.finite), forKey: .finalValLoss)
    try c.encode(finalValAccuracy.flatMap(Self.finite), forKey: .finalValAccuracy)
    try c.encode(testLoss.flatMap(Self.finite), forKey: .testLoss)
    try c.encode(testAccuracy.flatMap(Self.finite), forKey: .testAccuracy)
  }

  private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

  private static func exactInt(_ x: Double) -> Int? {
    x.isFinite ? Int(exactly: x.rounded()) : nil
  }

  /// Pretty, key-sorted JSON as written to `status.json`.
  package func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }

  /// Reads `status.json`; nil when the file does not exist (the run has not finished).
  /// A file that is not a status (not JSON, no `status`) is `ResultsError.damaged`.
  package static func read(from url: URL) throws -> RunStatus? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    do {
      return try JSONDecoder().decode(RunStatus.self, from: data)
    } catch {
      throw ResultsError.damaged(
        path: url.path, line: nil, problem: JSONProblem.describe(error, data: data), fix: ResultsError.rerunFix)
    }
  }

  /// The training produced results worth averaging: anything but `failed` and
  /// `interrupted` (a `diverged` run is a result — its non-finite numbers are skipped
  /// where averaged and it is counted in the "diverged" column).
  package var isResult: Bool { RunStatus.isResult(status.rawValue) }

  package static func isResult(_ status: String) -> Bool {
    status != "failed" && status != "interrupted"
  }
}

/// A JSON number that may also be spelled as a string ("nan", "inf", "1e-3") or null.
struct LooseNumber: Decodable {
  var value: Double?
  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      value = nil
    } else if let d = try? c.decode(Double.self) {
      value = d
    } else if let s = try? c.decode(String.self) {
      value = s.isEmpty ? nil : (Double(s) ?? Self.special(s))
    } else {
      value = nil
    }
  }

  private static func special(_ s: String) -> Double? {
    switch s.lowercased() {
    case "nan": .nan
    case "inf", "+inf", "infinity": .infinity
    case "-inf", "-infinity": -.infinity
    default: nil
    }
  }
}
