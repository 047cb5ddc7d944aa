import Foundation
import GradKernels
import SweepResults
import Testing

/// The same bits on every CPU, end to end: a small sweep whose layers are wide enough for
/// the AVX-512 family's 16-lane kernels (72 units, batches of 50, m, n, k ≥ 48), logged
/// every step, trained once under every `GRADSWEEP_ISA` this CPU runs. The SHA-256 of each
/// run's metrics.csv and layers.csv (elapsed_s removed) must equal the values committed
/// below, which every family produces (and, before the ziggurat's new draws, the 8-lane
/// kernels before the families existed, main at 541af54, produced the previous values).
@Suite("Kernel families: a logged sweep has the committed bits under every GRADSWEEP_ISA")
struct KernelFamilyGoldenTests {
  static let sweep = """
    name: golden
    seed: 7
    data: {name: spirals, samples: 600, classes: 3, noise: 0.2, validation: 0.25}
    model: {width: 72, depth: 3, activation: tanh, initializer: xavier_normal}
    training: {optimizer: sgd, learning_rate: 0.05, batch_size: 50, epochs: 3}
    log: {every: 1}
    sweep:
      grid:
        model.activation: [tanh, relu]
    """

  /// "<run id>/<file>" → SHA-256 of the file without its elapsed_s column.
  /// Re-committed three times: once when floating cells began to keep their `.0` (`3.0`,
  /// not `3`; the values were bit-identical, only their spelling changed), once when the
  /// Gaussian draws became the ziggurat (`Xoshiro256.nextNormal`, issue 16: new initial
  /// weights and spiral noise, so new values; both families gave these), and once when
  /// the activation statistics' sums took the canonical 16-lane order (`ActivationSums`,
  /// issue 19: the activations run in both kernel families; layers.csv's preact_mean/std,
  /// act_mean/std and deriv_mean moved in their last bits, metrics.csv kept its hashes;
  /// `avx2` and `avx512` both gave the new layers.csv hashes).
  static let expected: [String: String] = [
    "relu-s7-43c23948/metrics.csv": "4a8367e37d285d17ce623bf92c577c6646755154f74cfbc1ccb672fe5f4fc801",
    "relu-s7-43c23948/layers.csv": "322a122ada57ac649a2729b337f6cabd4838eb4750c565a1813ee47dd513d71d",
    "tanh-s7-6eb172c6/metrics.csv": "75313785bb57f0976b359ada3694c59ad702e6811a2a47a7123adb6598a8cf5b",
    "tanh-s7-6eb172c6/layers.csv": "38ca0fa8ea8262f1bfb63556985490cc6b06ba33f7ece95a3f099556431dbb60",
  ]

  /// The file's text with the `elapsed_s` column removed (the only column that differs
  /// between two identical trainings). The logs hold numbers and names only: no quoted
  /// fields, so a comma always separates cells.
  static func withoutElapsed(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
    guard let column = header.firstIndex(of: "elapsed_s") else { return text }
    return lines.map { line in
      guard !line.isEmpty else { return "" }
      var cells = line.split(separator: ",", omittingEmptySubsequences: false)
      cells.remove(at: column)
      return cells.joined(separator: ",")
    }.joined(separator: "\n")
  }

  /// Trains the sweep with `family` forced; the hashes of its runs' logs.
  static func hashes(under family: KernelFamily) throws -> [String: String] {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try CommandHarness.writeSweep(sweep, in: folder)
    let result = try SlurmTesting.run(
      ["run", "sweep.yaml", "--out", "out", "--quiet", "--jobs", "2"], in: folder,
      environment: [KernelFamily.environmentVariable: family.rawValue])
    #expect(result.status == 0, "gradsweep run under \(family.rawValue): \(result.stderr)")
    let runs = folder.appendingPathComponent("out/golden/runs")
    var hashes: [String: String] = [:]
    for run in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !run.hasPrefix(".") {
      let provenance = try Provenance.read(from: runs.appendingPathComponent(run).appendingPathComponent("provenance.json"))
      #expect(provenance.environment.kernelFamily == family.rawValue)
      for file in [ResultsLayout.metricsFile, ResultsLayout.layersFile] {
        let text = try String(contentsOf: runs.appendingPathComponent(run).appendingPathComponent(file), encoding: .utf8)
        hashes["\(run)/\(file)"] = SHA256.hex(Array(withoutElapsed(text).utf8))
      }
    }
    return hashes
  }

  @Test("AVX2 (8-lane) kernels give the committed bits", .enabled(if: KernelFamily.supported.contains(.avx2), Comment(rawValue: KernelFamily.whyUnavailable(.avx2) ?? "")))
  func avx2() throws {
    #expect(try Self.hashes(under: .avx2) == Self.expected)
  }

  // Skipped, with this reason, where the CPU lacks AVX-512: reported as skipped, not passed.
  @Test(
    "AVX-512 (16-lane) kernels give the committed bits",
    .enabled(if: KernelFamily.supported.contains(.avx512), Comment(rawValue: KernelFamily.whyUnavailable(.avx512) ?? "")))
  func avx512() throws {
    #expect(try Self.hashes(under: .avx512) == Self.expected)
  }

  @Test("generic (8-lane, no CPU flags) kernels give the committed bits", .enabled(if: KernelFamily.supported.contains(.generic), Comment(rawValue: KernelFamily.whyUnavailable(.generic) ?? "")))
  func generic() throws {
    #expect(try Self.hashes(under: .generic) == Self.expected)
  }

  @Test("an unknown GRADSWEEP_ISA, or one this CPU cannot run, is refused with exit status 2")
  func refusal() throws {
    let folder = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let unknown = try SlurmTesting.run(["bench", "--workload", "W1", "--seconds", "0.01"], in: folder, environment: [KernelFamily.environmentVariable: "sse9"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("GRADSWEEP_ISA=sse9 is not a kernel family"))
    for family in KernelFamily.allCases where !KernelFamily.supported.contains(family) {
      let refused = try SlurmTesting.run(["bench", "--workload", "W1", "--seconds", "0.01"], in: folder, environment: [KernelFamily.environmentVariable: family.rawValue])
      #expect(refused.status == 2)
      #expect(refused.stderr.contains("this CPU cannot run the \(family.rawValue) kernels"))
    }
  }
}
