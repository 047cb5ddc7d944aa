import Foundation
import GradEngine
import SweepResults
import Testing

@testable import SweepSpec

/// docs/sweep-file.md documents every field, with the defaults the code has.
@Suite struct DocsTests {
  private func doc(_ name: String = "sweep-file.md") throws -> String {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/" + name)
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
    // GradData documents its own fields in docs/data.md; a data field documented only
    // there (not yet in this page) is fine.
    let dataDoc = (try? doc("data.md")) ?? ""
    for (path, value) in RunConfig().canonicalFields() where path != "seed" && path != "data.seed" {
      if path.hasPrefix("data."), !text.contains("| `\(path)` |") {
        let key = String(path.dropFirst(5))
        #expect(dataDoc.contains("`\(key)`") || dataDoc.contains("`\(path)`"), "\(path) is not documented")
        continue
      }
      #expect(text.contains("| `\(path)` |"), "\(path) is not documented")
      #expect(documented[path] == value, "\(path): documented \(documented[path] ?? "nothing"), code \(value)")
    }
    for key in DataSpecSupport.keyNames {
      #expect(
        text.contains("| `data.\(key)` |") || dataDoc.contains("`\(key)`"), "data.\(key) is not documented")
    }
  }

  /// The "allowed" cell of each integer field states the range `Limits` checks.
  @Test func everyIntegerRangeIsDocumentedAsChecked() throws {
    let text = try doc()
    let ranges: [(String, ClosedRange<Int>)] = [
      ("replicates", Limits.replicates), ("model.width", Limits.width), ("model.depth", Limits.depth),
      ("model.residual_every", Limits.residualEvery), ("training.batch_size", Limits.batchSize),
      ("training.epochs", Limits.epochs), ("training.steps", Limits.steps), ("training.step_size", Limits.stepSize),
      ("training.warmup_steps", Limits.warmupSteps), ("log.every", Limits.logEvery),
      ("log.jacobian_every", Limits.logEvery),
    ]
    for (path, range) in ranges {
      let row = text.split(separator: "\n").first { $0.hasPrefix("| `\(path)` |") }
      let allowed = row.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }?[3]
      #expect(allowed == "\(range.lowerBound)…\(range.upperBound)", "\(path): documented \(allowed ?? "nothing")")
    }
    #expect(text.contains("N in \(Limits.stallWindow.lowerBound)…\(Limits.stallWindow.upperBound)"))
    #expect(text.contains("each \(Limits.width.lowerBound)…\(Limits.width.upperBound)"))
  }

  @Test func topLevelSweepReportAndReferenceKeysAreDocumented() throws {
    let text = try doc()
    for key in SweepValidator.topLevelKeys { #expect(text.contains("| `\(key)` |"), "\(key)") }
    for key in SweepValidator.sweepKeys { #expect(text.contains("| `sweep.\(key)` |"), "sweep.\(key)") }
    for key in SweepValidator.randomKeys { #expect(text.contains("| `sweep.random.\(key)` |"), "sweep.random.\(key)") }
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
