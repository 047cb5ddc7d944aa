/// A plan, network or data set the engine cannot train, with a message for the user
/// (e.g. "loss 'binary_cross_entropy' needs a 'sigmoid' output head, not 'softmax'").
///
/// Thrown before anything is allocated or trained; divergence is not an error but a
/// `TrainingOutcome`.
package struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  package var message: String
  package init(_ message: String) { self.message = message }
  package var description: String { message }
}
