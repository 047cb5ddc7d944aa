import UserFacing

/// A `data:` section or data file that cannot be used. The scheduler reports these
/// located in the sweep file (`DataCatalogError`); one that reaches the user directly
/// is labelled `error: data.path: …`.
extension DataProblem: UserFacingError {
  public var exitStatus: ExitStatus { .invalidInput }
  public var userMessage: String { "error: \(description)" }
}
