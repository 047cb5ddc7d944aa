import Foundation
import Testing

@testable import SweepResults

/// Reading and cleaning a results folder that holds what gradsweep never writes.
@Suite struct HostileFolderTests {
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func onlyExactTemporaryNamesHaveAWriterPID() {
    #expect(AtomicFile.writerPID(ofTemporary: ".report.html.tmp-12345-1") == 12345)
    #expect(AtomicFile.writerPID(ofTemporary: ".a.tmp-b.tmp-7-4294967295") == 7)
    for name in [
      "report.html.tmp-12345-1", ".report.html.tmp-12345-1x", ".report.html.tmp-12345", ".tmp-12345-1",
      ".report.html.tmp--1", ".report.html.tmp-0-1", ".report.html.tmp-99999999999-1", ".x.tmp-1-2-3",
      ".x.tmp-1-", ".x.tmp-1-4294967296", ".x.tmp-+1-2", ".x.tmp-1-+2",
    ] {
      #expect(AtomicFile.writerPID(ofTemporary: name) == nil, "\(name)")
    }
  }

  @Test func sweepingRemovesStaleTemporariesOfDeadWritersOnlyAndFollowsNoLink() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let dead: pid_t = 4_194_305  // above Linux's largest pid_max (2²² = 4,194,304): never alive
    #expect(kill(dead, 0) != 0)
    let names = [
      ".report.html.tmp-\(dead)-1",  // stale: removed
      ".summary.csv.tmp-\(getpid())-2",  // this process: alive
      ".summary.csv.tmp-\(getppid())-3",  // the parent: alive
      ".report.md.tmp-\(dead)-1.bak",  // not the pattern
      "report.md.tmp-\(dead)-1",  // not the pattern (no leading dot)
      "report.md",
    ]
    for name in names { try Data("x".utf8).write(to: dir.appendingPathComponent(name)) }
    // A folder so named is kept; a link so named is unlinked, its target untouched.
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent(".folder.tmp-\(dead)-5"), withIntermediateDirectories: false)
    let target = dir.appendingPathComponent("target.txt")
    try Data("keep".utf8).write(to: target)
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent(".link.tmp-\(dead)-6").path, withDestinationPath: target.path)

    // Fresh files are kept (another machine's live write); minimumAge 0 sweeps now.
    #expect(AtomicFile.sweepStaleTemporaries(in: dir) == [])
    let removed = AtomicFile.sweepStaleTemporaries(in: dir, minimumAge: 0)
    #expect(removed == [".link.tmp-\(dead)-6", ".report.html.tmp-\(dead)-1"])
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    #expect(left == Set(names.dropFirst() + [".folder.tmp-\(dead)-5", "target.txt"]))
    #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
    #expect(AtomicFile.sweepStaleTemporaries(in: dir.appendingPathComponent("absent")) == [])
  }

  @Test func userTextEscapesControlsAndLeavesOrdinaryTextAlone() {
    #expect(UserText.escaped("runs/relu-d4-s1") == "runs/relu-d4-s1")
    #expect(UserText.escaped(#"C:\results\x"#) == #"C:\results\x"#)
    #expect(UserText.escaped("a\u{1B}[2Jb\r\n\t") == #"a\u{1B}[2Jb\u{D}\u{A}\u{9}"#)
    #expect(UserText.escaped("a\u{1B}b\nc\td", keepingLineBreaks: true) == "a\\u{1B}b\nc\td")
    #expect(UserText.escaped("x\u{7F}\u{85}") == #"x\u{7F}\u{85}"#)
    #expect(UserText.escaped("\u{202E}gnp.exe\u{2066}") == #"\u{202E}gnp.exe\u{2066}"#)
    #expect(UserText.escaped("σ_w² ≤ 2") == "σ_w² ≤ 2")
    let once = UserText.escaped("\u{0}\u{1B}\u{9F}")
    #expect(UserText.escaped(once) == once)
    #expect(!once.unicodeScalars.contains { UserText.needsEscape($0, keepingLineBreaks: false) })
  }

  @Test func aDamagedStatusSaysWhereAndWhatNotTheDecoderDump() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("status.json")
    func problem(_ text: String) throws -> String {
      try text.write(to: url, atomically: true, encoding: .utf8)
      do {
        _ = try RunStatus.read(from: url)
      } catch let error as ResultsError {
        guard case .damaged = error else { return "not damaged: \(error)" }
        return error.description
      }
      return "read"
    }
    #expect(try problem(#"{"status": "comp"#) .contains("status.json: error: not valid JSON: it ends early at byte 16"))
    #expect(try problem("{\n  \"status\": x}").contains("not valid JSON at byte 15 (line 2, column 13)"))
    #expect(try problem("") .contains("the file is empty"))
    #expect(try problem(#"{"steps": 3}"#).contains("the key 'status' is missing"))
    #expect(try problem(#"{"status": 3}"#).contains("'status' is not a string"))
    #expect(try problem(#"{"status": "x"}"#) == "read")
    #expect(!(try problem(#"{"status": 3}"#)).contains("DecodingError"))
  }
}
