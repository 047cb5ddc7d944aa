import UserFacing

/// A `data:` section or data file that cannot be used. The scheduler reports these
/// located in the sweep file (`DataCatalogError`); one that reaches the user directly
/// is labelled `error: data.path: …`.
extension DataProblem: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
  package var userMessage: String { "error: \(description)" }
}
