import SweepResults

/// Renders a report document as GitHub-flavoured Markdown. Charts are not drawn
/// here; their section links to report.html.
enum MarkdownRenderer {
  static func render(_ doc: ReportDocument, htmlName: String = ResultsLayout.reportHTMLFile) -> String {
    var out = "# \(escape(doc.title))\n"
    for section in doc.sections {
      out += "\n## \(escape(section.title))\n"
      var previousWasFigure = false
      for block in section.blocks {
        // A chart with its own image file is drawn in place, with its caption.
        if case .figure(let figure) = block, let image = figure.markdownImage {
          out += "\n![\(escape(figure.title))](\(image))\n\n" + inline(figure.caption) + "\n"
          previousWasFigure = false
          continue
        }
        // Other charts become one tight list of links to report.html.
        if case .figure = block {
          if !previousWasFigure { out += "\nThe charts are drawn in \(htmlName) (one self-contained file that opens offline):\n\n" }
          out += render(block, htmlName: htmlName)
          previousWasFigure = true
          continue
        }
        previousWasFigure = false
        out += "\n" + render(block, htmlName: htmlName)
      }
    }
    return out
  }

  static func render(_ block: ReportBlock, htmlName: String) -> String {
    switch block {
    case .paragraph(let text): return inline(text) + "\n"
    case .subheading(let text): return "### \(escape(text))\n"
    case .bulletList(let items): return items.map { "- " + inline($0) + "\n" }.joined()
    case .figure(let figure):
      return "- [\(escape(figure.title))](\(htmlName)#chart-\(figure.id))\n"
    case .table(let table): return render(table)
    }
  }

  static func render(_ table: ReportTable) -> String {
    var out = ""
    out += "| " + table.header.map(escape).joined(separator: " | ") + " |\n"
    out += "|" + table.header.indices.map { table.numericColumns.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
    for row in table.rows {
      out += "| " + row.map(cell).joined(separator: " | ") + " |\n"
    }
    if let note = table.note { out += "\n" + inline(note) + "\n" }
    return out
  }

  static func cell(_ c: ReportCell) -> String {
    let text = escape(c.text)
    switch c.style {
    case .plain, .muted: return text
    case .strong: return text.isEmpty ? text : "**\(text)**"
    case .pass: return "✅ \(text)"
    case .fail: return "❌ **\(text)**"
    }
  }

  static func inline(_ text: RichText) -> String {
    text.map { piece in
      switch piece {
      case .text(let s): return escape(s)
      case .strong(let s): return "**\(escape(s).trimmingTrailingSpace)**" + (s.hasSuffix(" ") ? " " : "")
      case .code(let s): return code(s)
      }
    }.joined()
  }

  /// A code span: backticks fence it; `|` still needs escaping inside tables.
  static func code(_ s: String) -> String {
    let fence = s.contains("`") ? "``" : "`"
    let body = s.replacingOccurrences(of: "|", with: "\\|")
    return fence + (fence.count > 1 ? " \(body) " : body) + fence
  }

  /// Escapes Markdown punctuation that would change meaning: \ ` * [ ] < > | and
  /// underscores not inside a word (GFM ignores intraword `_`, so `xavier_normal` stays readable).
  static func escape(_ s: String) -> String {
    var out = ""
    let chars = Array(s)
    for (i, ch) in chars.enumerated() {
      switch ch {
      case "\\", "`", "*", "[", "]", "<", ">", "|", "#":
        if ch == "#", i > 0 { out.append(ch); continue }
        out += "\\" + String(ch)
      case "_":
        let before = i > 0 && (chars[i - 1].isLetter || chars[i - 1].isNumber)
        let after = i + 1 < chars.count && (chars[i + 1].isLetter || chars[i + 1].isNumber)
        out += before && after ? "_" : "\\_"
      case "\n", "\r":
        out += " "
      default:
        out.append(ch)
      }
    }
    return out
  }
}

extension String {
  fileprivate var trimmingTrailingSpace: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
