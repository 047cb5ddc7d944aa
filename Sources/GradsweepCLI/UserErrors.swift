import Foundation
import GradKernels
import UserFacing

/// The kernel family this process trains with (`GRADSWEEP_ISA`, or the widest the CPU
/// runs), checked before a command trains: an unknown name, or a family this CPU cannot
/// run, is an invalid input (exit 2) instead of a stop inside the engine.
@discardableResult
func requireKernelFamily() throws -> KernelFamily {
  let requested = ProcessInfo.processInfo.environment[KernelFamily.environmentVariable]
  switch KernelFamily.choose(requested: requested) {
  case .success(let family): return family
  case .failure(let error): throw CommandFailure(.invalidInput, "error: \(error.description)")
  }
}
