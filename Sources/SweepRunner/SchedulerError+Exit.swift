import UserFacing

/// A sweep the scheduler refuses to start (results exist, a folder that is not
/// gradsweep's or is locked or not writable, an invalid shard, a model too large): nothing
/// was trained. A folder that stops accepting writes during a sweep is not thrown but
/// reported in `SweepOutcome.outputError`, and the sweep exits with `.failure`.
extension SchedulerError: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
}

/// Data that cannot be built (a missing or unreadable file, a format error), located in
/// the sweep file: nothing was trained.
extension DataCatalogError: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
}

/// Settings that a Slurm script cannot hold: nothing was written.
extension SlurmScriptError: UserFacingError {
  package var exitStatus: ExitStatus { .invalidInput }
}

extension SweepOutcome {
  /// `.interrupted` (130) after Ctrl-C, `.terminated` (143) after SIGTERM, `.failure`
  /// when any run failed or could not be saved, else `.success` (diverged and stalled
  /// runs are results).
  package var exitStatus: ExitStatus {
    if interrupted { return .afterSignal(signal ?? 2) }
    return failed > 0 || outputError != nil ? .failure : .success
  }
}
