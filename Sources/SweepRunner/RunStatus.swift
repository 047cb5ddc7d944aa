import Foundation

/// The content of `runs/<id>/status.json`: how a run ended, and its final numbers so
/// that the summary needs no second pass over the logs.
public struct RunStatus: Codable, Sendable, Equatable {
  public enum State: String, Codable, Sendable {
    /// Trained for all its steps.
    case completed
    /// Loss or gradients became NaN/Inf; a result, not an error.
    case diverged
    /// Threw (I/O error, incompatible data, ...): redo with `--resume --retry-failed`.
    case failed
    /// Stopped by Ctrl-C before the end: redone by `--resume`.
    case interrupted
  }

  public var status: State
  public var steps: Int
  public var divergedAtStep: Int?
  public var error: String?
  public var seconds: Double
  public var finalLoss: Double?
  public var finalAccuracy: Double?
  public var finalValLoss: Double?
  public var finalValAccuracy: Double?

  public init(
    status: State, steps: Int, divergedAtStep: Int? = nil, error: String? = nil, seconds: Double,
    finalLoss: Double? = nil, finalAccuracy: Double? = nil, finalValLoss: Double? = nil,
    finalValAccuracy: Double? = nil
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
    case finalLoss = "final_loss"
    case finalAccuracy = "final_accuracy"
    case finalValLoss = "final_val_loss"
    case finalValAccuracy = "final_val_accuracy"
  }

  /// JSON keeps nulls explicit (`"diverged_at_step": null`) so readers see every key;
  /// non-finite numbers, which JSON cannot spell, become null.
  public func encode(to encoder: Encoder) throws {
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
  }

  private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }

  public static func read(from url: URL) throws -> RunStatus {
    try JSONDecoder().decode(RunStatus.self, from: Data(contentsOf: url))
  }

  /// A finished result that `--resume` keeps: completed and diverged runs are
  /// results; failed ones only with `--retry-failed` off.
  public var isResult: Bool { status == .completed || status == .diverged }
}
