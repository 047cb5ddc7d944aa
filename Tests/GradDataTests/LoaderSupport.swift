import Foundation
import GradEngine
@testable import GradData

func spec(_ name: DataSourceKind, _ configure: (inout DataSpec) -> Void = { _ in }) -> DataSpec {
  var s = DataSpec()
  s.name = name
  configure(&s)
  return s
}

func load(_ s: DataSpec, seed: UInt64 = 1, base: URL = URL(fileURLWithPath: "/")) throws -> DataSplit {
  try DataLoader.load(s, baseDirectory: base, defaultSeed: seed)
}

/// The problem `body` throws, or nil when it throws none or another error.
func problem(_ body: () throws -> Void) -> DataProblem? {
  do {
    try body()
    return nil
  } catch let p as DataProblem {
    return p
  } catch {
    return nil
  }
}

/// All rows of the splits stacked back together, in split order (train, validation, test).
func allRows(_ split: DataSplit) -> [Dataset] {
  [split.train] + [split.validation, split.test].compactMap { $0 }
}
