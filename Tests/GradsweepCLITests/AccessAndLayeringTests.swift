import Foundation
import Testing

/// The house rules docs/architecture.md states, checked on the sources themselves: no
/// declaration is `public` (gradsweep is an executable; modules share `package` access),
/// and the report's target links only the results contract and CSV (the compiler then
/// refuses any import of the engine, the data sets or the YAML parser in SweepReport).
@Suite struct AccessAndLayeringTests {
  static let root = CommandHarness.packageRoot

  /// Every `.swift` file under Sources (symlinked kernel sources are read once, by their target).
  static func sourceFiles() throws -> [URL] {
    let sources = root.appendingPathComponent("Sources")
    let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: [.isSymbolicLinkKey]))
    return walker.compactMap { $0 as? URL }.filter { url in
      url.pathExtension == "swift" && (try? url.resourceValues(forKeys: [.isSymbolicLinkKey]).isSymbolicLink) != true
    }
  }

  /// Lines that declare something `public` (attributes such as `@inlinable` may precede it).
  static func publicDeclarations(in text: String) -> [String] {
    let pattern = try! NSRegularExpression(pattern: #"^\s*(@\w+(\([^)]*\))?\s+)*public\b"#)
    return text.components(separatedBy: "\n").filter { line in
      pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }
  }

  @Test func theDetectorSeesAPublicDeclaration() {
    #expect(Self.publicDeclarations(in: "  @inlinable public func f() {}\n// the public API\npackage var x = 1").count == 1)
  }

  @Test func noDeclarationIsPublic() throws {
    let files = try Self.sourceFiles()
    #expect(files.count > 100)
    for file in files {
      let found = Self.publicDeclarations(in: try String(contentsOf: file, encoding: .utf8))
      #expect(found.isEmpty, "\(file.path): \(found.prefix(3))")
    }
  }

  @Test func theReportLinksOnlyTheResultsContractAndCSV() throws {
    let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    let line = try #require(manifest.components(separatedBy: "\n").first { $0.contains(#"name: "SweepReport""#) })
    #expect(line.contains(#"dependencies: ["SweepResults", "TidyCSV"]"#))
    let results = try #require(manifest.components(separatedBy: "\n").first { $0.contains(#"name: "SweepResults""#) })
    #expect(results.contains(#"dependencies: ["TidyCSV", "UserFacing"]"#))
  }
}
