import Foundation

/// `manifest.json` of a results folder: every run the sweep PLANNED, so a report can
/// say which are missing, plus the sweep's identity, the `report:` section and the
/// `reference:` section (the published results the report compares with; absent when
/// the sweep has none).
///
/// Decoding is lenient about what a reader can do without (description, report,
/// version, cores, jobs default to empty/nil) and strict about what it cannot
/// (name, axes, runs).
package struct SweepManifest: Sendable, Equatable, Codable {
  package var name: String
  package var description: String
  /// Dotted paths of the swept fields, in the order the sweep declares them.
  package var axes: [String]
  /// The sweep's `zip` groups of two or more axes (paths), which vary as one; empty
  /// in manifests written before gradsweep recorded them.
  package var zipGroups: [[String]]
  package var runs: [ManifestRun]
  package var report: ReportSpec
  package var reference: ReferenceSection?
  package var gradsweepVersion: String?
  /// ISO-8601 creation time, as written (kept as text so any ISO variant survives).
  package var created: String?
  package var cores: Int?
  package var jobs: Int?

  package init(
    name: String, description: String = "", axes: [String], zipGroups: [[String]] = [], runs: [ManifestRun],
    report: ReportSpec = ReportSpec(), reference: ReferenceSection? = nil, gradsweepVersion: String? = nil,
    created: String? = nil, cores: Int? = nil, jobs: Int? = nil
  ) {
    self.name = name
    self.description = description
    self.axes = axes
    self.zipGroups = zipGroups
    self.runs = runs
    self.report = report
    self.reference = reference
    self.gradsweepVersion = gradsweepVersion
    self.created = created
    self.cores = cores
    self.jobs = jobs
  }

  enum CodingKeys: String, CodingKey {
    case name, description, axes, runs, report, reference
    case zipGroups = "zip_groups"
    case gradsweepVersion = "gradsweep_version"
    case created, cores, jobs
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
    axes = try c.decode([String].self, forKey: .axes)
    zipGroups = try c.decodeIfPresent([[String]].self, forKey: .zipGroups) ?? []
    runs = try c.decode([ManifestRun].self, forKey: .runs)
    report = try c.decodeIfPresent(ReportSpec.self, forKey: .report) ?? ReportSpec()
    reference = try c.decodeIfPresent(ReferenceSection.self, forKey: .reference)
    gradsweepVersion = try c.decodeIfPresent(String.self, forKey: .gradsweepVersion)
    created = try c.decodeIfPresent(String.self, forKey: .created)
    cores = try c.decodeIfPresent(Int.self, forKey: .cores)
    jobs = try c.decodeIfPresent(Int.self, forKey: .jobs)
  }

  /// The axes a report groups by: the manifest's axes without `seed`, because seeds
  /// are replicates (summary.csv has its own `seed` column) and are averaged over.
  package var groupingAxes: [String] { axes.filter { $0 != "seed" } }

  /// Pretty, key-sorted JSON as written to `manifest.json`.
  package func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads and decodes `manifest.json`; one that does not decode is `ResultsError.damaged`.
  package static func read(from url: URL) throws -> SweepManifest {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ResultsError.missingFile(path: url.path, what: "the sweep's manifest (written by `gradsweep run`)")
    }
    do {
      return try JSONDecoder().decode(SweepManifest.self, from: data)
    } catch {
      throw ResultsError.damaged(
        path: url.path, line: nil, problem: JSONProblem.describe(error, data: data),
        fix: "it lists the sweep's planned runs and is written by `gradsweep run`: restore it, or run the sweep file again with `--resume` (finished runs are kept)")
    }
  }
}

/// One planned run of a sweep.
package struct ManifestRun: Sendable, Equatable, Codable {
  package var runID: String
  package var index: Int
  /// Axis path → value, as text (numbers as written in the sweep).
  package var axisValues: [String: String]
  package var seed: Int

  package init(runID: String, index: Int, axisValues: [String: String], seed: Int) {
    self.runID = runID
    self.index = index
    self.axisValues = axisValues
    self.seed = seed
  }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id", index, axisValues = "axis_values", seed
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    runID = try c.decode(String.self, forKey: .runID)
    index = try c.decodeIfPresent(Int.self, forKey: .index) ?? 0
    seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? 0
    // Values should be strings; accept numbers and booleans too, spelled as JSON does.
    let raw = try c.decodeIfPresent([String: LooseText].self, forKey: .axisValues) ?? [:]
    axisValues = raw.mapValues(\.text)
  }
}

/// A JSON scalar read as text: strings as they are, numbers and booleans spelled out.
struct LooseText: Decodable {
  var text: String
  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let s = try? c.decode(String.self) {
      text = s
    } else if let i = try? c.decode(Int.self) {
      text = String(i)
    } else if let d = try? c.decode(Double.self) {
      text = String(d)
    } else if let b = try? c.decode(Bool.self) {
      text = String(b)
    } else if c.decodeNil() {
      text = ""
    } else {
      text = ""
    }
  }
}
