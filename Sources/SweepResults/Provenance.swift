import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What produced a result: written as `provenance.json` in the sweep folder and in
/// every run folder, so that any number can be traced to the program, the machine,
/// the exact sweep file and the seeds that made it.
package struct Provenance: Codable, Sendable, Equatable {
  /// The build and the machine: the same for every run of one `gradsweep run`.
  package struct Environment: Codable, Sendable, Equatable {
    package var gradsweepVersion: String
    /// `git rev-parse HEAD` of the source checkout the binary was built from, with
    /// `-dirty` when it had uncommitted changes; nil when the checkout is not there.
    package var gitCommit: String?
    package var swiftVersion: String
    package var operatingSystem: String
    package var cpu: String
    package var cores: Int
    /// SHA-256 of the sweep file as read.
    package var sweepSHA256: String
    /// The sweep file's absolute path when the sweep ran. Relative data paths
    /// (`data.path`, `data.images`, …) are resolved against its folder, so
    /// `gradsweep rerun` needs it to find the same files again. nil in folders written
    /// before it was recorded.
    package var sweepFile: String?
    package var commandLine: [String]
    /// The kernel family that trained (`avx2`, `avx512`, `generic`; see
    /// `GradKernels.KernelFamily`): every family gives the same bits, so it tells speed,
    /// not results. nil in folders written before it was recorded.
    package var kernelFamily: String?

    enum CodingKeys: String, CodingKey {
      case gradsweepVersion = "gradsweep_version", gitCommit = "git_commit", swiftVersion = "swift_version"
      case operatingSystem = "os", cpu, cores, sweepSHA256 = "sweep_sha256", sweepFile = "sweep_file"
      case commandLine = "command_line", kernelFamily = "kernel_family"
    }

    package init(
      gradsweepVersion: String, gitCommit: String?, swiftVersion: String, operatingSystem: String, cpu: String,
      cores: Int, sweepSHA256: String, sweepFile: String? = nil, commandLine: [String], kernelFamily: String? = nil
    ) {
      self.gradsweepVersion = gradsweepVersion
      self.gitCommit = gitCommit
      self.swiftVersion = swiftVersion
      self.operatingSystem = operatingSystem
      self.cpu = cpu
      self.cores = cores
      self.sweepSHA256 = sweepSHA256
      self.sweepFile = sweepFile
      self.commandLine = commandLine
      self.kernelFamily = kernelFamily
    }
  }

  /// The seeds a run actually used: its seed and the independent streams derived from it.
  package struct Seeds: Codable, Sendable, Equatable {
    package var run: UInt64
    package var initialization: UInt64
    package var shuffling: UInt64
    package var dropout: UInt64
    /// The seed the data set was generated and split with (shared by replicates).
    package var data: UInt64
    package init(run: UInt64, initialization: UInt64, shuffling: UInt64, dropout: UInt64, data: UInt64) {
      self.run = run
      self.initialization = initialization
      self.shuffling = shuffling
      self.dropout = dropout
      self.data = data
    }
  }

  /// One layer's initialisation: the formula with this layer's fans filled in, and the
  /// standard deviation the drawn weights actually have.
  package struct LayerInitialization: Codable, Sendable, Equatable {
    package var layer: Int
    package var fanIn: Int
    package var fanOut: Int
    package var formula: String
    package var weightStd: Double
    enum CodingKeys: String, CodingKey {
      case layer, fanIn = "fan_in", fanOut = "fan_out", formula, weightStd = "weight_std"
    }
    package init(layer: Int, fanIn: Int, fanOut: Int, formula: String, weightStd: Double) {
      self.layer = layer
      self.fanIn = fanIn
      self.fanOut = fanOut
      self.formula = formula
      self.weightStd = weightStd
    }
    /// JSON has no NaN or infinity: a non-finite std (an initialisation that overflowed
    /// Float32, e.g. `init_gain: 1e39`) is written as `null` and read back as NaN.
    package init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      layer = try c.decode(Int.self, forKey: .layer)
      fanIn = try c.decode(Int.self, forKey: .fanIn)
      fanOut = try c.decode(Int.self, forKey: .fanOut)
      formula = try c.decode(String.self, forKey: .formula)
      weightStd = try c.decodeIfPresent(Double.self, forKey: .weightStd) ?? .nan
    }
    package func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(layer, forKey: .layer)
      try c.encode(fanIn, forKey: .fanIn)
      try c.encode(fanOut, forKey: .fanOut)
      try c.encode(formula, forKey: .formula)
      try c.encode(weightStd.isFinite ? weightStd : nil, forKey: .weightStd)
    }
    package static func == (a: Self, b: Self) -> Bool {
      a.layer == b.layer && a.fanIn == b.fanIn && a.fanOut == b.fanOut && a.formula == b.formula
        && (a.weightStd == b.weightStd || (a.weightStd.isNaN && b.weightStd.isNaN))
    }
  }

  package var environment: Environment
  /// SHA-256 of the run's resolved config (`config.yaml` beside this file, byte for
  /// byte); nil in the sweep folder's provenance.
  /// One `gradsweep run` on the sweep folder: a first run, each `--resume`, each shard.
  package struct Invocation: Codable, Sendable, Equatable {
    package var commandLine: [String]
    /// ISO 8601, UTC; nil for the first entry of a folder written before it was recorded.
    package var time: String?
    package var host: String?
    enum CodingKeys: String, CodingKey {
      case commandLine = "command_line", time, host
    }
    package init(commandLine: [String], time: String?, host: String?) {
      self.commandLine = commandLine
      self.time = time
      self.host = host
    }

    /// This process's invocation, now, on this host.
    package static func current(commandLine: [String]) -> Invocation {
      var name = [CChar](repeating: 0, count: 256)
      let host = gethostname(&name, name.count) == 0 ? String(cString: name) : nil
      return Invocation(commandLine: commandLine, time: ISO8601DateFormatter().string(from: Date()), host: host)
    }
  }

  package var configSHA256: String?
  /// nil in the sweep folder's provenance.
  package var seeds: Seeds?
  package var layers: [LayerInitialization]?
  /// The sweep folder's provenance only: every invocation that wrote into the folder,
  /// oldest first (`environment` is the latest's).
  package var invocations: [Invocation]?

  enum CodingKeys: String, CodingKey {
    case environment, configSHA256 = "config_sha256", seeds, layers, invocations
  }

  package init(
    environment: Environment, configSHA256: String? = nil, seeds: Seeds? = nil, layers: [LayerInitialization]? = nil,
    invocations: [Invocation]? = nil
  ) {
    self.environment = environment
    self.configSHA256 = configSHA256
    self.seeds = seeds
    self.layers = layers
    self.invocations = invocations
  }

  /// The sweep folder's provenance after one more invocation: `environment` now, the
  /// invocations of `previous` (its own command line when it predates the list) and
  /// this one appended.
  package static func sweep(environment: Environment, after previous: Provenance?) -> Provenance {
    var invocations = previous?.invocations
      ?? previous.map { [Invocation(commandLine: $0.environment.commandLine, time: nil, host: nil)] } ?? []
    invocations.append(.current(commandLine: environment.commandLine))
    return Provenance(environment: environment, invocations: invocations)
  }

  /// Reads a `provenance.json`.
  package static func read(from url: URL) throws -> Provenance {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ResultsError.missingFile(path: url.path, what: "the run's provenance (written by `gradsweep run`)")
    }
    do {
      return try JSONDecoder().decode(Provenance.self, from: data)
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: String(describing: error))
    }
  }

  package func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}

