import ArgumentParser
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
