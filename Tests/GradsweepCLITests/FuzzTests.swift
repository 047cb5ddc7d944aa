import Dispatch
import Foundation
import SweepSpec
import Synchronization
import Testing

@testable import GradsweepCLI

/// Bad input, measured: mutants of the shipped sweep files fed through validation and
/// planning. A valid mutant must plan; an invalid one must throw `SweepDiagnostics`
/// whose every message is located (`file:line:col:`); nothing may crash. A sample also
/// goes through the real executable, which must exit 2 with a located message and
/// write nothing.
@Suite("Fuzzing sweep files", .serialized)
struct FuzzTests {
  static let mutantCount = 10_000
  static let executableSample = 200

  /// The shipped configs, plus inline sweeps using the sweep forms the configs may not
  /// (zip, random, exclude, include, widths), so mutations reach every part of the parser.
  static func seeds() throws -> [(name: String, bytes: [UInt8])] {
    let configs = CommandHarness.packageRoot.appendingPathComponent("configs")
    let files = try FileManager.default.contentsOfDirectory(atPath: configs.path)
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    var seeds = try files.map { ($0, Array(try Data(contentsOf: configs.appendingPathComponent($0)))) }
    seeds.append(("inline-forms.yaml", Array("""
      name: forms
      description: every sweep form
      seed: 3
      replicates: 2
      data: {name: moons, samples: 300, noise: 0.1, validation: 0.2}
      model:
        widths: [16, 8]
        activation: leaky_relu
        initializer: he_normal
      training: {optimizer: adam, learning_rate: 0.001, batch_size: 16, steps: 50}
      log: {every: 5, validate: true}
      sweep:
        zip:
          model.activation: [relu, tanh]
          model.initializer: [he_normal, xavier_normal]
        random:
          samples: 3
          training.learning_rate: {log_uniform: [1.0e-4, 1.0e-1]}
        exclude:
          - {model.activation: tanh}
        include:
          - {model.activation: sigmoid, model.initializer: standard}
      report: {panels: model.activation}

      """.utf8)))
    #expect(!files.isEmpty, "configs/*.yaml should exist")
    return seeds
  }

  /// Mutant `index`: a seed file with 1–3 mutations, reproducible from the index alone.
  static func mutant(_ index: Int, seeds: [(name: String, bytes: [UInt8])]) -> (bytes: [UInt8], kinds: [SweepMutator.Kind], seed: String) {
    var rng = SplitMix64(seed: 0x5EED_0000 &+ UInt64(index))
    let seed = seeds[rng.below(seeds.count)]
    let (bytes, kinds) = SweepMutator.mutate(seed.bytes, mutations: 1 + rng.below(3), rng: &rng)
    return (bytes, kinds, seed.name)
  }

  enum Verdict: Equatable {
    case valid(runs: Int)
    case invalid
    case broken(String)
  }

  /// Loads (and for a valid one, plans in the `format`-th format) a mutant in-process.
  static func check(_ bytes: [UInt8], path: String, scratch: URL, format: Int) -> Verdict {
    do {
      let plan: SweepPlan
      if let text = String(validating: bytes, as: UTF8.self) {
        plan = try SweepLoader.load(text: text, path: path)
      } else {
        // Not UTF-8: only the file path can say so (with the position of the bad byte).
        let file = scratch.appendingPathComponent("\(UUID().uuidString)-" + URL(fileURLWithPath: path).lastPathComponent)
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        plan = try SweepLoader.load(path: file.path)
        return .broken("loaded a file that is not UTF-8 (\(plan.runs.count) runs)")
      }
      _ = renderPlan(plan, format: PlanFormat.allCases[format % PlanFormat.allCases.count])
      return .valid(runs: plan.runs.count)
    } catch let diagnostics as SweepDiagnostics {
      if diagnostics.errors.isEmpty { return .broken("threw diagnostics without an error") }
      for d in diagnostics.diagnostics {
        let prefix = "\(d.file):\(d.line):\(d.column): "
        if d.line < 1 || d.column < 1 || !d.description.hasPrefix(prefix) {
          return .broken("unlocated message: \(d.description)")
        }
      }
      return .invalid
    } catch {
      return .broken("threw \(type(of: error)): \(error)")
    }
  }

  /// What a batch of mutants came to; merged across worker threads.
  struct Tally: Sendable {
    var valid = 0, invalid = 0, runs = 0
    var broken: [String] = []
    var kinds: [String: Int] = [:]
    mutating func merge(_ other: Tally) {
      valid += other.valid
      invalid += other.invalid
      runs += other.runs
      broken += other.broken
      kinds.merge(other.kinds, uniquingKeysWith: +)
    }
  }

