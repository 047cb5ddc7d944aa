/// The status gradsweep exits with: one named constant per number it returns, in the
/// style of ArgumentParser's `ExitCode` (`success`, `failure`, `validationFailure`).
/// Scripts and Slurm read these numbers, so they never change; the README's
/// "Exit status" table lists `ExitStatus.documented`, and a test checks that the two
/// agree.
///
/// The numbers follow the shell's and BSD's conventions: 0 success, 1 a failure of the
/// work itself, 2 input that cannot be used (as `grep`, `diff` and compilers exit), 64
/// a command line that does not parse (`EX_USAGE` in sysexits.h, ArgumentParser's
/// `ExitCode.validationFailure`), 128 + N after signal N.
package struct ExitStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  package var rawValue: Int32

  package init(rawValue: Int32) { self.rawValue = rawValue }

  /// Everything asked was done (a diverged or stalled run is a result, not a failure).
  package static let success = ExitStatus(rawValue: 0)
  /// The work ran but did not all succeed: a run failed, results could not be saved,
  /// runs remain (`status --exit-code`), logs differ (`rerun`), Slurm refused a job.
  package static let failure = ExitStatus(rawValue: 1)
  /// An input cannot be used — a sweep or data file, a results folder, a setting; the
  /// message says where and how to fix it.
  package static let invalidInput = ExitStatus(rawValue: 2)
  /// The command line does not parse (ArgumentParser prints the usage).
  package static let usage = ExitStatus(rawValue: 64)
  /// Stopped by SIGINT (Ctrl-C): 128 + 2.
  package static let interrupted = ExitStatus.afterSignal(2)
  /// Stopped by SIGTERM (what Slurm sends before it kills): 128 + 15.
  package static let terminated = ExitStatus.afterSignal(15)

  /// The shell's status after signal `number`: 128 + `number`.
  package static func afterSignal(_ number: Int32) -> ExitStatus { ExitStatus(rawValue: 128 + number) }

  /// Every status gradsweep exits with, with its name and when: the README's table.
  package static let documented: [(status: ExitStatus, name: String, meaning: String)] = [
    (.success, "success", "everything asked was done; diverged and stalled runs are results, not failures"),
    (
      .failure, "failure",
      "the work ran but did not all succeed: a run failed, or the results folder stopped accepting writes (`run`); runs remain for `--resume` (`status --exit-code`); the logs differ (`rerun`); a script could not be written or Slurm refused the job (`slurm`); a claim failed (`scripts/reproduce-all.sh --strict`); an unexpected error (ArgumentParser prints it)"
    ),
    (
      .invalidInput, "invalidInput",
      "an input cannot be used, and the message says where and how to fix it: an invalid sweep file (`validate`, `plan`, `theory`, `run`, `slurm`; nothing is written), a data file that cannot be read, a results folder gradsweep did not make or whose manifest is damaged (`report`, `status`), runs whose files are damaged (`report` leaves them out and writes the report of the others), a model too large for this machine, an unknown `GRADSWEEP_ISA`, a run that cannot be repeated (`rerun`), a file `init` cannot write"
    ),
    (
      .usage, "usage",
      "the command line does not parse: an unknown option, a missing argument, an option out of range (ArgumentParser's `ExitCode.validationFailure`; the usage is printed)"
    ),
    (.interrupted, "interrupted", "stopped by Ctrl-C (SIGINT, 128 + 2); finished runs are kept for `--resume`"),
    (.terminated, "terminated", "stopped by SIGTERM (128 + 15, what Slurm sends 30 s before it kills); finished runs are kept for `--resume`"),
  ]

  package var description: String { String(rawValue) }
}
