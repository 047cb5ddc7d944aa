import Foundation
import Testing

@testable import SweepSpec

/// Loads a sweep from text as if it were the file `x.yaml`.
func plan(_ text: String, path: String = "x.yaml", checkingDataFiles: Bool = true) throws -> SweepPlan {
  try SweepLoader.load(text: text, path: path, checkingDataFiles: checkingDataFiles)
}

/// The diagnostics a sweep text produces (empty when it loads).
func problems(_ text: String, path: String = "x.yaml") -> [Diagnostic] {
  do {
    _ = try SweepLoader.load(text: text, path: path)
    return []
  } catch let error as SweepDiagnostics {
    return error.diagnostics
  } catch {
    Issue.record("unexpected error type: \(error)")
    return []
  }
}

/// `line:column: message` of each error, the compact form the tests compare.
func errorLines(_ text: String) -> [String] {
  problems(text).filter { $0.severity == .error }.map { "\($0.line):\($0.column): \($0.message)" }
}

/// The single error of `text`, as `line:column: message`.
func singleError(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
  let lines = errorLines(text)
  #expect(lines.count == 1, "expected one error, got \(lines)", sourceLocation: sourceLocation)
  return lines.first
}

/// A scratch directory removed when the test ends.
struct ScratchDirectory: ~Copyable {
  let path: String
  init() throws {
    path = NSTemporaryDirectory() + "sweepspec-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}
