import Foundation
import Testing

@testable import SweepResults

@Suite struct SweepManifestTests {
  @Test func zipGroupsRoundTripAndOlderManifestsReadWithout() throws {
    let manifest = SweepManifest(
      name: "cures", axes: ["model.depth", "model.activation", "model.normalization"],
      zipGroups: [["model.activation", "model.normalization"]],
      runs: [
        ManifestRun(
          runID: "a", index: 0,
          axisValues: ["model.depth": "8", "model.activation": "sigmoid", "model.normalization": "batch"], seed: 1)
      ])
    let data = try manifest.jsonData()
    #expect(try JSONDecoder().decode(SweepManifest.self, from: data) == manifest)
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["zip_groups"] as? [[String]] == [["model.activation", "model.normalization"]])
    // Written before the key existed: no zip groups, every axis on its own.
    let older = try JSONDecoder().decode(SweepManifest.self, from: Data(#"{"name": "x", "axes": ["model.depth"], "runs": []}"#.utf8))
    #expect(older.zipGroups.isEmpty)
  }
}
