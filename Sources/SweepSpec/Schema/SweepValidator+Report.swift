import SweepResults
import Yams

// The `report:` and `reference:` sections: decoded like the config sections, then
// their references to axes checked against the sweep's axes.

extension SweepValidator {
  func readReport(_ entry: (key: Node, value: Node)?, axisPaths: [String]) -> ReportSpec {
    var nodes = sectionEntries(
      entry, name: "report", allowed: ReportSpec.CodingKeys.allCases.map(\.rawValue))
    // Chart names get a suggestion; bad ones are dropped before decoding.
    if let charts = nodes.value("charts"), let items = charts.items {
      let names = ReportChart.allCases.map(\.rawValue)
      var kept = [Node]()
      for item in items {
        if let name = item.scalarText, !item.isNull, ReportChart(rawValue: name) == nil {
          let suggestion = Suggestions.closest(to: name, among: names)
          error(
            "unknown chart '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""), at: item,
            note: suggestion == nil ? "charts: " + Suggestions.list(names) : nil)
        } else {
          kept.append(item)
        }
      }
      nodes = nodes.setting("charts", to: .sequence(Node.Sequence(kept, .implicit, .flow, charts.mark)))
    }
    // `heatmap: <metric>` (a name, not a list) chooses the heatmap's metric.
    if let heatmap = nodes.value("heatmap"), heatmap.scalarText != nil, !heatmap.isNull {
      nodes = nodes.removing("heatmap").setting("heatmap_metric", to: heatmap, keyNode: nodes.keyNode("heatmap"))
    }
    if let metric = nodes.value("heatmap_metric"), let name = metric.scalarText, !metric.isNull,
      !HeatmapMetric.names.contains(name)
    {
      error(
        "report.heatmap: unknown metric '\(name)'" + Suggestions.didYouMean(name, among: HeatmapMetric.names), at: metric,
        note: "a list of two axes [x, y], or a metric: " + Suggestions.list(HeatmapMetric.names))
      nodes = nodes.removing("heatmap_metric")
    }
    var (spec, clean) = decodeCollecting(ReportSpec.self, nodes, prefix: "report", fallback: entry?.key)
    var report = spec ?? ReportSpec()

    func checkAxis(_ path: String?, key: String, node: Node?) -> Bool {
      guard let path else { return true }
      guard axisPaths.contains(path) else {
        error(
          "report.\(key): '\(path)' is not an axis of this sweep" + Suggestions.didYouMean(path, among: axisPaths),
          at: node, entry?.key,
          note: axisPaths.isEmpty ? "this sweep has no axes" : "axes: " + Suggestions.list(axisPaths))
        return false
      }
      return true
    }
    if !checkAxis(report.panels, key: "panels", node: clean.value("panels")) { report.panels = nil }
    if !checkAxis(report.lines, key: "lines", node: clean.value("lines")) { report.lines = nil }
    if let heatmap = report.heatmap {
      let node = clean.value("heatmap")
      if heatmap.count != 2 {
        error("report.heatmap names two axes [x, y], got \(heatmap.count)", at: node)
        report.heatmap = nil
      } else if heatmap[0] == heatmap[1] {
        error("report.heatmap needs two different axes, got '\(heatmap[0])' twice", at: node)
        report.heatmap = nil
      } else {
        let items = node?.items ?? []
        for (index, path) in heatmap.enumerated()
        where !checkAxis(path, key: "heatmap", node: items.indices.contains(index) ? items[index] : node) {
          report.heatmap = nil
        }
      }
    }
    if let threshold = report.lossThreshold, !(threshold.isFinite && threshold > 0) {
      error(
        "report.loss_threshold must be greater than 0, got \(CanonicalYAML.double(threshold))",
        at: clean.value("loss_threshold"))
      report.lossThreshold = nil
      clean = clean.removing("loss_threshold")
    }
    return report
  }

  func readReference(_ entry: (key: Node, value: Node)?, axes: [Axis]) -> ReferenceSection? {
    guard let entry, !entry.value.isNull else { return nil }
    var nodes = sectionEntries(
      entry, name: "reference", allowed: ReferenceSection.CodingKeys.allCases.map(\.rawValue))
    let claimsNode = nodes.value("claims")
    nodes = nodes.removing("claims")
    guard entry.value.pairs != nil else { return nil }
    var section = decodeCollecting(LocatedReferenceHeader.self, nodes, prefix: "reference", fallback: entry.key).value?
      .value ?? ReferenceSection()

    guard let claimsNode, !claimsNode.isNull else { return section }
    guard let items = claimsNode.items else {
      error("reference.claims must be a list of claims, got \(claimsNode.shapeDescription)", at: claimsNode)
      return section
    }
    let claimKeys = ReferenceClaim.CodingKeys.allCases.map(\.rawValue)
    for (index, item) in items.enumerated() {
      let prefix = "reference.claims[\(index)]"
      let claimEntries = sectionEntries((item, item), name: prefix, allowed: claimKeys)
      guard item.pairs != nil else { continue }
      let decoded = decodeCollecting(
        LocatedReferenceClaim.self, claimEntries, prefix: prefix, userInfo: [.fieldPrefix: prefix], fallback: item)
      guard var claim = decoded.value?.value, decoded.nodes.entries.count == claimEntries.entries.count else { continue }
      // The runs filter: axis paths, values spelt canonically so they match axisValues.
      var runs = [String: String]()
      var valid = true
      for (keyNode, value) in claimEntries.value("runs")?.pairs ?? [] {
        guard let (section, key, path) = resolvePath(keyNode, context: "\(prefix).runs") else {
          valid = false
          continue
        }
        guard axes.contains(where: { $0.path == path }) else {
          let paths = axes.map(\.path)
          error(
            "\(prefix).runs: \(path) is not an axis of this sweep" + Suggestions.didYouMean(path, among: paths),
            at: keyNode, note: paths.isEmpty ? "this sweep has no axes" : "axes: " + Suggestions.list(paths))
          valid = false
          continue
        }
        guard let parsed = assignment(section: section, key: key, path: path, value: value) else {
          valid = false
          continue
        }
        runs[path] = parsed.canonical
      }
      guard valid else { continue }
      claim.runs = runs
      section.claims.append(claim)
    }
    return section
  }
}
