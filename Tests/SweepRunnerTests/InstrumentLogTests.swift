import Foundation
import SweepResults
import TidyCSV
import Testing

@testable import SweepRunner

/// The instruments' CSV plumbing (issue 16): columns only when asked, after the standard
/// ones; jacobian.csv agrees with metrics.csv's moments; the default logs are unchanged.
@Suite("Instrument logs")
struct InstrumentLogTests {
  @Test func columnsAndSpectrumFile() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = """
      name: instruments
      data: {name: spirals, samples: 120, classes: 3, validation: 0.25}
      model: {width: 8, depth: 3, activation: tanh, initializer: xavier_normal}
      training: {batch_size: 16, steps: 6}
      log: {every: 2, preact_grad_norm: true, correlation: 0.3, jacobian: true, jacobian_every: 4,
            weight_distance: true, spectral_norm: true, grad_quantiles: true}
      sweep: {grid: {model.activation: [tanh, relu]}}
      """
    try runSweep(try loadPlan(text, in: dir), into: dir, jobs: 1)
    let plain = dir.appendingPathComponent("plain")
    try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
    let plainText = text.replacingOccurrences(
      of: """
        log: {every: 2, preact_grad_norm: true, correlation: 0.3, jacobian: true, jacobian_every: 4,
              weight_distance: true, spectral_norm: true, grad_quantiles: true}
        """, with: "log: {every: 2}")
    try runSweep(try loadPlan(plainText, in: plain), into: plain, jobs: 1)

    let runs = dir.appendingPathComponent("instruments/runs")
    let ids = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasPrefix(".") }.sorted()
    #expect(ids.count == 2)
    let measured = try runContents(dir.appendingPathComponent("instruments"))
    let reference = try runContents(plain.appendingPathComponent("instruments"))
    // The instruments are part of the config, so the ids' hashes differ; the readable
    // parts (the activation) pair them.
    let plainRuns = plain.appendingPathComponent("instruments/runs")
    let plainIDs = try FileManager.default.contentsOfDirectory(atPath: plainRuns.path).filter { !$0.hasPrefix(".") }.sorted()
    #expect(plainIDs.count == 2)
    for (id, plainID) in zip(ids, plainIDs) {
      let folder = runs.appendingPathComponent(id)
      let layers = try CSVTable(contentsOf: folder.appendingPathComponent(ResultsLayout.layersFile))
      #expect(
        layers.header
          == ResultsLayout.layersHeader + ["preact_grad_norm", "correlation", "weight_distance", "spectral_norm"]
          + ResultsLayout.gradQuantileColumns)
      #expect(layers.rows.count == 4 * 4)  // steps 0, 2, 4, 6 × layers 1…4
      for name in ["preact_grad_norm", "correlation", "weight_distance", "spectral_norm", "grad_w_abs_median"] {
        #expect(try layers.column(name).allSatisfy { Double($0) != nil }, "\(name)")
      }
      let metrics = try CSVTable(contentsOf: folder.appendingPathComponent(ResultsLayout.metricsFile))
      #expect(metrics.header == ResultsLayout.metricsHeader + ResultsLayout.jacobianMetricColumns)
      let means = try metrics.column("jacobian_eig_mean")
      #expect(means.map(\.isEmpty) == [false, true, false, true])  // steps 0 and 4 only (not 2 or the final 6)
      // jacobian.csv: k = min(n₀ = 2, N = 8) = 2 values per measured step; its λ = σ²
      // average to metrics.csv's jacobian_eig_mean.
      let spectrum = try CSVTable(contentsOf: folder.appendingPathComponent(ResultsLayout.jacobianFile))
      #expect(spectrum.header == ResultsLayout.jacobianHeader)
      #expect(try spectrum.column("step") == ["0", "0", "4", "4"])
      let lambdas = try spectrum.column("eigenvalue").map { try require(Double($0)) }
      let sigmas = try spectrum.column("singular_value").map { try require(Double($0)) }
      #expect(try require(Double(means[0])) == (lambdas[0] + lambdas[1]) / 2)
      #expect(zip(sigmas, lambdas).allSatisfy { $0 * $0 == $1 })
      #expect(try require(Double(try metrics.column("jacobian_sv_max")[0])) == sigmas[0])
      // Every standard column is bit for bit the run without instruments.
      for file in ["metrics.csv", "layers.csv"] {
        let standard = (file == "metrics.csv" ? ResultsLayout.metricsHeader : ResultsLayout.layersHeader)
          .filter { $0 != "elapsed_s" }.count
        func prefix(_ text: String?) -> [String] {
          (text ?? "").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(standard).joined(separator: ",") }
        }
        #expect(!prefix(measured["\(id)/\(file)"]).isEmpty)
        #expect(prefix(measured["\(id)/\(file)"]) == prefix(reference["\(plainID)/\(file)"]), "\(id)/\(file)")
      }
    }
    // Without instruments: the standard headers exactly, and no jacobian.csv.
    for id in plainIDs {
      let folder = plainRuns.appendingPathComponent(id)
      #expect(try CSVTable(contentsOf: folder.appendingPathComponent("layers.csv")).header == ResultsLayout.layersHeader)
      #expect(try CSVTable(contentsOf: folder.appendingPathComponent("metrics.csv")).header == ResultsLayout.metricsHeader)
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("jacobian.csv").path))
    }
  }

  /// `gradsweep rerun` repeats the instruments bit for bit and compares jacobian.csv too.
  @Test func rerunComparesTheSpectrum() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = try loadPlan("""
      name: again
      data: {name: moons, samples: 80}
      model: {width: 6, depth: 2, activation: tanh}
      training: {batch_size: 8, steps: 4}
      log: {every: 2, jacobian: true, jacobian_every: 2, correlation: 0.5, spectral_norm: true, grad_quantiles: true,
            weight_distance: true, preact_grad_norm: true}
      """, in: dir)
    let outcome = try runSweep(plan, into: dir.appendingPathComponent("out"), jobs: 1)
    let folder = ResultsLayout(root: outcome.resultsFolder).runFolder(plan.runs[0].id)
    let same = try RunReplay.rerun(folder, into: dir.appendingPathComponent("same"), stop: StopFlag(), version: "test")
    #expect(same.identical, "\(String(describing: same.difference))")
    let spectrumURL = folder.appendingPathComponent(ResultsLayout.jacobianFile)
    var lines = try String(contentsOf: spectrumURL, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[1] = "0,1,0.5,0.25"
    try (lines.joined(separator: "\n") + "\n").write(to: spectrumURL, atomically: true, encoding: .utf8)
    let changed = try RunReplay.rerun(folder, into: dir.appendingPathComponent("changed"), stop: StopFlag(), version: "test")
    let difference = try require(changed.difference, "difference")
    #expect(difference.file == "jacobian.csv" && difference.line == 2 && difference.column == "singular_value")
  }
}
