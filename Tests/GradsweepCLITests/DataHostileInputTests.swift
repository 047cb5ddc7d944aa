import Foundation
import Testing

/// Hostile data files through the executable (issue 14, bug 8): each is refused with
/// exit 2 and a message naming the field, after reading no more than its header or
/// first chunk (the byte counts are asserted in GradDataTests/HostileInputTests; the
/// peak memory, measured with /usr/bin/time, is in docs/data.md).
@Suite("hostile data files", .serialized)
struct DataHostileInputTests {
  static func sweep(data: String, in dir: URL) throws -> URL {
    try CommandHarness.writeSweep(
      """
      name: hostile
      data: \(data)
      model: {width: 4, depth: 1}
      training: {epochs: 1}
      """, in: dir)
  }

  @Test func aSparseCSVIsRefusedAsBinary() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("sparse.csv")
    try Data().write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: 256 << 20)
    try handle.close()
    let file = try Self.sweep(data: "{name: csv, path: sparse.csv}", in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out"], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("data.path: looks like a binary file, not CSV text"))
  }

  @Test func anIDXGzipBombIsRefusedAtTheHeadersSize() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Labels: 10 bytes 0…9. Images: a 10×4×3 header, then 64 MiB of zeros, gzip'd.
    let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 10] + (0..<10).map { UInt8($0) }
    try Data(labels).write(to: dir.appendingPathComponent("labels"))
    let header = #"\0\0\010\03\0\0\0\012\0\0\0\04\0\0\0\03"#
    let make = Process()
    make.executableURL = URL(fileURLWithPath: "/bin/sh")
    make.arguments = ["-c", "{ printf '\(header)'; head -c 67108864 /dev/zero; } | gzip -1 > images.gz"]
    make.currentDirectoryURL = dir
    try make.run()
    make.waitUntilExit()
    let file = try Self.sweep(data: "{name: idx, images: images.gz, labels: labels}", in: dir)
    let result = try CommandHarness.run(["run", file.path, "--out", "out"], in: dir)
    #expect(result.status == 2)
    #expect(result.stderr.contains("data.images: the file inflates to more than the 136 bytes its IDX header declares"))
  }

  @Test func aFIFOAndDevZeroAreNotRegularFiles() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(mkfifo(dir.appendingPathComponent("pipe.csv").path, 0o600) == 0)
    for (path, kind) in [("pipe.csv", "a named pipe (FIFO)"), ("/dev/zero", "a character device")] {
      let file = try Self.sweep(data: "{name: csv, path: \(path)}", in: dir)
      let result = try CommandHarness.run(["run", file.path, "--out", "out"], in: dir)
      #expect(result.status == 2)
      #expect(result.stderr.contains("data.path: '\(path)' is \(kind), not a regular file"), "\(result.stderr)")
      #expect(!result.stderr.contains("permission"))
    }
  }
}