extension Provenance.Environment {
  /// Reads the machine and the build once per sweep. `sweepPath` is made absolute
  /// (against the current directory) so that a later `gradsweep rerun` started from
  /// elsewhere still finds the sweep's data files. `kernelFamily` is the caller's
  /// `KernelFamily.active.rawValue` (the results contract links no engine).
  package static func current(
    version: String, sweepText: String, sweepPath: String? = nil, kernelFamily: String,
    sourceFile: String = #filePath
  ) -> Self {
    Self(
      gradsweepVersion: version, gitCommit: gitCommit(near: sourceFile), swiftVersion: swiftVersion,
      operatingSystem: operatingSystemName(), cpu: cpuName(),
      cores: ProcessInfo.processInfo.activeProcessorCount,
      sweepSHA256: SHA256.hex(Array(sweepText.utf8)),
      sweepFile: sweepPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      commandLine: CommandLine.arguments, kernelFamily: kernelFamily)
  }

  /// The folder relative data paths of this sweep are resolved against.
  package var sweepDirectory: URL? {
    sweepFile.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
  }

  /// The compiler this binary was built with (to the minor version).
  static var swiftVersion: String {
    #if compiler(>=6.5)
    "Swift 6.5 or later"
    #elseif compiler(>=6.4)
    "Swift 6.4"
    #elseif compiler(>=6.3)
    "Swift 6.3"
    #elseif compiler(>=6.2)
    "Swift 6.2"
    #else
    "Swift 6.1 or earlier"
    #endif
  }

  /// The commit of the checkout this file was compiled from, if it is still there.
  static func gitCommit(near sourceFile: String) -> String? {
    let folder = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().path
    guard let head = run("/usr/bin/env", ["git", "-C", folder, "rev-parse", "HEAD"]), head.count == 40 else { return nil }
    let dirty = run("/usr/bin/env", ["git", "-C", folder, "status", "--porcelain", "--untracked-files=no"]) ?? ""
    return dirty.isEmpty ? head : head + "-dirty"
  }

  /// The distribution's name and the kernel release, e.g.
  /// `Debian GNU/Linux 12 (bookworm), Linux 6.1.0-18-amd64`.
  static func operatingSystemName() -> String {
    var name = ProcessInfo.processInfo.operatingSystemVersionString
    if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
      let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
    {
      name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    var system = utsname()
    if uname(&system) == 0 {
      // The fields are fixed-size C character arrays (tuples in Swift), NUL-terminated.
      let sysname = withUnsafeBytes(of: &system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      name += ", \(sysname) \(release)"
    }
    return name
  }

  static func cpuName() -> String {
    #if arch(x86_64)
    let arch = "x86_64"
    #elseif arch(arm64)
    let arch = "arm64"
    #else
    let arch = "unknown architecture"
    #endif
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    {
      return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) + " (\(arch))"
    }
    return arch
  }

  private static func run(_ tool: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    do { try process.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
