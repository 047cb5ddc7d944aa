import Foundation
import Testing

/// Every gradsweep command shown in a code block of the README and docs/ runs as
/// written (issue 20), so an example that stops working fails CI. Commands run from a
/// scratch folder holding a copy of configs/, in the order the pages show them (a
/// `report` after its `run`); `run` gets overrides that keep it small (2 updates, one
/// replicate) — the example's syntax, paths and exit status are what is tested.
@Suite("Commands in the docs", .serialized)
struct DocsCommandsTests {
  /// (page, command) for every command line in a fenced code block, continuation lines joined.
  static func commands() throws -> [(page: String, command: String)] {
    let root = CommandHarness.packageRoot
    let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
      .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    var found: [(String, String)] = []
    for page in ["README.md"] + docs {
      let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
      var inBlock = false
      var pending = ""
      for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("```") {
          inBlock.toggle()
          pending = ""
          continue
        }
        guard inBlock else { continue }
        let joined = pending + line
        if joined.hasSuffix("\\") {
          pending = String(joined.dropLast()) + " "
          continue
        }
        pending = ""
        if joined.firstMatch(of: #/^(swift run -c release |\.build/release/)?gradsweep /#) != nil {
          found.append((page, joined))
        }
      }
    }
    return found
  }

  /// Why a shown command is not run, nil when it is.
  static func skipReason(_ command: String) -> String? {
    if command.contains("--submit") { return "submits to a Slurm cluster (SlurmIntegrationTests runs a real one in .ci/run)" }
    if command.contains(" bench") { return "times itself for seconds per workload (BenchCommandTests checks its contract)" }
    if command.firstMatch(of: #/ (FILE|DIR|N|NAME|W)\b|\[--|<[a-z_]+>/#) != nil { return "a synopsis with placeholders" }
    return nil
  }

  /// The command without a trailing `# comment` (a `#` inside quotes stays).
  static func withoutComment(_ line: String) -> String {
    var quote: Character?
    var previous: Character = " "
    for index in line.indices {
      let character = line[index]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "'" || character == "\"" {
        quote = character
      } else if character == "#" && previous == " " {
        return String(line[..<index])
      }
      previous = character
    }
    return line
  }

  @Test func everyCommandShownInTheDocsRuns() throws {
    let commands = try Self.commands()
    #expect(commands.count >= 10, "the code blocks should show commands: \(commands)")
    let scratch = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    // Each page from a fresh folder (a reader follows one page), its commands in order.
    var folders: [String: URL] = [:]
    func folder(for page: String) throws -> URL {
      if let known = folders[page] { return known }
      let dir = scratch.appendingPathComponent(page.replacingOccurrences(of: "/", with: "_"))
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        at: CommandHarness.packageRoot.appendingPathComponent("configs"), to: dir.appendingPathComponent("configs"))
      folders[page] = dir
      return dir
    }
    var ran = 0
    var skipped: [String] = []
    for (page, shown) in commands {
      if let why = Self.skipReason(shown) {
        skipped.append("\(page): \(shown.prefix(60))… — \(why)")
        continue
      }
      var command = Self.withoutComment(shown)
      command = command.replacing(#/^(swift run -c release |\.build/release/)?gradsweep /#, with: "\"$GRADSWEEP\" ")
      if command.contains("\" run ") {
        let quick = " training.steps=2 training.epochs=null replicates=1 -q"
        if let pipe = command.firstIndex(of: "|") {
          command.insert(contentsOf: quick + " ", at: pipe)
        } else {
          command += quick
        }
      }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "set -e; " + command]
      process.currentDirectoryURL = try folder(for: page)
      process.environment = ProcessInfo.processInfo.environment.merging(["GRADSWEEP": CommandHarness.executable.path]) { $1 }
      let err = Pipe()
      process.standardError = err
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(page): `\(shown)` exited \(process.terminationStatus): \(stderr.prefix(600))")
      ran += 1
    }
    print("docs commands: \(ran) run, \(skipped.count) skipped:\n" + skipped.joined(separator: "\n"))
    #expect(ran >= 8)
  }
}
