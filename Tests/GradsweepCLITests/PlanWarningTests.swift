import Foundation
import Testing

/// Non-fatal findings of the sweep file (an exclude entry that matches no run) are
/// printed, located, by every command that loads a sweep — and the command goes on.
@Suite struct PlanWarningTests {
  @Test func validatePlanAndRunPrintAnUnusedExclude() throws {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try CommandHarness.writeSweep(
      """
      name: warned
      data: {name: spirals, samples: 64}
      model: {width: 4, depth: 1}
      training: {steps: 2, batch_size: 16}
      sweep:
        grid:
          model.activation: [tanh, relu]
        exclude:
          - {model.activation: sigmoid}
      """, in: folder)
    let warning = "sweep.yaml:9:7: warning: this exclude entry matches no run"
    for arguments in [["validate", "sweep.yaml"], ["plan", "sweep.yaml"], ["run", "sweep.yaml", "-o", "out", "-q"]] {
      let result = try CommandHarness.run(arguments, in: folder)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(result.stderr.components(separatedBy: warning).count == 2, "\(arguments): \(result.stderr)")
    }
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/warned/manifest.json").path))
  }
}
