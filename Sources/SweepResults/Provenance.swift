import Foundation

/// What produced a result: written as `provenance.json` in the sweep folder and in
/// every run folder, so that any number can be traced to the program, the machine,
/// the exact sweep file and the seeds that made it.
public struct Provenance: Codable, Sendable, Equatable {
  /// The build and the machine: the same for every run of one `gradsweep run`.
  public struct Environment: Codable, Sendable, Equatable {
    public var gradsweepVersion: String
    /// `git rev-parse HEAD` of the source checkout the binary was built from, with
    /// `-dirty` when it had uncommitted changes; nil when the checkout is not there.
    public var gitCommit: String?
    public var swiftVersion: String
    public var operatingSystem: String
    public var cpu: String
    public var cores: Int
    /// SHA-256 of the sweep file as read.
    public var sweepSHA256: String
    public var commandLine: [String]

    enum CodingKeys: String, CodingKey {
      case gradsweepVersion = "gradsweep_version", gitCommit = "git_commit", swiftVersion = "swift_version"
      case operatingSystem = "os", cpu, cores, sweepSHA256 = "sweep_sha256", commandLine = "command_line"
    }

    public init(
      gradsweepVersion: String, gitCommit: String?, swiftVersion: String, operatingSystem: String, cpu: String,
      cores: Int, sweepSHA256: String, commandLine: [String]
    ) {
      self.gradsweepVersion = gradsweepVersion
      self.gitCommit = gitCommit
      self.swiftVersion = swiftVersion
      self.operatingSystem = operatingSystem
      self.cpu = cpu
      self.cores = cores
      self.sweepSHA256 = sweepSHA256
      self.commandLine = commandLine
    }
  }

  /// The seeds a run actually used: its seed and the independent streams derived from it.
  public struct Seeds: Codable, Sendable, Equatable {
    public var run: UInt64
    public var initialization: UInt64
    public var shuffling: UInt64
    public var dropout: UInt64
    /// The seed the data set was generated and split with (shared by replicates).
    public var data: UInt64
    public init(run: UInt64, initialization: UInt64, shuffling: UInt64, dropout: UInt64, data: UInt64) {
      self.run = run
      self.initialization = initialization
      self.shuffling = shuffling
      self.dropout = dropout
      self.data = data
    }
  }

  /// One layer's initialisation: the formula with this layer's fans filled in, and the
  /// standard deviation the drawn weights actually have.
  public struct LayerInitialization: Codable, Sendable, Equatable {
    public var layer: Int
    public var fanIn: Int
    public var fanOut: Int
    public var formula: String
    public var weightStd: Double
    enum CodingKeys: String, CodingKey {
      case layer, fanIn = "fan_in", fanOut = "fan_out", formula, weightStd = "weight_std"
    }
    public init(layer: Int, fanIn: Int, fanOut: Int, formula: String, weightStd: Double) {
      self.layer = layer
      self.fanIn = fanIn
      self.fanOut = fanOut
      self.formula = formula
      self.weightStd = weightStd
    }
  }

  public var environment: Environment
  /// nil in the sweep folder's provenance.
  public var seeds: Seeds?
  public var layers: [LayerInitialization]?

  public init(environment: Environment, seeds: Seeds? = nil, layers: [LayerInitialization]? = nil) {
    self.environment = environment
    self.seeds = seeds
    self.layers = layers
  }

  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}

extension Provenance.Environment {
  /// Reads the machine and the build once per sweep.
  public static func current(version: String, sweepText: String, sourceFile: String = #filePath) -> Self {
    Self(
      gradsweepVersion: version, gitCommit: gitCommit(near: sourceFile), swiftVersion: swiftVersion,
      operatingSystem: operatingSystemName(), cpu: cpuName(),
      cores: ProcessInfo.processInfo.activeProcessorCount,
      sweepSHA256: SHA256.hex(Array(sweepText.utf8)), commandLine: CommandLine.arguments)
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

  static func operatingSystemName() -> String {
    var name = ProcessInfo.processInfo.operatingSystemVersionString
    if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
      let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
    {
      name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) + " (\(name))"
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
