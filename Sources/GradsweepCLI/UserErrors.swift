import ArgumentParser
import Foundation
import GradKernels
import SweepResults
import SweepRunner

/// Runs `body`; an error that describes something the user can fix — a folder that is
/// not a results folder, a sweep the scheduler refuses, data it cannot read, a Slurm
/// setting — is printed as it describes itself and the command exits 2, the status of
/// invalid input (no stack trace, no usage text). Any other error passes through.
func exitingOnUserError<Result>(_ body: () throws -> Result) throws -> Result {
  do {
    return try body()
  } catch let error as ResultsError {
    printError(error.description)
  } catch let error as SchedulerError {
    printError(error.description)
  } catch let error as DataCatalogError {
    printError(error.description)
  } catch let error as SlurmScriptError {
    printError(error.description)
  }
  throw ExitCode(2)
}

/// The kernel family this process trains with (`GRADSWEEP_ISA`, or the widest the CPU
/// runs), checked before a command trains: an unknown name, or a family this CPU cannot
/// run, is printed and the command exits 2 instead of stopping inside the engine.
@discardableResult
func requireKernelFamily() throws -> KernelFamily {
  let requested = ProcessInfo.processInfo.environment[KernelFamily.environmentVariable]
  switch KernelFamily.choose(requested: requested) {
  case .success(let family): return family
  case .failure(let error):
    printError("error: \(error.description)")
    throw ExitCode(2)
  }
}
