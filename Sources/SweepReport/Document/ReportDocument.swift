/// The report as structured content, rendered twice: as GitHub-flavoured Markdown
/// (report.md) and as self-contained HTML (report.html). Sections built here and
/// sections added by callers (`ReportSectionProvider`) share this one model, so a
/// new section appears in both files without renderer code.
package struct ReportDocument: Sendable {
  package var title: String
  package var sections: [ReportSection]

  package init(title: String, sections: [ReportSection]) {
    self.title = title
    self.sections = sections
  }
}

/// A titled part of the report. `id` is the HTML anchor (letters, digits, '-').
package struct ReportSection: Sendable {
  package var id: String
  package var title: String
  package var blocks: [ReportBlock]
  /// Where a section added by a caller goes; built-in sections ignore it.
  package var placement: Placement

  package enum Placement: Sendable {
    /// Right after the overview (e.g. a published-vs-measured verdict table).
    case afterOverview
    /// After the built-in tables.
    case end
  }

  package init(id: String, title: String, blocks: [ReportBlock], placement: Placement = .afterOverview) {
    self.id = id
    self.title = title
    self.blocks = blocks
    self.placement = placement
  }
}

/// A piece of content.
package enum ReportBlock: Sendable {
  case paragraph(RichText)
  case subheading(String)
  case table(ReportTable)
  case bulletList([RichText])
  /// A chart: only report.html draws it; report.md points to it.
  case figure(ReportFigure)
}

/// Text with minimal inline markup.
package typealias RichText = [Inline]

package enum Inline: Sendable, Equatable, ExpressibleByStringLiteral {
  case text(String)
  case strong(String)
  case code(String)

  package init(stringLiteral value: String) { self = .text(value) }
}

/// A table. Cells are plain text with a style; numbers are right-aligned.
package struct ReportTable: Sendable {
  package var header: [String]
  package var rows: [[ReportCell]]
  /// Columns whose cells are numbers (right-aligned).
  package var numericColumns: Set<Int>
  /// Printed under the table.
  package var note: RichText?

  package init(header: [String], rows: [[ReportCell]], numericColumns: Set<Int> = [], note: RichText? = nil) {
    self.header = header
    self.rows = rows
    self.numericColumns = numericColumns
    self.note = note
  }
}

package struct ReportCell: Sendable, Equatable, ExpressibleByStringLiteral {
  package var text: String
  package var style: Style

  package enum Style: Sendable, Equatable {
    case plain
    /// The best row of a comparison: bold.
    case strong
    /// A verdict cell (issue 6's published-vs-measured): ✅ pass / ❌ fail.
    case pass
    case fail
    /// Secondary information (e.g. "—").
    case muted
  }

  package init(_ text: String, style: Style = .plain) {
    self.text = text
    self.style = style
  }

  package init(stringLiteral value: String) { self.init(value) }
}

/// A chart: one `<svg>` element (already rendered), its title and caption.
package struct ReportFigure: Sendable {
  /// Chart id, e.g. "loss"; the SVG carries id "chart-<id>".
  package var id: String
  package var title: String
  package var svg: String
  package var caption: RichText
  /// When set, report.md shows the chart as an image: `ReportWriter` writes `svg` to
  /// this file next to report.md (GitHub and most Markdown viewers draw SVG images);
  /// otherwise report.md links to the chart in report.html.
  package var markdownImage: String?

  package init(id: String, title: String, svg: String, caption: RichText, markdownImage: String? = nil) {
    self.id = id
    self.title = title
    self.svg = svg
    self.caption = caption
    self.markdownImage = markdownImage
  }
}
