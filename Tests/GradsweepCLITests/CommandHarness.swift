import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TidyCSV

/// Runs the real `gradsweep` executable (built next to the test bundle) in a child
/// process, the way a user would from the shell.
struct CommandHarness {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The built executable: the test bundle and the products share one folder.
  static let executable: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("gradsweep").path),
      folder.pathComponents.count > 1
    {
      folder.deleteLastPathComponent()
    }
    return folder.appendingPathComponent("gradsweep")
  }()

  /// The package root, for shipped configs.
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Starts the command; the caller waits or kills it.
  static func start(_ arguments: [String], in directory: URL) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    return (process, out, err)
  }

  /// Runs the command to the end and captures its output.
  @discardableResult
  static func run(_ arguments: [String], in directory: URL) throws -> Result {
    let (process, out, err) = try start(arguments, in: directory)
    // Read before waiting so a full pipe can never block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// A fresh temporary folder for one test.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradsweep-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes a sweep file into `folder`.
  static func writeSweep(_ text: String, named name: String = "sweep.yaml", in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  /// summary.csv as rows keyed by run id, without the timing columns (which differ
  /// between any two runs).
  static func summaryWithoutTimes(_ folder: URL) throws -> [String: [String: String]] {
    let table = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv"))
    var rows: [String: [String: String]] = [:]
    for record in table.records {
      var r = record
      r["seconds"] = nil
      rows[record["run_id"]!] = r
    }
    return rows
  }

  /// Every CSV of every run, without the elapsed-time column.
  static func runLogsWithoutTimes(_ folder: URL) throws -> [String: CSVTable] {
    let runs = folder.appendingPathComponent("runs")
    var logs: [String: CSVTable] = [:]
    for id in try FileManager.default.contentsOfDirectory(atPath: runs.path) where !id.hasPrefix(".") {
      for file in ["metrics.csv", "layers.csv"] {
        var table = try CSVTable(contentsOf: runs.appendingPathComponent(id).appendingPathComponent(file))
        if let i = table.index(of: "elapsed_s") {
          table.header.remove(at: i)
          table.rows = table.rows.map { var r = $0; r.remove(at: i); return r }
        }
        logs["\(id)/\(file)"] = table
      }
    }
    return logs
  }

  /// Sets `path`'s modification time an hour back, a link's own (not its target's):
  /// stale temporary files are swept only once they are older than any live write.
  static func age(_ path: String, seconds: Int = 3600) {
    let then = timespec(tv_sec: time(nil) - seconds, tv_nsec: 0)
    var times = [then, then]
    _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
  }
}
