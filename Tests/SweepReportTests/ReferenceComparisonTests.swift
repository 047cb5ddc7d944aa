import Foundation
import SweepResults
import Testing
import TidyCSV

@testable import SweepReport

/// The "Published vs measured" section on the synthetic sweep (SyntheticSweep.standard():
/// sigmoid/relu × depth 2/4 × seeds 1–3; relu/d4/s3 diverged, sigmoid/d2/s3 failed,
/// sigmoid/d4/s3 never ran), whose numbers follow closed forms: hidden layer ℓ of L has
/// ‖∂L/∂b‖ = g·r^(L−ℓ) (r = 0.25 for sigmoid, 0.9 for relu), the output layer 2g.
@Suite struct ReferenceComparisonTests {
  /// The standard sweep with `reference` added to its manifest.json, as `gradsweep run`
  /// writes it.
  static func folder(reference: [String: Any]) throws -> URL {
    let folder = try SyntheticSweep.temporaryFolder("reference")
    try SyntheticSweep.standard().write(to: folder)
    let url = folder.appendingPathComponent("manifest.json")
    var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    manifest["reference"] = reference
    try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: url)
    return folder
  }

  static var claims: [[String: Any]] {
    [
    // 1. r^(L−1) = 0.25³ for every sigmoid/d4 run: pass.
    [
      "claim": "sigmoid loses the gradient", "location": "Fig. 1", "runs": ["model.activation": "sigmoid", "model.depth": "4"],
      "metric": "grad_ratio_init", "published": 0.0156, "published_text": "(1/4)^3", "tolerance": 0.001,
      "differs": "synthetic data",
    ],
    // 2. relu/d2 accuracies are 0.91, ~0.90, 0.93: the mean misses 0.95.
    [
      "claim": "relu d2 is accurate", "runs": ["model.activation": "relu", "model.depth": "2"],
      "metric": "final_val_accuracy", "at_least": 0.95,
    ],
    // 3. One of the three relu/d4 runs diverged.
    [
      "claim": "relu d4 rarely diverges", "runs": ["model.activation": "relu", "model.depth": "4"],
      "metric": "diverged_fraction", "at_most": 0.5,
    ],
    // 4. No run has depth 8: not measured, never a pass.
    ["claim": "depth 8", "runs": ["model.depth": "8"], "metric": "final_loss", "at_most": 10],
    // 5. No bound: shown, not judged.
    ["claim": "relu d2 best accuracy", "runs": ["model.activation": "relu", "model.depth": "2"], "metric": "final_val_accuracy", "statistic": "max"],
    // 6. relu/d4: the diverged run's final loss is nan and is left out of the mean.
    [
      "claim": "relu d4 final loss", "runs": ["model.activation": "relu", "model.depth": "4"], "metric": "final_loss",
      "statistic": "median", "at_most": 5,
    ],
    ]
  }

  static func reference() -> [String: Any] {
    ["source": "Synthetic et al. 2025", "url": "https://example.org/paper", "setting": "our synthetic setting", "claims": claims]
  }

  @Test func sectionFollowsTheOverviewWithOneRowPerClaimAndVerdicts() throws {
    let folder = try Self.folder(reference: Self.reference())
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try ReportWriter.write(for: folder, now: Date(timeIntervalSince1970: 1_750_000_000))
    let markdown = try String(contentsOf: files.markdown, encoding: .utf8)
    let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }
    // The finding (issue 18's headline) first, then the overview and this section.
    #expect(Array(headings.prefix(3)) == ["## Finding", "## Overview", "## Published vs measured"])

    let table = try #require(MarkdownTableParser.tables(in: markdown)["Published vs measured"])
    #expect(table.header == ["#", "claim", "source", "published", "measured", "over", "accepted", "verdict"])
    #expect(table.rows.count == Self.claims.count)
    let verdicts = try #require(table.column("verdict"))
    #expect(verdicts[0].contains("pass"))
    #expect(verdicts[1].contains("fail"))
    #expect(verdicts[2].contains("pass"))
    #expect(verdicts[3] == "not measured")
    #expect(verdicts[4] == "—")
    #expect(verdicts[5].contains("pass"))
    #expect(table.rows[0][2] == "Fig. 1")
    #expect(table.rows[0][3] == "(1/4)^3 (0.0156)")
    #expect(table.rows[0][6] == "0.0156 ± 0.001")
    #expect(table.rows[1][6] == "≥ 0.95")
    #expect(table.rows[3][4] == "no runs")
    #expect(markdown.contains("**3 of 5 checked claims pass**; 1 fails; 1 not measured"))
    #expect(markdown.contains("synthetic data"))  // the claim's `differs`
    #expect(markdown.contains("our synthetic setting"))

    // Measured values recomputed from summary.csv, independently of the section.
    let summary = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv")).records
      .filter { $0["status"] != "failed" && $0["status"] != "interrupted" }
    func values(_ activation: String, _ depth: String, _ column: String) -> [Double] {
      summary.filter { $0["model.activation"] == activation && $0["model.depth"] == depth }
        .compactMap { $0[column].flatMap(CSVTable.number) }.filter(\.isFinite)
    }
    let measured = try #require(table.column("measured")).map(Double.init)
    let ratios = values("sigmoid", "4", "grad_ratio_init")
    #expect(ratios.count == 2)  // seed 3 never ran
    #expect(abs(measured[0]! - pow(0.25, 3)) < 1e-4)
    let accuracies = values("relu", "2", "final_val_accuracy")
    #expect(abs(measured[1]! - accuracies.reduce(0, +) / 3) < 5e-3)
    #expect(abs(measured[2]! - 1.0 / 3) < 5e-3)
    #expect(abs(measured[4]! - accuracies.max()!) < 5e-3)
    let losses = values("relu", "4", "final_loss")
    #expect(losses.count == 2)  // the diverged run's nan is left out ...
    #expect(abs(measured[5]! - (losses[0] + losses[1]) / 2) < 5e-3 * losses[0])  // ... median of two = their mean
    #expect(table.rows[5][5] == "median final_loss, 2 runs (1 without a finite value left out)")

    // report.html carries the same verdicts as classes.
    let html = try ParsedHTML(String(contentsOf: files.html, encoding: .utf8))
    #expect(try html.count("//*[local-name()='section'][@id='published-vs-measured']//*[local-name()='td'][contains(@class, 'pass')]") == 3)
    #expect(try html.count("//*[local-name()='section'][@id='published-vs-measured']//*[local-name()='td'][contains(@class, 'fail')]") == 1)
  }

  @Test func noReferenceSectionMeansNoTable() throws {
    let folder = try SyntheticSweep.temporaryFolder("noreference")
    defer { try? FileManager.default.removeItem(at: folder) }
    try SyntheticSweep.standard().write(to: folder)
    let files = try ReportWriter.write(for: folder, now: Date())
    #expect(!(try String(contentsOf: files.markdown, encoding: .utf8)).contains("Published vs measured"))
  }

  @Test func manifestCarriesTheReferenceSection() throws {
    var claim = ReferenceClaim(claim: "ratio", metric: "grad_ratio_init")
    claim.runs = ["model.depth": "8"]
    claim.published = 0.01
    claim.relativeTolerance = 0.5
    var reference = ReferenceSection()
    reference.source = "Nielsen 2015"
    reference.claims = [claim]
    let manifest = SweepManifest(
      name: "x", axes: ["model.depth"], runs: [ManifestRun(runID: "a", index: 0, axisValues: ["model.depth": "8"], seed: 1)],
      reference: reference)
    let decoded = try JSONDecoder().decode(SweepManifest.self, from: manifest.jsonData())
    #expect(decoded == manifest)
    let json = try #require(try JSONSerialization.jsonObject(with: manifest.jsonData()) as? [String: Any])
    let claims = try #require((json["reference"] as? [String: Any])?["claims"] as? [[String: Any]])
    #expect(claims.first?["relative_tolerance"] as? Double == 0.5)
    // A manifest without the key (older runs) reads as no reference.
    let bare = try JSONDecoder().decode(SweepManifest.self, from: Data(#"{"name": "x", "axes": [], "runs": []}"#.utf8))
    #expect(bare.reference == nil)
  }

  // MARK: per-layer metrics

  func measure(_ metric: String, _ runs: [String: String], statistic: ReferenceStatistic = .mean) throws -> Double? {
    let folder = try SyntheticSweep.temporaryFolder("layers")
    defer { try? FileManager.default.removeItem(at: folder) }
    try SyntheticSweep.standard().write(to: folder)
    let data = ReportData(folder: try ResultsFolder(url: folder), generated: Date())
    var claim = ReferenceClaim(claim: metric, metric: metric)
    claim.runs = runs
    claim.statistic = statistic
    return ReferenceComparisonSection.measure(claim, in: data).value
  }

  @Test func layerMetricsReadLayersCSVAtTheirLayerAndStep() throws {
    let sweep = SyntheticSweep.standard()
    let sigmoidD2 = sweep.runs.filter { $0.axisValues == ["model.activation": "sigmoid", "model.depth": "2"] && $0.status != "failed" }
    #expect(sigmoidD2.count == 2)
    func mean(_ f: (SyntheticSweep.Run) -> Double) -> Double { sigmoidD2.map(f).reduce(0, +) / Double(sigmoidD2.count) }
    let runs = ["model.activation": "sigmoid", "model.depth": "2"]
    // ‖∂L/∂b‖ of layer 1 at step 0 (the default step).
    let layer1 = try #require(try measure("grad_b_norm[1]", runs))
    #expect(abs(layer1 - mean { sweep.gradient($0, layer: 1, 0) }) < 1e-12)
    // L, L+1 (the output layer) and explicit / last steps.
    let last = try #require(try measure("grad_b_norm[L]@last", runs))
    #expect(abs(last - mean { sweep.gradient($0, layer: 2, sweep.steps) }) < 1e-12)
    let output = try #require(try measure("grad_b_norm[L+1]@20", runs))
    #expect(abs(output - mean { sweep.gradient($0, layer: 3, 20) }) < 1e-12)
    // A ratio is formed per run: r^(L−1) for every run.
    let ratio = try #require(try measure("grad_b_norm[1]/grad_b_norm[L]", runs))
    #expect(abs(ratio - 0.25) < 1e-12)
    // Other columns, statistics over runs.
    #expect(try measure("act_std[L]", runs) == 0.2)
    let deepest = try #require(try measure("grad_b_norm[L-1]", ["model.activation": "relu"], statistic: .max))
    let relu = sweep.runs.filter { $0.axisValues["model.activation"] == "relu" }
    let expected = relu.map { sweep.gradient($0, layer: $0.depth - 1, 0) }.max()!
    #expect(abs(deepest - expected) < 1e-12)
    // No such layer or step in any run: nothing measured.
    #expect(try measure("grad_b_norm[7]", runs) == nil)
    #expect(try measure("grad_b_norm[1]@13", runs) == nil)
  }

  /// `steps_to_loss[X]`: the first logged step whose metrics.csv loss is ≤ X, per run; a
  /// run that never gets there is +∞ and makes the statistic +∞ (never dropped).
  @Test func stepsToLossReadsMetricsCSVsFirstCrossing() throws {
    let sweep = SyntheticSweep.standard()
    let runs = ["model.activation": "relu", "model.depth": "2"]
    let matching = sweep.runs.filter { $0.axisValues == runs && $0.status != nil && $0.status != "failed" }
    #expect(!matching.isEmpty)
    func first(_ run: SyntheticSweep.Run, _ x: Double) -> Double? {
      sweep.loggedSteps(run).first { sweep.loss(run, $0) <= x }.map(Double.init)
    }
    let threshold = 1.5
    let expected = matching.map { first($0, threshold)! }
    let measured = try #require(try measure("steps_to_loss[1.5]", runs, statistic: .max))
    #expect(measured == expected.max()!)
    #expect(measured > 0 && measured.truncatingRemainder(dividingBy: Double(sweep.every)) == 0)
    // Already below at step 0: 0. Never reached: +∞, kept.
    #expect(try measure("steps_to_loss[3]", runs) == 0)
    #expect(try measure("steps_to_loss[1e-9]", runs) == .infinity)
    // Parsing: a finite number in brackets, canonical description round-trips.
    #expect(ReferenceMetric(parsing: "steps_to_loss[0.0625]") == .stepsToLoss(0.0625))
    #expect(ReferenceMetric(parsing: ReferenceMetric.stepsToLoss(0.5).description) == .stepsToLoss(0.5))
    for bad in ["steps_to_loss", "steps_to_loss[]", "steps_to_loss[x]", "steps_to_loss[inf]", "steps_to_loss[1]@2"] {
      #expect(ReferenceMetric(parsing: bad) == nil, "\(bad)")
    }
  }

  /// `steps_to_val_accuracy[X]`: the first logged step whose validation accuracy is ≥ X
  /// (steps without a validation pass do not count); never reached is +∞, kept.
  @Test func stepsToValAccuracyReadsTheValidatedSteps() throws {
    let sweep = SyntheticSweep.standard()
    let runs = ["model.activation": "relu", "model.depth": "2"]
    let matching = sweep.runs.filter { $0.axisValues == runs && $0.status != nil && $0.status != "failed" }
    let threshold = 0.7 * matching.map(\.finalValAccuracy).min()!
    let expected = matching.map { run in
      Double(sweep.loggedSteps(run).first { sweep.hasValidation($0) && sweep.valAccuracy(run, $0) >= threshold }!)
    }
    let measured = try #require(try measure("steps_to_val_accuracy[\(threshold)]", runs, statistic: .max))
    #expect(measured == expected.max()! && measured > 0)
    #expect(Int(measured) % (2 * sweep.every) == 0 || Int(measured) == sweep.steps)
    #expect(try measure("steps_to_val_accuracy[1.5]", runs) == .infinity)
    #expect(ReferenceMetric(parsing: "steps_to_val_accuracy[0.4]") == .stepsToValAccuracy(0.4))
    #expect(ReferenceMetric(parsing: ReferenceMetric.stepsToValAccuracy(0.5).description) == .stepsToValAccuracy(0.5))
    for bad in ["steps_to_val_accuracy", "steps_to_val_accuracy[]", "steps_to_val_accuracy[nan]"] {
      #expect(ReferenceMetric(parsing: bad) == nil, "\(bad)")
    }
  }

  /// Ensemble statistics (Hanin & Rolnick's variance over initialisations): the sample
  /// variance (k − 1) and the mean and variance of ln over the runs, and the derived
  /// `act_sq` = act_mean² + act_std².
  @Test func ensembleStatisticsAndTheMeanSquareActivation() throws {
    let sweep = SyntheticSweep.standard()
    let relu = sweep.runs.filter { $0.axisValues["model.activation"] == "relu" && $0.status != "failed" }
    let runs = ["model.activation": "relu"]
    let values = relu.map { sweep.gradient($0, layer: 1, 0) }
    #expect(values.count >= 3)
    func variance(_ x: [Double]) -> Double {
      let m = x.reduce(0, +) / Double(x.count)
      return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }
    let measured = try #require(try measure("grad_b_norm[1]", runs, statistic: .variance))
    #expect(abs(measured - variance(values)) < 1e-12 * variance(values) + 1e-18)
    let logs = values.map { log($0) }
    let meanOfLog = try #require(try measure("grad_b_norm[1]", runs, statistic: .meanOfLog))
    #expect(abs(meanOfLog - logs.reduce(0, +) / Double(logs.count)) < 1e-12)
    let varianceOfLog = try #require(try measure("grad_b_norm[1]", runs, statistic: .varianceOfLog))
    #expect(abs(varianceOfLog - variance(logs)) < 1e-12)
    #expect(varianceOfLog > 0)
    // One run has no variance.
    let one = relu[0].axisValues.merging(["model.depth": String(relu[0].depth)]) { $1 }
    let single = sweep.runs.filter { $0.axisValues == one && $0.status != "failed" }
    if single.count == 1 { #expect(try measure("grad_b_norm[1]", one, statistic: .variance) == nil) }
    // act_sq: act_mean 0.5, act_std 0.2 in every synthetic run.
    let square = try #require(try measure("act_sq[L]", runs))
    #expect(abs(square - 0.29) < 1e-12)
    #expect(try measure("act_sq[L]/act_sq[1]", runs) == 1)
    #expect(ReferenceMetric(parsing: "act_sq[L]") != nil)
  }

  @Test func unmeasurableClaimsNeverPass() throws {
    let folder = try SyntheticSweep.temporaryFolder("unmeasurable")
    defer { try? FileManager.default.removeItem(at: folder) }
    try SyntheticSweep.standard().write(to: folder)
    let data = ReportData(folder: try ResultsFolder(url: folder), generated: Date())
    // An unknown metric (a manifest from a newer gradsweep) is shown as not measured.
    var unknown = ReferenceClaim(claim: "x", metric: "test_top5_accuracy")
    unknown.atLeast = 0
    let a = ReferenceComparisonSection.measure(unknown, in: data)
    #expect(a.metric == nil && a.outcome == .notMeasured)
    // Runs that exist but have no value for the metric: a bound cannot pass on nothing.
    var missing = ReferenceClaim(claim: "y", metric: "grad_b_norm[7]")
    missing.atMost = 1
    let b = ReferenceComparisonSection.measure(missing, in: data)
    #expect(b.matchingRuns == 10 && b.usedRuns == 0 && b.value == nil && b.outcome == .fail)
    // The section lists both, with the reason in the measured column.
    let section = try #require(try ReferenceComparisonSection(reference: {
      var r = ReferenceSection()
      r.claims = [unknown, missing]
      return r
    }()).sections(for: data).first)
    let table = try #require(section.blocks.compactMap { block -> ReportTable? in
      if case .table(let t) = block { return t }
      return nil
    }.first)
    #expect(table.rows.map { $0[4].text } == ["unknown metric", "no finite value"])
    #expect(table.rows.map { $0[7].text } == ["not measured", "fail"])
  }

  @Test func metricVocabulary() {
    let accepted: [(String, ReferenceMetric)] = [
      ("grad_ratio_init", .summary(.gradRatioInit)),
      ("diverged_fraction", .divergedFraction),
      ("grad_b_norm[1]", .layer(LayerQuantity(column: "grad_b_norm", layer: .number(1)))),
      ("act_std[L]@last", .layer(LayerQuantity(column: "act_std", layer: .fromLast(0), step: .last))),
      ("dead_frac[L-2]@100", .layer(LayerQuantity(column: "dead_frac", layer: .fromLast(-2), step: .number(100)))),
      ("preact_mean[L+1]", .layer(LayerQuantity(column: "preact_mean", layer: .fromLast(1)))),
      (
        "act_std[L] / act_std[1]",
        .ratio(
          LayerQuantity(column: "act_std", layer: .fromLast(0)), LayerQuantity(column: "act_std", layer: .number(1)))
      ),
    ]
    for (text, metric) in accepted {
      #expect(ReferenceMetric(parsing: text) == metric, "\(text)")
      // The description is the canonical spelling and parses back.
      #expect(ReferenceMetric(parsing: metric.description) == metric)
    }
    for bad in [
      "", "grad_b_norm", "grad_b_norm[0]", "grad_b_norm[L+2]", "grad_b_norm[x]", "grad_b_norm[1]@", "grad_b_norm[1]@-1",
      "loss[1]", "final_loss[1]", "grad_b_norm[1]/", "a/b/c", "grad_b_norm[1]extra", "grad_ratio_init/grad_ratio_final",
    ] {
      #expect(ReferenceMetric(parsing: bad) == nil, "\(bad)")
    }
    // Every summary metric the sweep schema accepts is in the vocabulary.
    for name in ReferenceClaim.metrics { #expect(ReferenceMetric(parsing: name) != nil, "\(name)") }
    // Layer L resolves per network; beyond the output layer there is nothing.
    #expect(LayerIndex.fromLast(0).resolve(hiddenLayers: 4) == 4)
    #expect(LayerIndex.fromLast(1).resolve(hiddenLayers: 4) == 5)
    #expect(LayerIndex.fromLast(-4).resolve(hiddenLayers: 4) == nil)
    #expect(LayerIndex.number(6).resolve(hiddenLayers: 4) == nil)
  }
}
