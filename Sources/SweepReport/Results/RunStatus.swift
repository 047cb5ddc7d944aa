import Foundation

/// `runs/<id>/status.json`: how a run ended.
///
/// `{"status": "completed"|"diverged"|"failed"|"interrupted", "steps": N,
///   "diverged_at_step": N|null, "error": str|null, "seconds": x,
///   "final_loss": x, "final_accuracy": x, "final_val_loss": x, "final_val_accuracy": x}`
///
/// The `final_*` fields are optional (older folders lack them); JSON has no NaN, so
/// they may also be `null` or the strings `"nan"`, `"inf"`, `"-inf"`.
public struct RunStatus: Sendable, Equatable, Decodable {
  /// The status word as written; unknown words (e.g. a future `stalled`) are kept.
  public var status: String
  public var steps: Int?
  public var divergedAtStep: Int?
  public var error: String?
  public var seconds: Double?
  public var finalLoss: Double?
  public var finalAccuracy: Double?
  public var finalValLoss: Double?
  public var finalValAccuracy: Double?

  public init(
    status: String, steps: Int? = nil, divergedAtStep: Int? = nil, error: String? = nil,
    seconds: Double? = nil, finalLoss: Double? = nil, finalAccuracy: Double? = nil,
    finalValLoss: Double? = nil, finalValAccuracy: Double? = nil
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
  }

  enum CodingKeys: String, CodingKey {
    case status, steps, error, seconds
    case divergedAtStep = "diverged_at_step"
    case finalLoss = "final_loss", finalAccuracy = "final_accuracy"
    case finalValLoss = "final_val_loss", finalValAccuracy = "final_val_accuracy"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    status = try c.decode(String.self, forKey: .status)
    steps = try c.decodeIfPresent(LooseNumber.self, forKey: .steps)?.value.flatMap(Self.exactInt)
    divergedAtStep = try c.decodeIfPresent(LooseNumber.self, forKey: .divergedAtStep)?.value.flatMap(Self.exactInt)
    error = try c.decodeIfPresent(String.self, forKey: .error)
    seconds = try c.decodeIfPresent(LooseNumber.self, forKey: .seconds)?.value
    finalLoss = try c.decodeIfPresent(LooseNumber.self, forKey: .finalLoss)?.value
    finalAccuracy = try c.decodeIfPresent(LooseNumber.self, forKey: .finalAccuracy)?.value
    finalValLoss = try c.decodeIfPresent(LooseNumber.self, forKey: .finalValLoss)?.value
    finalValAccuracy = try c.decodeIfPresent(LooseNumber.self, forKey: .finalValAccuracy)?.value
  }

  private static func exactInt(_ x: Double) -> Int? {
    x.isFinite ? Int(exactly: x.rounded()) : nil
  }

  /// Reads `status.json`; nil when the file does not exist (the run has not finished).
  public static func read(from url: URL) throws -> RunStatus? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      return try JSONDecoder().decode(RunStatus.self, from: Data(contentsOf: url))
    } catch {
      throw ReportError.unreadable(path: url.path, reason: String(describing: error))
    }
  }

  /// The training produced results worth averaging: anything but `failed` and
  /// `interrupted` (a `diverged` run is a result — its non-finite numbers are skipped
  /// where averaged and it is counted in the "diverged" column).
  public var isResult: Bool { RunStatus.isResult(status) }

  public static func isResult(_ status: String) -> Bool {
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
