/// A plan, network or data set the engine cannot train, with a message for the user
/// (e.g. "loss 'binary_cross_entropy' needs a 'sigmoid' output head, not 'softmax'").
///
/// Thrown before anything is allocated or trained; divergence is not an error but a
/// `TrainingOutcome`.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
