/// Renders a report document as one self-contained HTML page: inline CSS, inline
/// SVG, one small inline script (`PageScript`: legend clicks), no font, image or
/// script fetched. The markup is also well-formed XML
/// (every element closed, text escaped, no named entities beyond XML's own), so
/// XML tools can read it.
enum HTMLRenderer {
  static func render(_ doc: ReportDocument) -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
    out += "<meta name=\"generator\" content=\"gradsweep\"/>\n"
    out += "<title>\(XMLText.escape(doc.title))</title>\n<style>\n\(css)</style>\n</head>\n<body>\n<main>\n"
    out += "<h1>\(XMLText.escape(doc.title))</h1>\n"
    if doc.sections.count > 2 {
      out += "<nav class=\"toc\"><ul>"
      for section in doc.sections {
        out += "<li><a href=\"#\(XMLText.escape(section.id))\">\(XMLText.escape(section.title))</a></li>"
      }
      out += "</ul></nav>\n"
    }
    for section in doc.sections {
      out += "<section id=\"\(XMLText.escape(section.id))\">\n<h2>\(XMLText.escape(section.title))</h2>\n"
      for block in section.blocks { out += render(block) }
      out += "</section>\n"
    }
    out += "</main>\n<script>//<![CDATA[\n\(PageScript.source)\n//]]></script>\n</body>\n</html>\n"
    return out
  }

  static func render(_ block: ReportBlock) -> String {
    switch block {
    case .paragraph(let text): return "<p>\(inline(text))</p>\n"
    case .subheading(let text): return "<h3>\(XMLText.escape(text))</h3>\n"
    case .bulletList(let items): return "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>\n"
    case .figure(let f):
      return
        "<figure id=\"figure-\(XMLText.escape(f.id))\">\n<h3>\(XMLText.escape(f.title))</h3>\n\(f.svg)\n<figcaption>\(inline(f.caption))</figcaption>\n</figure>\n"
    case .table(let table): return render(table)
    }
  }

  static func render(_ table: ReportTable) -> String {
    let keyValue = table.header.allSatisfy(\.isEmpty)
    var out = "<div class=\"table-wrap\"><table\(keyValue ? " class=\"key-value\"" : "")>"
    if !keyValue {
      out += "<thead><tr>"
      for (i, h) in table.header.enumerated() {
        out += "<th\(table.numericColumns.contains(i) ? " class=\"num\"" : "")>\(XMLText.escape(h))</th>"
      }
      out += "</tr></thead>"
    }
    out += "<tbody>"
    for row in table.rows {
      let best = row.contains { $0.style == .strong }
      out += best && !keyValue ? "<tr class=\"best\">" : "<tr>"
      for (i, c) in row.enumerated() {
        let tag = keyValue && i == 0 ? "th" : "td"
        var classes: [String] = []
        if table.numericColumns.contains(i) { classes.append("num") }
        switch c.style {
        case .plain, .strong: break
        case .muted: classes.append("muted")
        case .pass: classes.append("pass")
        case .fail: classes.append("fail")
        }
        let cls = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
        var text = XMLText.escape(c.text)
        switch c.style {
        case .strong: text = "<strong>\(text)</strong>"
        case .pass: text = "✓ " + text
        case .fail: text = "✗ <strong>\(text)</strong>"
        default: break
        }
        out += "<\(tag)\(cls)>\(text)</\(tag)>"
      }
      out += "</tr>"
    }
    out += "</tbody></table></div>\n"
    if let note = table.note { out += "<p class=\"note\">\(inline(note))</p>\n" }
    return out
  }

  static func inline(_ text: RichText) -> String {
    text.map { piece in
      switch piece {
      case .text(let s): XMLText.escape(s)
      case .strong(let s): "<strong>\(XMLText.escape(s))</strong>"
      case .code(let s): "<code>\(XMLText.escape(s))</code>"
      }
    }.joined()
  }

  static let css = """
    :root { color-scheme: light; }
    body { margin: 0; background: #F7F7F5; color: #1A1A1A;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1200px; margin: 0 auto; padding: 24px 20px 64px; background: #FFFFFF; }
    h1 { font-size: 26px; margin: 0 0 12px; }
    h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #E3E3E0; }
    h3 { font-size: 16px; margin: 22px 0 8px; }
    p { margin: 8px 0; max-width: 75em; }
    p.note, figcaption { color: #4A4A4A; font-size: 13px; }
    code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em;
      background: #F1F1EE; padding: 1px 4px; border-radius: 3px; }
    nav.toc ul { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 0 0 8px; font-size: 14px; }
    a { color: #0060A0; }
    figure { margin: 18px 0 30px; }
    figure svg { display: block; width: 100%; height: auto; }
    .table-wrap { overflow-x: auto; margin: 8px 0; }
    table { border-collapse: collapse; font-size: 13.5px; }
    th, td { padding: 4px 8px; border-bottom: 1px solid #E3E3E0; text-align: left; white-space: nowrap; vertical-align: top; }
    thead th { white-space: normal; background: #EFEFEC; border-bottom: 2px solid #CFCFCA; position: sticky; top: 0; }
    tbody tr:nth-child(even) { background: #FAFAF8; }
    tr.best { background: #FFF3D6 !important; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.muted { color: #8A8A8A; }
    td.pass { color: #00684A; font-weight: 600; }
    td.fail { color: #A63A00; }
    /* The first column stays in view when a wide table (one column per layer) scrolls. */
    tbody td:first-child, thead th:first-child { position: sticky; left: 0; z-index: 1; background: #FFFFFF; }
    thead th:first-child { background: #EFEFEC; z-index: 2; }
    tbody tr:nth-child(even) td:first-child { background: #FAFAF8; }
    tbody tr.best td:first-child { background: #FFF3D6; }
    table.key-value th { background: none; font-weight: 600; color: #4A4A4A; }
    table.key-value td { white-space: normal; }
    /* Wide cells wrap rather than stretch the page; a wider table scrolls in its box. */
    td { white-space: normal; overflow-wrap: anywhere; min-width: 4em; }
    td.num { white-space: nowrap; }
    .legend-entry { cursor: pointer; }
    .legend-entry:hover .legend-label { text-decoration: underline; }
    .legend-entry.off { opacity: 0.3; }
    .hidden-series { display: none; }
    svg .series:hover { stroke-width: 3.5; }
    #gradsweep-selftest { white-space: pre-wrap; font-size: 11px; color: #555; }

    """
}
