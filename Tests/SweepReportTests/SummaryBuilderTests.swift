import SweepResults
import Foundation
import Testing
import TidyCSV

@testable import SweepReport

@Suite struct SummaryBuilderTests {
  @Test func rebuildWritesOneRowPerFinishedRunWithTheDefinedNumbers() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)

    let rebuild = try SummaryBuilder.rebuild(folder: folder)
    let table = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv"))
    #expect(
      table.header == [
        "run_id", "model.activation", "model.depth", "seed", "status", "steps", "final_loss", "final_accuracy",
        "final_val_loss", "final_val_accuracy", "best_val_accuracy", "grad_ratio_init", "grad_ratio_final", "seconds",
        "predicted_grad_ratio_init", "chi1", "q_star", "xi_c", "test_loss", "test_accuracy",
        "jacobian_eig_mean_init", "jacobian_eig_var_init", "jacobian_sv_max_init", "jacobian_eig_var_rel_init",
      ])
    let finished = sweep.runs.filter { $0.status != nil }
    #expect(table.rows.count == finished.count)
    #expect(table.rows.count == 11)
    #expect(rebuild.rows.count == 11)
    // Manifest order, the missing run left out.
    #expect(table.records.map { $0["run_id"]! } == finished.map(\.id))
    for (record, run) in zip(table.records, finished) {
      let expected = sweep.expectedRow(run)
      for column in table.header {
        // No run of the fixture has a prediction.json, a test split or log.jacobian: those columns are empty.
        let optional = [
          "predicted_grad_ratio_init", "chi1", "q_star", "xi_c", "test_loss", "test_accuracy", "jacobian_eig_mean_init",
          "jacobian_eig_var_init", "jacobian_sv_max_init", "jacobian_eig_var_rel_init",
        ]
        let want = expected[column] ?? (optional.contains(column) ? "" : nil)
        #expect(record[column] == want, "run \(run.id), column \(column)")
      }
    }
    // No temporary file left behind by the atomic write.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty)
  }

  /// A run's prediction.json fills the prediction columns beside its measurements; a
  /// prediction that does not apply leaves them empty.
  @Test func thePredictionColumnsComeFromEachRunsPredictionFile() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let finished = sweep.runs.filter { $0.status != nil }
    let applies = PredictionFile(
      applies: true, reason: nil, caveats: [], inputMeanSquare: 1, inputAssumed: false, qStar: 0.57, cStar: 1,
      chi1: 1.0, xiQ: 1.5, xiC: .infinity, criticalWeightVariance: 1.76, predictedGradRatioInit: 0.677, layers: [])
    let notApplies = PredictionFile(
      applies: false, reason: "batch normalisation", caveats: [], inputMeanSquare: 1, inputAssumed: false, qStar: nil,
      cStar: nil, chi1: nil, xiQ: nil, xiC: nil, criticalWeightVariance: nil, predictedGradRatioInit: nil, layers: [])
    let runs = folder.appendingPathComponent("runs")
    try applies.jsonData().write(to: runs.appendingPathComponent(finished[0].id).appendingPathComponent(PredictionFile.fileName))
    try notApplies.jsonData().write(to: runs.appendingPathComponent(finished[1].id).appendingPathComponent(PredictionFile.fileName))
    _ = try SummaryBuilder.rebuild(folder: folder)
    let table = try CSVTable(contentsOf: folder.appendingPathComponent("summary.csv"))
    let first = table.records[0], second = table.records[1]
    #expect(first["predicted_grad_ratio_init"] == "0.677" && first["chi1"] == "1.0" && first["q_star"] == "0.57")
    #expect(first["xi_c"] == "", "ξ_c = ∞ is written as null in JSON, an empty cell here")
    #expect(second["predicted_grad_ratio_init"] == "" && second["chi1"] == "")
    // The report puts the prediction beside the measurement, for the run that has one.
    let data = ReportData(folder: try ResultsFolder(url: folder), generated: Date())
    let document = try ReportWriter.build(data)
    let section = try #require(document.sections.first { $0.id == "predicted-vs-measured" })
    let tables = section.blocks.compactMap { block -> ReportTable? in
      if case .table(let table) = block { return table }
      return nil
    }
    #expect(tables.count == 1 && tables[0].rows.count == 1, "\(tables)")
    #expect(tables.first?.header.suffix(3) == ["predicted", "measured (geometric mean)", "measured / predicted"])
  }

  @Test func sigmoidRatioIsTheProductOfPerLayerFactors() throws {
    // Independent of the fixture's expectedRow: 4 hidden layers with factor 0.25
    // each between neighbours give layer1/layer4 = 0.25³.
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let run = sweep.runs.first { $0.axisValues["model.activation"] == "sigmoid" && $0.depth == 4 && $0.seed == 1 }!
    let cells = try SummaryBuilder.summaryRow(
      runFolder: folder.appendingPathComponent("runs/\(run.id)"),
      run: ManifestRun(runID: run.id, index: run.index, axisValues: run.axisValues, seed: run.seed), axes: sweep.axes)
    let header = SummaryBuilder.summaryHeader(axes: sweep.axes)
    let ratio = try #require(CSVTable.number(cells[header.firstIndex(of: "grad_ratio_init")!].field))
    #expect(abs(ratio - 0.25 * 0.25 * 0.25) < 1e-12)
  }

  @Test func headerDropsSeedAxisAndDuplicates() {
    #expect(
      SummaryBuilder.summaryHeader(axes: ["a", "seed", "b", "a"])
        == ["run_id", "a", "b"] + SummaryRow.trailingColumns)
  }

  @Test func runWithoutStatusIsNotARow() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    let missing = sweep.runs.first { $0.status == nil }!
    #expect(throws: ResultsError.self) {
      try SummaryBuilder.summaryRow(
        runFolder: folder.appendingPathComponent("runs/\(missing.id)"),
        run: ManifestRun(runID: missing.id, index: 0, axisValues: [:], seed: 1), axes: [])
    }
  }

  @Test func staleSummaryIsRebuiltAndCurrentOneIsRead() throws {
    let sweep = SyntheticSweep.standard()
    let folder = try SyntheticSweep.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try sweep.write(to: folder)
    // No summary yet.
    let first = try ResultsFolder(url: folder)
    #expect(first.summarySource == .rebuilt(reason: "summary.csv is missing"))
    #expect(first.rows.count == 11)
    // A shard's summary listing only some runs is stale.
    let rows = first.rows
    try SummaryBuilder.write(rows: Array(rows.prefix(4)), axes: sweep.axes, to: folder.appendingPathComponent("summary.csv"))
    let second = try ResultsFolder(url: folder)
    guard case .rebuilt = second.summarySource else {
      Issue.record("a summary listing 4 of 11 finished runs must be rebuilt")
      return
    }
    #expect(second.rows.map(\.runID) == rows.map(\.runID))
    // A complete, newer summary is read as it is.
    try SummaryBuilder.write(rows: rows, axes: sweep.axes, to: folder.appendingPathComponent("summary.csv"))
    let third = try ResultsFolder(url: folder)
    #expect(third.summarySource == .file)
    #expect(third.rows.count == rows.count)
    for (a, b) in zip(third.rows, rows) {
      #expect(a.runID == b.runID)
      #expect(a.axisValues == b.axisValues)
      #expect(a.finalValAccuracy == b.finalValAccuracy || (a.finalValAccuracy?.isNaN == true && b.finalValAccuracy?.isNaN == true))
    }
  }

  @Test func notAResultsFolderIsAClearError() throws {
    let folder = try SyntheticSweep.temporaryFolder("empty")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: ResultsError.self) { try ResultsFolder(url: folder.appendingPathComponent("nope")) }
    do {
      _ = try ResultsFolder(url: folder)
      Issue.record("a folder without manifest.json must not load")
    } catch let error as ResultsError {
      #expect(error.description.contains("manifest.json"))
    }
  }

  /// The spectrum at initialisation: metrics.csv's log.jacobian columns at step 0 become
  /// the summary's jacobian_*_init (never a later measurement), var_rel = var / mean²,
  /// and every one is read back from the written row.
  @Test func jacobianColumnsAreTheFirstStepsSpectrum() throws {
    let metrics = MetricsLog(
      step: [0, 10], loss: [1, 0.5], accuracy: [0.5, 0.75], valLoss: [nil, nil], valAccuracy: [nil, nil],
      gradNorm: [1, 1], jacobianEigMean: [2, 9], jacobianEigVar: [3, 9], jacobianSvMax: [1.75, 9])
    let run = ManifestRun(runID: "r", index: 0, axisValues: [:], seed: 1)
    let row = SummaryBuilder.computeRow(
      run: run, status: RunStatus(status: .completed, steps: 10), metrics: metrics, layers: nil)
    #expect(row.jacobianEigMeanInit == 2 && row.jacobianEigVarInit == 3 && row.jacobianSvMaxInit == 1.75)
    #expect(row.jacobianEigVarRelInit == 0.75)
    let header = SummaryBuilder.summaryHeader(axes: [])
    let record = Dictionary(uniqueKeysWithValues: zip(header, row.cells(axes: []).map(\.field)))
    let back = SummaryRow(record: record, axes: [])
    #expect(back.jacobianEigMeanInit == 2 && back.jacobianSvMaxInit == 1.75 && back.jacobianEigVarRelInit == 0.75)
    // Without the instrument the columns are empty.
    let plain = SummaryBuilder.computeRow(
      run: run, status: RunStatus(status: .completed), metrics: MetricsLog(
        step: [0], loss: [1], accuracy: [1], valLoss: [nil], valAccuracy: [nil], gradNorm: [1]), layers: nil)
    #expect(plain.jacobianEigMeanInit == nil && plain.jacobianEigVarRelInit == nil)
  }
}
