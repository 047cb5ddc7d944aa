import UserFacing

/// An invalid sweep file (or override): every problem printed `file:line:col: error: …`
/// with its line and caret; nothing is planned, trained or written.
extension SweepDiagnostics: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
}
