import Foundation
import Testing
import UserFacing

/// The README's exit-status table is the named constants, row for row: a status added,
/// renumbered or reworded in one place and not the other fails here. (Spelled
/// `UserFacing.ExitStatus`: Swift Testing has an `ExitStatus` of its own.)
@Suite struct ExitStatusTableTests {
  /// The rows of the table under `### Exit status`: status, name, meaning.
  static func readmeRows() throws -> [[String]] {
    let readme = try String(
      contentsOf: CommandHarness.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.components(separatedBy: "\n")
    let heading = try #require(lines.firstIndex(of: "### Exit status"))
    let header = try #require(lines[heading...].firstIndex(of: "| status | name | when |"))
    return lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
      line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
    }
  }

  @Test func theReadmeTableEqualsTheConstants() throws {
    let rows = try Self.readmeRows()
    let expected = UserFacing.ExitStatus.documented.map { ["\($0.status.rawValue)", "`\($0.name)`", $0.meaning] }
    #expect(rows == expected)
    // Every number the tool returns is named once, and the names are the constants'.
    #expect(Set(UserFacing.ExitStatus.documented.map(\.status)).count == UserFacing.ExitStatus.documented.count)
    let named: [String: UserFacing.ExitStatus] = [
      "success": .success, "failure": .failure, "invalidInput": .invalidInput, "usage": .usage,
      "interrupted": .interrupted, "terminated": .terminated,
    ]
    #expect(UserFacing.ExitStatus.documented.allSatisfy { named[$0.name] == $0.status })
    #expect(UserFacing.ExitStatus.documented.map(\.status.rawValue) == [0, 1, 2, 64, 130, 143])
  }
}
