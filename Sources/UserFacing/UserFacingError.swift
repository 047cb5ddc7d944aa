/// An error the user can act on, printed as it describes itself and ending the command
/// with a named status, in the style of ArgumentParser's `ExitCode` and its
/// `MessageInfo.other(message:exitCode:)`: the scheduler's, the results folder's, the
/// data's, Slurm's and the sweep file's errors conform, and the command line has one
/// `catch` that prints `userMessage` and exits with `exitStatus`.
///
/// `userMessage` is the whole message, each problem labelled the way a compiler labels
/// it — `error: …`, or `file:line:col: error: …` where one place is at fault — with
/// what to do about it; it may span lines (one problem a line, or a located problem
/// with its source line and caret). It is empty when the command has already printed
/// everything and only the status remains to be given.
package protocol UserFacingError: Error, CustomStringConvertible {
  /// The status the command exits with.
  var exitStatus: ExitStatus { get }
  /// The message as printed; by default `description`, for errors whose description
  /// already carries its labels.
  var userMessage: String { get }
}

extension UserFacingError {
  package var userMessage: String { description }
}
