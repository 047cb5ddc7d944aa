import UserFacing

/// A results folder that is not gradsweep's, or whose files are missing or damaged, or
/// cannot be written: nothing more is done (`report`, `status`, `rerun` exit 2).
extension ResultsError: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
}
