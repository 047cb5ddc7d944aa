/// The report as structured content, rendered twice: as GitHub-flavoured Markdown
/// (report.md) and as self-contained HTML (report.html). Sections built here and
/// sections added by callers (`ReportSectionProvider`) share this one model, so a
/// new section appears in both files without renderer code.
public struct ReportDocument: Sendable {
  public var title: String
  public var sections: [ReportSection]

  public init(title: String, sections: [ReportSection]) {
    self.title = title
    self.sections = sections
  }
}

/// A titled part of the report. `id` is the HTML anchor (letters, digits, '-').
public struct ReportSection: Sendable {
  public var id: String
  public var title: String
  public var blocks: [ReportBlock]
  /// Where a section added by a caller goes; built-in sections ignore it.
  public var placement: Placement

  public enum Placement: Sendable {
    /// Right after the overview (e.g. a published-vs-measured verdict table).
    case afterOverview
    /// After the built-in tables.
    case end
  }

  public init(id: String, title: String, blocks: [ReportBlock], placement: Placement = .afterOverview) {
    self.id = id
    self.title = title
    self.blocks = blocks
    self.placement = placement
  }
}

/// A piece of content.
public enum ReportBlock: Sendable {
  case paragraph(RichText)
  case subheading(String)
  case table(ReportTable)
  case bulletList([RichText])
  /// A chart: only report.html draws it; report.md points to it.
  case figure(ReportFigure)
}

/// Text with minimal inline markup.
public typealias RichText = [Inline]

public enum Inline: Sendable, Equatable, ExpressibleByStringLiteral {
  case text(String)
  case strong(String)
  case code(String)

  public init(stringLiteral value: String) { self = .text(value) }
}

/// A table. Cells are plain text with a style; numbers are right-aligned.
public struct ReportTable: Sendable {
  public var header: [String]
  public var rows: [[ReportCell]]
  /// Columns whose cells are numbers (right-aligned).
  public var numericColumns: Set<Int>
  /// Printed under the table.
  public var note: RichText?

  public init(header: [String], rows: [[ReportCell]], numericColumns: Set<Int> = [], note: RichText? = nil) {
    self.header = header
    self.rows = rows
    self.numericColumns = numericColumns
    self.note = note
  }
}

public struct ReportCell: Sendable, Equatable, ExpressibleByStringLiteral {
  public var text: String
  public var style: Style

  public enum Style: Sendable, Equatable {
    case plain
    /// The best row of a comparison: bold.
    case strong
    /// A verdict cell (issue 6's published-vs-measured): ✅ pass / ❌ fail.
    case pass
    case fail
    /// Secondary information (e.g. "—").
    case muted
  }

  public init(_ text: String, style: Style = .plain) {
    self.text = text
    self.style = style
  }

  public init(stringLiteral value: String) { self.init(value) }
}

/// A chart: one `<svg>` element (already rendered), its title and caption.
public struct ReportFigure: Sendable {
  /// Chart id, e.g. "loss"; the SVG carries id "chart-<id>".
  public var id: String
  public var title: String
  public var svg: String
  public var caption: RichText
  /// When set, report.md shows the chart as an image: `ReportWriter` writes `svg` to
  /// this file next to report.md (GitHub and most Markdown viewers draw SVG images);
  /// otherwise report.md links to the chart in report.html.
  public var markdownImage: String?

  public init(id: String, title: String, svg: String, caption: RichText, markdownImage: String? = nil) {
    self.id = id
    self.title = title
    self.svg = svg
    self.caption = caption
    self.markdownImage = markdownImage
  }
}
