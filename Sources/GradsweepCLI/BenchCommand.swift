import ArgumentParser
import Foundation
import GradKernels

/// How `gradsweep bench` prints its results.
enum BenchFormat: String, CaseIterable, ExpressibleByArgument {
  /// An aligned table with the architecture and the measuring method.
  case text
  /// `workload,steps_per_s,gflops` rows (with `--kernels`: one row per matrix product).
  case csv
}

extension BenchWorkload.Name: ExpressibleByArgument {}

extension Gradsweep {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure training speed on the standard workloads (single thread, Float32, plain SGD).",
      discussion: """
        Workloads (softmax cross-entropy, 10 classes, random inputs, no statistics logged):
          W1      784→30×4→10 sigmoid, batch 10
          W2      784→1000×5→10 tanh, batch 10
          W2b128  784→1000×5→10 tanh, batch 128
          W3      64→64×50→10 relu, batch 32
          W4      784→512×3→10 relu, batch 128
        Each workload is warmed up, then timed in rounds of at least 0.25 s for at least \
        --seconds (and 5 rounds); steps/s is the median round. GFLOP/s counts \
        6 · parameters · batch per step. The machine should be otherwise idle: compare \
        ratios measured back to back (scripts/bench-peers.py), not absolute times.
        """)

    @Option(
      name: .customLong("workload"),
      help: "A workload to run; repeat the option for several (default: all).")
    var workloads: [BenchWorkload.Name] = []

    @Option(help: "Output format.")
    var format: BenchFormat = .text

    @Option(help: ArgumentHelp("Minimum timed seconds per workload (or per product with --kernels).", valueName: "seconds"))
    var seconds: Double = 2

    @Option(help: "Seed of the random inputs, labels and initial weights.")
    var seed: UInt64 = 1

    @Flag(
      help: """
        Time each sgemm shape of the workloads' training steps instead (best of rounds, \
        GFLOP/s); each fused SGD update also as a logged step runs it (+ statistics).
        """)
    var kernels = false

    @Flag(
      help: """
        Also time steps that compute the per-layer statistics (as with log.every: 1) and \
        print their cost relative to plain steps.
        """)
    var statistics = false

    @Option(
      name: .customLong("log-every"),
      help: ArgumentHelp(
        "With --statistics: log one step in N in the logged rounds (a training's log.every), instead of every step.",
        valueName: "N"))
    var logEvery: Int = 1

    func validate() throws {
      guard seconds.isFinite, seconds > 0 else {
        throw ValidationError("--seconds must be a positive number of seconds, not \(seconds).")
      }
      guard logEvery >= 1 else { throw ValidationError("--log-every must be at least 1, not \(logEvery).") }
      if logEvery != 1 && !statistics {
        throw ValidationError("--log-every sets how often --statistics logs; add --statistics.")
      }
      if kernels && statistics {
        throw ValidationError("--kernels times single matrix products and --statistics whole steps: choose one.")
      }
    }

    func run() throws {
      let family = try requireKernelFamily()
      // On stderr, so that the CSV stays three columns (scripts/bench-peers.py prints it).
      if format == .csv { printError("kernels: \(family)") }
      let selected = (workloads.isEmpty ? BenchWorkload.Name.allCases : workloads).map(BenchWorkload.named)
      if kernels {
        runKernels(selected)
      } else if statistics {
        try runStatisticsCost(selected)
      } else {
        try runWorkloads(selected)
      }
    }

    private func runWorkloads(_ selected: [BenchWorkload]) throws {
      let table = BenchTable(
        header: ["workload", "network", "batch", "parameters", "steps/s", "GFLOP/s", "best steps/s"],
        rightAligned: [false, false, true, true, true, true, true])
      switch format {
      case .csv:
        print("workload,steps_per_s,gflops")
      case .text:
        print("gradsweep \(GradsweepVersion.current) bench: single thread, Float32, plain SGD, ≥ \(formatted(seconds, 1)) s per workload, median round")
        print("kernels: \(KernelFamily.active)")
        print(table.headerLines, terminator: "")
      }
      for workload in selected {
        let result = try measureWorkload(workload, minimumSeconds: seconds, seed: seed)
        switch format {
        case .csv:
          print("\(workload.name.rawValue),\(formatted(result.stepsPerSecond, 3)),\(formatted(result.gflops, 3))")
        case .text:
          print(
            table.line(
              workload.name.rawValue, workload.architecture, "\(workload.batchSize)", "\(workload.parameterCount)",
              formatted(result.stepsPerSecond, 1), formatted(result.gflops, 1), formatted(result.bestStepsPerSecond, 1)))
        }
        if result.divergedSteps > 0 {
          FileHandle.standardError.write(
            Data("warning: \(workload.name.rawValue): \(result.divergedSteps) steps diverged (session restarted)\n".utf8))
        }
        fflush(nil)  // all streams: `stdout` itself is not concurrency-safe to name in Swift 6
      }
    }

    /// Plain and logged steps of each workload, timed alternately on one session
    /// (`measureStatisticsCost`).
    private func runStatisticsCost(_ selected: [BenchWorkload]) throws {
      let table = BenchTable(
        header: ["workload", "network", "batch", "plain steps/s", "logged steps/s", "cost"],
        rightAligned: [false, false, true, true, true, true])
      switch format {
      case .csv:
        print("workload,steps_per_s,logged_steps_per_s,cost_percent")
      case .text:
        print(
          "gradsweep \(GradsweepVersion.current) bench --statistics: plain steps vs \(logEvery == 1 ? "steps computing every per-layer statistic" : "steps of which one in \(logEvery) computes every per-layer statistic (log.every: \(logEvery))"), alternating rounds of ≥ 0.05 s of the thread's CPU time on one session for ≥ \(formatted(seconds, 1)) s per workload; cost = median over the pairs of rounds"
        )
        print("kernels: \(KernelFamily.active)")
        print(table.headerLines, terminator: "")
      }
      for workload in selected {
        let result = try measureStatisticsCost(workload, minimumSeconds: seconds, seed: seed, logEvery: logEvery)
        let (plain, logged, cost) = (result.plainStepsPerSecond, result.loggedStepsPerSecond, result.percent)
        switch format {
        case .csv:
          print("\(workload.name.rawValue),\(formatted(plain, 3)),\(formatted(logged, 3)),\(formatted(cost, 2))")
        case .text:
          print(
            table.line(
              workload.name.rawValue, workload.architecture, "\(workload.batchSize)", formatted(plain, 1),
              formatted(logged, 1), formatted(cost, 1) + " %"))
        }
        fflush(nil)  // all streams: `stdout` itself is not concurrency-safe to name in Swift 6
      }
    }

    private func runKernels(_ selected: [BenchWorkload]) {
      let table = BenchTable(
        header: ["workload", "layer", "product", "form", "m × n × k", "GFLOP/s"],
        rightAligned: [false, true, false, false, true, true])
      switch format {
      case .csv: print("workload,layer,role,form,m,n,k,gflops")
      case .text:
        print("gradsweep \(GradsweepVersion.current) bench --kernels: sgemm per shape, best round of ≥ 0.05 s; kernels: \(KernelFamily.active)")
        print(table.headerLines, terminator: "")
      }
      for workload in selected {
        for shape in KernelShape.shapes(of: workload) {
          let gflops = measureKernel(shape, minimumSeconds: min(seconds, 0.5))
          switch format {
          case .csv:
            print("\(workload.name.rawValue),\(shape.layer),\(shape.role),\(shape.form),\(shape.m),\(shape.n),\(shape.k),\(formatted(gflops, 2))")
          case .text:
            print(
              table.line(
                workload.name.rawValue, "\(shape.layer)", shape.shortRole, shape.form, "\(shape.m) × \(shape.n) × \(shape.k)",
                formatted(gflops, 1)))
          }
          fflush(nil)  // all streams: `stdout` itself is not concurrency-safe to name in Swift 6
        }
      }
    }

    private func formatted(_ value: Double, _ digits: Int) -> String {
      String(format: "%.\(digits)f", value)
    }
  }
}

/// A plain-text table printed row by row as results arrive: column widths are fixed by
/// the header and the widest expected cell.
struct BenchTable {
  let header: [String]
  let rightAligned: [Bool]
  var widths: [Int]

  init(header: [String], rightAligned: [Bool]) {
    self.header = header
    self.rightAligned = rightAligned
    // Room for e.g. "784→1000×5→10 tanh" and "weight gradient + SGD".
    widths = header.map { max($0.count, 8) }
    if let network = header.firstIndex(of: "network") { widths[network] = 24 }
    if let product = header.firstIndex(of: "product") { widths[product] = 21 }
    if let shape = header.firstIndex(of: "m × n × k") { widths[shape] = 16 }
  }

  var headerLines: String {
    let top = line(header)
    return top + "\n" + String(repeating: "-", count: top.count) + "\n"
  }

  func line(_ cells: String...) -> String { line(cells) }

  func line(_ cells: [String]) -> String {
    zip(cells.indices, cells).map { index, cell in
      let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
      return rightAligned[index] ? pad + cell : cell + pad
    }.joined(separator: "  ")
  }
}
