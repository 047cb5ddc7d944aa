import Foundation
import GradEngine
import Testing

@testable import SweepSpec

/// Bad input never crashes the loader: every mutated file either loads or fails with
/// diagnostics that each carry a message (and, when they concern a place, a real line).
@Suite struct RobustnessTests {
  static let seedFiles = [
    issueExample,
    """
    name: mixed
    replicates: 2
    data: {name: teacher, features: 8, task: regression, outputs: 2}
    model: {widths: [16, 8], activation: tanh, output: linear}
    training: {optimizer: adam, learning_rate: 0.001, steps: 100, clip_grad_norm: 1.0}
    sweep:
      zip:
        model.activation: [tanh, relu]
        model.initializer: [xavier_normal, he_normal]
      random:
        samples: 4
        seed: 3
        axes:
          training.learning_rate: {log_uniform: [1e-4, 1e-1]}
          data.noise: {uniform: [0, 0.5]}
          model.init_gain: [0.5, 1, 2]
      exclude:
        - {model.activation: relu, model.initializer: he_normal, model.init_gain: 2}
      include:
        - {model.activation: selu, model.initializer: lecun_normal}
    report: {panels: model.activation, charts: [loss, gradients]}
    reference:
      source: somebody
      claims:
        - {claim: x, metric: final_loss, runs: {model.activation: tanh}, at_most: 2}
    """,
  ]

  static let junk = [
    "", "~", "null", "[", "]", "{", "}", ":", "- ", "&a", "*a", "!!int", "'", "\"", "#", "|",
    "-1", "0", "1e400", "99999999999999999999999", ".nan", "-.inf", "0x7f", "true", "é", "😀",
    "\u{0}", "\u{7}", "\t", "model.depth", "[1, 2", "{a: 1}", "[[[]]]", "? x", "%YAML 1.2", "---", "...",
  ]

  /// A deterministic mutation of `text` (Xoshiro256 seeded by `seed`).
  static func mutate(_ text: String, seed: UInt64) -> String {
    var rng = Xoshiro256(seed: seed)
    var lines = text.components(separatedBy: "\n")
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
    for _ in 0...pick(3) {
      guard !lines.isEmpty else { break }
      let i = pick(lines.count)
      switch pick(8) {
      case 0: lines.remove(at: i)
      case 1: lines.insert(lines[i], at: i)
      case 2: lines.swapAt(i, pick(lines.count))
      case 3:  // replace the value after a colon
        if let colon = lines[i].firstIndex(of: ":") {
          lines[i] = String(lines[i][...colon]) + " " + junk[pick(junk.count)]
        }
      case 4:  // insert junk at a random position
        var scalars = Array(lines[i].unicodeScalars)
        scalars.insert(contentsOf: junk[pick(junk.count)].unicodeScalars, at: pick(scalars.count + 1))
        lines[i] = String(String.UnicodeScalarView(scalars))
      case 5: lines[i] = String(repeating: " ", count: pick(6)) + lines[i].drop { $0 == " " }
      case 6:  // swap two numbers' digits or values
        lines[i] = lines[i].replacingOccurrences(of: "1", with: junk[pick(junk.count)])
      default:
        lines[i] = String(lines[i].unicodeScalars.map { _ in Character(UnicodeScalar(UInt8(32 + pick(95)))) })
      }
    }
    return lines.joined(separator: "\n")
  }

  @Test(arguments: 0..<2)
  func mutatedFilesNeverCrash(file: Int) throws {
    let lines = Self.seedFiles[file].components(separatedBy: "\n").count
    var loaded = 0
    var refused = 0
    for seed in 0..<UInt64(ProcessInfo.processInfo.environment["SWEEPSPEC_FUZZ"].flatMap(UInt64.init) ?? 100) {
      let text = Self.mutate(Self.seedFiles[file], seed: seed &+ UInt64(file) << 32)
      do {
        let plan = try SweepLoader.load(text: text, path: "fuzz.yaml")
        loaded += 1
        #expect(!plan.runs.isEmpty)
        #expect(Set(plan.runs.map(\.id)).count == plan.runs.count)
        for run in plan.runs.prefix(3) { #expect(try RunConfig(yaml: run.config.yamlText()) == run.config) }
      } catch let error as SweepDiagnostics {
        refused += 1
        #expect(!error.errors.isEmpty, "seed \(seed): refused without an error")
        for diagnostic in error.diagnostics {
          #expect(!diagnostic.message.isEmpty)
          #expect(diagnostic.line <= lines + 40, "seed \(seed): \(diagnostic)")
        }
      }
    }
    #expect(loaded > 0 && refused > 0)
  }

  @Test func hostileInputs() {
    let inputs = [
      "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n",
      "model: {width: 99999999999, depth: 99999999999}",
      "replicates: 9223372036854775807\nsweep: {include: [{model.depth: 2}, {model.depth: 3}]}",
      "sweep: {random: {samples: 3, axes: {model.depth: {int_uniform: [-9223372036854775808, 9223372036854775807]}}}}",
      "sweep: {random: {samples: 100000, axes: {training.learning_rate: {uniform: [0.1, 0.1]}}}}",
      "sweep: {grid: {model.depth: [1,2,3,4,5,6,7,8,9,10,11], model.width: [1,2,3,4,5,6,7,8,9,10], training.batch_size: [1,2,3,4,5,6,7,8,9,10], training.steps: [1,2,3,4,5,6,7,8,9,10], log.every: [1,2,3,4,5,6,7,8,9,10], training.epochs: [null]}}",
      "\u{FEFF}model: {depth: 2}",
      "model:\r\n  depth: -1\r\n",
      String(repeating: "[", count: 500) + String(repeating: "]", count: 500),
      "name: \"\u{0}\"",
    ]
    for input in inputs {
      do {
        _ = try SweepLoader.load(text: input, path: "hostile.yaml")
      } catch let error as SweepDiagnostics {
        #expect(!error.errors.isEmpty)
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
    #expect(singleError(inputs[5]) == "1:1: the sweep expands to 110,000 runs; gradsweep plans at most 100,000")
    #expect(singleError("model:\r\n  depth: -1\r\n") == "2:10: model.depth must be at least 0, got -1")
    #expect(errorLines(inputs[3]) == ["1:65: int_uniform bounds must be integers within ±2^53, got '-9223372036854775808'"])
  }
}
