/// Adds sections to a report: the hook for content built outside this module,
/// e.g. the published-vs-measured table of the reproduced studies, which needs the
/// sweep file's `reference:` section.
///
/// A provider receives everything the report has read (`ReportData`) and returns
/// sections in the shared document model; both report.md and report.html render
/// them, placed per `ReportSection.placement`. A provider that throws stops the
/// report (nothing is written); return no sections when there is nothing to say.
package protocol ReportSectionProvider {
  func sections(for data: ReportData) throws -> [ReportSection]
}
