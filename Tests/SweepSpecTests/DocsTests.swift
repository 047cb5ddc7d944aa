import Foundation
import GradEngine
import Testing

@testable import SweepSpec

/// docs/sweep-file.md documents every field, with the defaults the code has.
@Suite struct DocsTests {
  private func doc() throws -> String {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/sweep-file.md")
    return try String(contentsOf: url, encoding: .utf8)
  }

  /// `| \`model.width\` | integer | \`32\` | …` → ["model.width": "32"] for rows whose
  /// default is a literal.
  private func documentedDefaults(_ text: String) -> [String: String] {
    var defaults = [String: String]()
    for line in text.split(separator: "\n") where line.hasPrefix("| `") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 3, cells[0].hasPrefix("`"), cells[0].hasSuffix("`") else { continue }
      let key = String(cells[0].dropFirst().dropLast())
      let value = cells[2]
      if value.hasPrefix("`"), value.hasSuffix("`"), value.filter({ $0 == "`" }).count == 2 {
        defaults[key] = String(value.dropFirst().dropLast())
      }
    }
    return defaults
  }

  @Test func everyFieldIsDocumentedWithItsDefault() throws {
    let text = try doc()
    let documented = documentedDefaults(text)
    #expect(documented.count >= 45)  // the table parser found the rows
    for (path, value) in RunConfig().canonicalFields() where path != "seed" {
      #expect(text.contains("| `\(path)` |"), "\(path) is not documented")
      if path != "data.seed" {
        #expect(documented[path] == value, "\(path): documented \(documented[path] ?? "nothing"), code \(value)")
      }
    }
    // Optional DataSpec keys absent from the canonical text (nil defaults).
    for key in DataSpecSupport.keyNames {
      #expect(text.contains("| `data.\(key)` |"), "data.\(key) is not documented")
    }
  }

  @Test func topLevelSweepReportAndReferenceKeysAreDocumented() throws {
    let text = try doc()
    for key in SweepBuilder.topLevelKeys { #expect(text.contains("| `\(key)` |"), "\(key)") }
    for key in SweepBuilder.sweepKeys { #expect(text.contains("| `sweep.\(key)` |"), "sweep.\(key)") }
    for key in SweepBuilder.randomKeys { #expect(text.contains("| `sweep.random.\(key)` |"), "sweep.random.\(key)") }
    for key in ReportSpec.CodingKeys.allCases { #expect(text.contains("| `report.\(key.rawValue)` |")) }
    for key in ReferenceSection.CodingKeys.allCases { #expect(text.contains("| `reference.\(key.rawValue)` |")) }
    for key in ReferenceClaim.CodingKeys.allCases { #expect(text.contains("| `\(key.rawValue)` |"), "\(key.rawValue)") }
    for metric in ReferenceClaim.metrics { #expect(text.contains("`\(metric)`")) }
    let header = SweepHeader()
    let defaults = documentedDefaults(text)
    #expect(defaults["seed"] == String(header.seed))
    #expect(defaults["replicates"] == String(header.replicates))
  }

  @Test func everyAcceptedNameIsDocumented() throws {
    let text = try doc()
    let names =
      ActivationKind.allUserNames + InitializerKind.allUserNames + OptimizerKind.allUserNames
      + LossKind.allUserNames + OutputHead.allUserNames
    for name in names { #expect(text.contains("`\(name)`"), "\(name)") }
  }
}
