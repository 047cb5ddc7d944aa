import Foundation
import TidyCSV
import Testing

/// Hydra-style overrides on the command line (issue 20): the sweep file's dotted paths,
/// the same located validation, and a results folder whose sweep.yaml reproduces them.
@Suite("Command-line overrides")
struct OverrideTests {
  static let sweep = """
    name: over
    seed: 1
    data: {name: moons, samples: 100}
    model: {width: 4, depth: 2, activation: relu}
    training: {epochs: 1}
    sweep:
      grid:
        model.depth: [1, 2, 3]
    report:
      lines: model.depth

    """

  @Test func overridesSetFieldsMakeAxesAndReplaceAxes() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(Self.sweep, in: dir)
    // A plain value replaces the depth axis; a comma list makes a new axis.
    let plan = try CommandHarness.run(
      ["plan", "sweep.yaml", "--format", "csv", "model.depth=5", "model.activation=tanh,sigmoid", "seed=7"], in: dir)
    #expect(plan.status == 0, "\(plan.stderr)")
    let rows = plan.stdout.split(separator: "\n").map(String.init)
    #expect(rows.first == "run_id,model.activation,seed")
    #expect(rows.count == 3 && rows[1].hasPrefix("tanh-s7-") && rows[2].hasPrefix("sigmoid-s7-"), "\(rows)")
    // Brackets make an axis too; validate takes overrides.
    let validate = try CommandHarness.run(["validate", "sweep.yaml", "model.width=[4, 8]"], in: dir)
    #expect(validate.status == 0 && validate.stdout.contains("6 runs over 2 axes (model.depth, model.width)"), "\(validate.stdout)")
    // model.widths is list-valued: [a, b] is one value, [[…], […]] an axis.
    let widths = try CommandHarness.run(["plan", "sweep.yaml", "--format", "csv", "model.widths=[[8, 4], [6]]"], in: dir)
    #expect(widths.status == 0 && widths.stdout.split(separator: "\n").count == 7, "\(widths.stdout)\(widths.stderr)")
  }

  @Test func aBadOverrideIsLocatedAtItsArgument() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(Self.sweep, in: dir)
    for command in ["validate", "plan", "run"] {
      let result = try CommandHarness.run([command, "sweep.yaml", "model.width=abc", "model.activaton=relu", "nonsense"], in: dir)
      #expect(result.status == 2, "\(command)")
      #expect(result.stderr.contains("command line:1:13: error: model.width must be an integer, got 'abc'\nmodel.width=abc\n            ^"), "\(command): \(result.stderr)")
      #expect(result.stderr.contains("command line:2:7: error: unknown key 'activaton' in model (did you mean 'activation'?)"), "\(result.stderr)")
      // validate takes several files: an argument without '=' is a file there.
      let third = command == "validate" ? "nonsense: error: cannot read 'nonsense': no such file" : "command line:3:1: error: a command-line override is path=value, got 'nonsense'"
      #expect(result.stderr.contains(third), "\(command): \(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
  }

  @Test func anOverrideOfAZippedOrRandomAxisIsRefusedNotIgnored() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(
      """
      name: zipped
      data: {name: moons, samples: 100}
      model: {width: 4, depth: 2}
      training: {epochs: 1}
      sweep:
        zip:
          model.width: [4, 8]
          model.depth: [1, 2]
        random:
          samples: 2
          axes:
            training.learning_rate: [0.1, 0.01]

      """, in: dir)
    let zipped = try CommandHarness.run(["plan", "sweep.yaml", "model.width=20"], in: dir)
    #expect(zipped.status == 2)
    #expect(zipped.stderr.contains("command line:1:1: error: model.width is swept by sweep.zip in this file"), "\(zipped.stderr)")
    let drawn = try CommandHarness.run(["validate", "sweep.yaml", "training.learning_rate=0.5"], in: dir)
    #expect(drawn.status == 2 && drawn.stderr.contains("is swept by sweep.random"), "\(drawn.stderr)")
    // A field the file does not sweep is still set.
    #expect(try CommandHarness.run(["plan", "sweep.yaml", "model.activation=tanh"], in: dir).status == 0)
  }

  @Test func theResultsFolderRecordsTheOverriddenSweepForResumeAndRerun() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try CommandHarness.writeSweep(Self.sweep, in: dir)
    let overrides = ["model.depth=2", "model.activation=tanh,relu"]
    #expect(try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "-q"] + overrides, in: dir).status == 0)
    let copy = try String(contentsOf: dir.appendingPathComponent("out/over/sweep.yaml"), encoding: .utf8)
    #expect(copy.contains("#   model.activation=tanh,relu"), "\(copy)")
    // --resume with the same overrides keeps both runs; the recorded sweep alone plans the same ids.
    let resumed = try CommandHarness.run(["run", "sweep.yaml", "-o", "out", "--resume"] + overrides, in: dir)
    #expect(resumed.status == 0 && resumed.stdout.contains("2 kept from before"), "\(resumed.stdout)")
    let ids = try Set(CSVTable(contentsOf: dir.appendingPathComponent("out/over/summary.csv")).column("run_id"))
    let replanned = try CommandHarness.run(["plan", "out/over/sweep.yaml", "--format", "csv"], in: dir)
    #expect(Set(replanned.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }) == ids)
  }
}