  /// Splits 0..<count over the cores; each worker checks its own indices.
  static func inParallel(_ count: Int, _ body: @Sendable (Range<Int>) throws -> Tally) throws -> Tally {
    let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
    let total = Mutex(Tally())
    let failure = Mutex<Error?>(nil)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let range = (count * worker / workers)..<(count * (worker + 1) / workers)
      do {
        let tally = try body(range)
        total.withLock { $0.merge(tally) }
      } catch {
        failure.withLock { $0 = error }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return total.withLock { $0 }
  }

  @Test func tenThousandMutantsValidateAndPlanWithoutCrashingAndEveryErrorIsLocated() throws {
    let seeds = try Self.seeds()
    let scratch = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let clock = ContinuousClock()
    let started = clock.now
    let tally = try Self.inParallel(Self.mutantCount) { indices in
      var tally = Tally()
      for index in indices {
        let (bytes, kinds, seed) = Self.mutant(index, seeds: seeds)
        for kind in kinds { tally.kinds[kind.rawValue, default: 0] += 1 }
        switch Self.check(bytes, path: "mutant-\(index).yaml", scratch: scratch, format: index) {
        case .valid(let n):
          tally.valid += 1
          tally.runs += n
        case .invalid:
          tally.invalid += 1
        case .broken(let why):
          tally.broken.append(
            "mutant \(index) (from \(seed), \(kinds.map(\.rawValue))): \(why)\n---\n\(String(decoding: bytes, as: UTF8.self))\n---")
        }
      }
      return tally
    }
    let elapsed = clock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print(
      "fuzz: \(Self.mutantCount) mutants of \(seeds.count) sweep files: \(tally.valid) valid (\(tally.runs) runs planned), "
        + "\(tally.invalid) invalid, \(tally.broken.count) broken, in \(String(format: "%.1f", seconds)) s; mutations: "
        + tally.kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    #expect(tally.broken.isEmpty, "\(tally.broken.count) mutants broke the contract; the first:\n\(tally.broken.sorted().prefix(5).joined(separator: "\n"))")
    #expect(tally.valid + tally.invalid + tally.broken.count == Self.mutantCount)
    #expect(tally.invalid > Self.mutantCount / 4 && tally.valid > 100, "the mutants should exercise both outcomes")
    #expect(tally.kinds.count == SweepMutator.Kind.allCases.count)
  }

  @Test func theExecutableRefusesInvalidMutantsWithALocatedMessageAndWritesNothing() throws {
    let seeds = try Self.seeds()
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let scratch = dir.appendingPathComponent("scratch")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    // The sample: the first `executableSample` invalid mutants, and one valid mutant in
    // ten among those indices (planned only: running a valid one would train).
    var sample: [(index: Int, valid: Bool)] = []
    var invalidCount = 0
    var index = 0
    while invalidCount < Self.executableSample, index < Self.mutantCount {
      defer { index += 1 }
      let (bytes, _, _) = Self.mutant(index, seeds: seeds)
      if case .valid = Self.check(bytes, path: "m.yaml", scratch: scratch, format: 0) {
        if index % 10 == 0 { sample.append((index, true)) }
      } else {
        sample.append((index, false))
        invalidCount += 1
      }
    }
    let chosen = sample
    let tally = try Self.inParallel(chosen.count) { positions in
      var tally = Tally()
      for position in positions {
        let (index, valid) = chosen[position]
        let (bytes, _, _) = Self.mutant(index, seeds: seeds)
        let name = "mutant-\(index).yaml"
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let plan = try CommandHarness.run(["plan", name], in: dir)
        if valid {
          tally.valid += 1
          if plan.status != 0 { tally.broken.append("\(name): valid in-process but `plan` exited \(plan.status): \(plan.stderr)") }
          continue
        }
        tally.invalid += 1
        let out = dir.appendingPathComponent("out-\(index)")
        let run = try CommandHarness.run(["run", name, "--out", out.lastPathComponent, "--quiet"], in: dir)
        for (command, result) in [("plan", plan), ("run", run)] {
          if result.status != 2 { tally.broken.append("\(name): `\(command)` exited \(result.status)") }
          if let why = Self.unlocated(result.stderr, file: name) { tally.broken.append("\(name): `\(command)`: \(why)") }
        }
        if FileManager.default.fileExists(atPath: out.path) { tally.broken.append("\(name): `run` created \(out.lastPathComponent)") }
      }
      return tally
    }
    print("fuzz (executable): \(tally.invalid) invalid mutants through `plan` and `run`, \(tally.valid) valid ones through `plan`")
    #expect(tally.invalid == Self.executableSample)
    #expect(tally.broken.isEmpty, "\(tally.broken.count) problems; the first:\n\(tally.broken.sorted().prefix(5).joined(separator: "\n"))")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "scratch" }
    #expect(left.isEmpty, "nothing written: \(left)")
  }

  /// Why stderr is not a list of located errors: nil when every `error:` line starts
  /// with `file:line:col: error: ` and there is at least one.
  static func unlocated(_ stderr: String, file: String) -> String? {
    let errorLines = stderr.split(separator: "\n").filter { $0.contains(": error: ") || $0.hasPrefix("error: ") }
    guard !errorLines.isEmpty else { return "no error message: \(stderr.prefix(300))" }
    let located = #/^(.+):(\d+):(\d+): error: /#
    for line in errorLines {
      guard let match = line.firstMatch(of: located), match.output.1.hasSuffix(file),
        Int(match.output.2)! >= 1, Int(match.output.3)! >= 1
      else {
        // A quoted source line may itself contain ": error: "; only count lines that
        // are not the echo of the file.
        if !line.hasPrefix(file) && !line.hasPrefix("error: ") { continue }
        return "unlocated message: \(line.prefix(300))"
      }
    }
    return nil
  }
}
