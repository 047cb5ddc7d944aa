/// Reads the GFM tables of report.md back, independently of the renderer: each
/// `## Heading` (or `### Subheading`) maps to the first table under it.
enum MarkdownTableParser {
  struct Table {
    var header: [String]
    var rows: [[String]]
    /// Rows whose cells were all bold.
    var boldRows: Set<Int>

    func column(_ name: String) -> [String]? {
      header.firstIndex(of: name).map { i in rows.map { $0[i] } }
    }
  }

  static func tables(in markdown: String) -> [String: Table] {
    var out: [String: Table] = [:]
    var heading: String? = nil
    var current: Table? = nil
    func finish() {
      if let h = heading, let t = current, out[h] == nil { out[h] = t }
      current = nil
    }
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("## ") || line.hasPrefix("### ") {
        finish()
        heading = unescape(String(line.drop(while: { $0 == "#" }).dropFirst()))
        continue
      }
      guard line.hasPrefix("|") else {
        finish()
        continue
      }
      let cells = split(line)
      if current == nil {
        current = Table(header: cells.map { unescape($0) }, rows: [], boldRows: [])
      } else if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) {
        continue
      } else {
        let bold = cells.allSatisfy { $0.isEmpty || ($0.hasPrefix("**") && $0.hasSuffix("**")) }
        if bold { current!.boldRows.insert(current!.rows.count) }
        current!.rows.append(
          cells.map { c in
            var s = c
            if s.hasPrefix("**"), s.hasSuffix("**"), s.count >= 4 { s = String(s.dropFirst(2).dropLast(2)) }
            return unescape(s)
          })
      }
    }
    finish()
    return out
  }

  /// Splits "| a | b\|c |" into ["a", "b\|c"] (escaped pipes stay inside cells).
  static func split(_ line: String) -> [String] {
    var cells: [String] = []
    var cell = ""
    var escaped = false
    for ch in line.dropFirst() {
      if escaped {
        cell.append("\\")
        cell.append(ch)
        escaped = false
      } else if ch == "\\" {
        escaped = true
      } else if ch == "|" {
        cells.append(cell.trimming(" "))
        cell = ""
      } else {
        cell.append(ch)
      }
    }
    return cells
  }

  static func unescape(_ s: String) -> String {
    var out = ""
    var escaped = false
    for ch in s {
      if escaped {
        out.append(ch)
        escaped = false
      } else if ch == "\\" {
        escaped = true
      } else {
        out.append(ch)
      }
    }
    return out
  }

  /// "0.912 ± 0.013" → (0.912, 0.013); "0.9" → (0.9, nil); "—" → nil. A trailing
  /// "(k/n)" is ignored.
  static func meanAndDeviation(_ cell: String) -> (mean: Double, deviation: Double?)? {
    let text = cell.split(separator: "(").first.map { String($0).trimming(" ") } ?? cell
    let parts = text.components(separatedBy: " ± ")
    guard let mean = Double(parts[0]) else { return nil }
    return (mean, parts.count > 1 ? Double(parts[1]) : nil)
  }
}

extension String {
  func trimming(_ set: String) -> String {
    var s = Substring(self)
    while let f = s.first, set.contains(f) { s = s.dropFirst() }
    while let l = s.last, set.contains(l) { s = s.dropLast() }
    return String(s)
  }
}
