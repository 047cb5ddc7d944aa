import Foundation
import Testing
import TidyCSV

/// `gradsweep bench`'s output contract, through the real executable: the CSV columns
/// scripts read (bench-peers.py reads `workload,steps_per_s,gflops`), one row per
/// workload or product, numbers that agree with each other. No speed is asserted: speed
/// is what the benchmark reports, not what a test checks.
@Suite("gradsweep bench: the output contract", .serialized)
struct BenchCommandTests {
  static func csv(_ arguments: [String]) throws -> CSVTable {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try CommandHarness.run(["bench"] + arguments + ["--format", "csv"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    return try CSVTable(parsing: result.stdout)
  }

  @Test func workloadRowsGiveStepsAndTheFlopsTheyImply() throws {
    let table = try Self.csv(["--workload", "W1", "--seconds", "0.01"])
    #expect(table.header == ["workload", "steps_per_s", "gflops"])
    let row = try #require(table.records.first)
    #expect(table.records.count == 1 && row["workload"] == "W1")
    let steps = try #require(Double(row["steps_per_s"] ?? ""))
    let gflops = try #require(Double(row["gflops"] ?? ""))
    // W1: 784·30 + 3·30·30 + 30·10 weights and 4·30 + 10 biases, 6 FLOP each per example.
    let flopsPerStep = 6.0 * Double(784 * 30 + 3 * 30 * 30 + 30 * 10 + 4 * 30 + 10) * 10
    #expect(steps > 0)
    #expect(abs(gflops - steps * flopsPerStep / 1e9) <= 0.001 + 1e-3 * gflops)
  }

  @Test func kernelRowsTimeEveryProductAndEachFusedUpdateAlsoMeasured() throws {
    let table = try Self.csv(["--kernels", "--workload", "W1", "--seconds", "0.01"])
    #expect(table.header == ["workload", "layer", "role", "form", "m", "n", "k", "gflops"])
    let rows = table.records
    // Layer 1: forward, update, update measured; layers 2 and 5 (3 and 4 repeat layer 2's
    // shapes) add the input gradient.
    #expect(rows.count == 11)
    #expect(rows.allSatisfy { $0["workload"] == "W1" && (Double($0["gflops"] ?? "") ?? 0) > 0 })
    let updates = rows.filter { $0["role"] == "weight gradient + SGD" }
    let measured = rows.filter { $0["role"] == "weight gradient + SGD + statistics" }
    #expect(updates.count == 3)
    #expect(measured.map { [$0["layer"], $0["m"], $0["n"], $0["k"]] } == updates.map { [$0["layer"], $0["m"], $0["n"], $0["k"]] })
    #expect(updates.first.map { [$0["form"], $0["m"], $0["n"], $0["k"]] } == ["TN", "784", "30", "10"])
  }

  @Test func statisticsRowsGiveBothRatesAndTheCostBetweenThem() throws {
    let table = try Self.csv(["--statistics", "--workload", "W1", "--seconds", "0.01"])
    #expect(table.header == ["workload", "steps_per_s", "logged_steps_per_s", "cost_percent"])
    let row = try #require(table.records.first)
    #expect(table.records.count == 1 && row["workload"] == "W1")
    let plain = try #require(Double(row["steps_per_s"] ?? ""))
    let logged = try #require(Double(row["logged_steps_per_s"] ?? ""))
    let cost = try #require(Double(row["cost_percent"] ?? ""))
    #expect(plain > 0 && logged > 0 && cost.isFinite)
  }

  @Test func statisticsAtLogEveryTenNameItAndGiveACost() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try CommandHarness.run(
      ["bench", "--statistics", "--log-every", "10", "--workload", "W1", "--seconds", "0.01"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("one in 10 computes every per-layer statistic (log.every: 10)"))
    #expect(result.stdout.contains("W1"))
  }

  @Test func contradictoryOrBadOptionsAreRefusedWithTheReason() throws {
    let dir = try CommandHarness.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let both = try CommandHarness.run(["bench", "--kernels", "--statistics"], in: dir)
    #expect(both.status != 0 && both.stderr.contains("choose one"))
    let zero = try CommandHarness.run(["bench", "--seconds", "0"], in: dir)
    #expect(zero.status != 0 && zero.stderr.contains("--seconds must be a positive number"))
    let every = try CommandHarness.run(["bench", "--log-every", "10"], in: dir)
    #expect(every.status != 0 && every.stderr.contains("add --statistics"))
    let never = try CommandHarness.run(["bench", "--statistics", "--log-every", "0"], in: dir)
    #expect(never.status != 0 && never.stderr.contains("--log-every must be at least 1"))
    let unknown = try CommandHarness.run(["bench", "--workload", "W9"], in: dir)
    #expect(unknown.status != 0 && unknown.stderr.contains("W2b128"))
  }
}
