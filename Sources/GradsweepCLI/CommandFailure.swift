import UserFacing

/// A command's own failure, for what no module's error says: the message (labelled
/// `error: …`, or empty when the command has printed everything already) and the status.
struct CommandFailure: UserFacingError {
  var exitStatus: ExitStatus
  var description: String

  init(_ exitStatus: ExitStatus, _ message: String) {
    self.exitStatus = exitStatus
    description = message
  }

  /// Exits with `status`, printing nothing more.
  static func silent(_ status: ExitStatus) -> CommandFailure { CommandFailure(status, "") }
}
