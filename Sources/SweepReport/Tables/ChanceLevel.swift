import Foundation

/// The accuracy of guessing, 1/C for C classes, where accuracy charts draw their
/// "chance" line and the accuracy heatmap starts its colour scale.
///
/// C is read from a finished run's provenance.json: the output layer's `fan_out`
/// (the softmax's width), or 2 when that is 1 (a two-class sigmoid head). nil when
/// no run has a readable provenance.json or the output is not a classifier's
/// (then no chance line is drawn, and the caption does not mention one).
enum ChanceLevel {
  static func accuracy(folder: ResultsFolder, runs: [RunDigest]) -> Double? {
    guard runs.contains(where: { $0.row.finalAccuracy != nil || $0.row.finalValAccuracy != nil }) else { return nil }
    for run in runs.prefix(8) {
      let url = folder.runFolder(run.runID).appendingPathComponent("provenance.json")
      guard let data = try? Data(contentsOf: url),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let layers = object["layers"] as? [[String: Any]],
        let last = layers.max(by: { ($0["layer"] as? Int ?? 0) < ($1["layer"] as? Int ?? 0) }),
        let fanOut = last["fan_out"] as? Int, fanOut >= 1
      else { continue }
      return 1 / Double(max(fanOut, 2))
    }
    return nil
  }
}
