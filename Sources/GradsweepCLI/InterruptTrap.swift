import Dispatch
import Foundation
import SweepRunner
import UserFacing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a polite stop: no new runs start,
/// running ones end after their current step and are saved as `interrupted`, the
/// summary is written and the report left to `gradsweep report` (Slurm allows 30 s
/// between SIGTERM and SIGKILL). The command then exits 130 (SIGINT) or 143 (SIGTERM);
/// a second signal exits at once with that status.
enum InterruptTrap {
  /// Installs the handlers; keep the returned sources alive for the sweep's duration.
  static func install(_ stop: StopFlag, quiet: Bool) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        if stop.isSet { _exit(ExitStatus.afterSignal(number).rawValue) }
        stop.set(by: number)
        if !quiet {
          printError("\ninterrupted: finishing the current step of running runs and saving them; press Ctrl-C again to quit at once")
        }
      }
      source.resume()
      return source
    }
  }
}
