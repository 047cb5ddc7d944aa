import Foundation
import GradEngine
import GradKernels

/// The benchmark workloads of issue 2: single-threaded Float32 MLPs trained with plain SGD
/// on softmax cross-entropy over random inputs, 10 classes.
struct BenchWorkload: Sendable {
  enum Name: String, CaseIterable, Sendable {
    case w1 = "W1"
    case w2 = "W2"
    case w2b128 = "W2b128"
    case w3 = "W3"
    case w4 = "W4"
  }

  let name: Name
  let inputSize: Int
  let hiddenWidths: [Int]
  let activation: ActivationKind
  let batchSize: Int
  let outputSize = 10

  static func named(_ name: Name) -> BenchWorkload {
    switch name {
    case .w1: BenchWorkload(name: name, inputSize: 784, hiddenWidths: Array(repeating: 30, count: 4), activation: .sigmoid, batchSize: 10)
    case .w2: BenchWorkload(name: name, inputSize: 784, hiddenWidths: Array(repeating: 1000, count: 5), activation: .tanh, batchSize: 10)
    case .w2b128: BenchWorkload(name: name, inputSize: 784, hiddenWidths: Array(repeating: 1000, count: 5), activation: .tanh, batchSize: 128)
    case .w3: BenchWorkload(name: name, inputSize: 64, hiddenWidths: Array(repeating: 64, count: 50), activation: .relu, batchSize: 32)
    case .w4: BenchWorkload(name: name, inputSize: 784, hiddenWidths: Array(repeating: 512, count: 3), activation: .relu, batchSize: 128)
    }
  }

  /// The network, initialised as a user would for its activation (He for ReLU, Xavier
  /// otherwise) so that thousands of SGD steps on random labels stay finite.
  var network: NetworkSpec {
    NetworkSpec(
      inputSize: inputSize, hiddenWidths: hiddenWidths, outputSize: outputSize,
      activation: Activation(activation), head: .softmax,
      weightInitializer: Initializer(activation == .relu ? .heNormal : .xavierUniform))
  }

  var parameterCount: Int { network.parameterCount }

  /// The conventional count of one training step: 2 FLOPs per weight and example for the
  /// forward product and 4 for the two backward products (6·parameters·batch; it counts
  /// the first layer's input gradient, which is not computed, and ignores elementwise work).
  var flopsPerStep: Double { 6 * Double(parameterCount) * Double(batchSize) }

  /// `784→30×4→10 sigmoid` in the notation.
  var architecture: String {
    var groups: [(width: Int, count: Int)] = []
    for width in hiddenWidths {
      if let last = groups.last, last.width == width {
        groups[groups.count - 1].count += 1
      } else {
        groups.append((width, 1))
      }
    }
    let hidden = groups.map { $0.count == 1 ? "\($0.width)" : "\($0.width)×\($0.count)" }.joined(separator: "→")
    return "\(inputSize)→\(hidden)→\(outputSize) \(activation.rawValue)"
  }
}

/// What one workload measured.
struct BenchMeasurement: Sendable {
  let workload: BenchWorkload
  /// Median over the timed rounds of (steps in the round / its wall time).
  let stepsPerSecond: Double
  /// The fastest round's rate, for reference.
  let bestStepsPerSecond: Double
  let rounds: Int
  let steps: Int
  /// Steps whose loss or gradient was not finite (should be 0; the session is restarted).
  let divergedSteps: Int

  var gflops: Double { stepsPerSecond * workload.flopsPerStep / 1e9 }
}

/// Monotonic wall-clock seconds.
func benchClock() -> Double {
  Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}

/// Seconds of CPU time of the calling thread: what `bench --statistics` times its rounds
/// by, so that time the thread spends descheduled on a shared machine (other jobs' load)
/// counts in neither kind of round.
func threadCPUClock() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// A workload's training session on its benchmark data: random inputs U[0, 1) and
/// labels from a seeded Xoshiro256, `batchesInData` distinct mini-batches cycled in order.
/// A step that diverges (it should not) restarts the session from the same weights.
final class BenchTrainer {
  let workload: BenchWorkload
  private let seed: UInt64
  private let plan: TrainingPlan
  private let data: Dataset
  private let batches: [[Int]]
  private var session: TrainingSession
  private var next = 0
  private(set) var divergedSteps = 0

  init(_ workload: BenchWorkload, seed: UInt64) throws {
    self.workload = workload
    self.seed = seed
    let batchesInData = 8
    let rows = workload.batchSize * batchesInData
    var dataRandom = Xoshiro256(seed: seed)
    let features = (0..<(rows * workload.inputSize)).map { _ in Float(dataRandom.nextUnit()) }
    let labels = (0..<rows).map { _ in Int32(dataRandom.nextIndex(below: workload.outputSize)) }
    data = Dataset(
      features: features, featureCount: workload.inputSize,
      targets: .classes(labels: labels, classCount: workload.outputSize))
    plan = TrainingPlan(
      network: workload.network, optimizer: OptimizerSpec(kind: .sgd, learningRate: 0.01),
      loss: .crossEntropy, batchSize: workload.batchSize, length: .steps(1), logEvery: 0,
      validateAtLogSteps: false)
    var order = Array(0..<rows)
    dataRandom.shuffle(&order)
    batches = (0..<batchesInData).map { Array(order[($0 * workload.batchSize)..<(($0 + 1) * workload.batchSize)]) }
    var initialization = Xoshiro256(seed: seed &+ 1)
    session = try TrainingSession(plan: plan, data: data, initialization: &initialization)
  }

  /// One training step: `step(batch:)`, or `loggedStep(batch:)` (the same update plus
  /// every per-layer statistic) when `logged`.
  func step(logged: Bool) throws {
    let status = logged ? session.loggedStep(batch: batches[next]).status : session.step(batch: batches[next])
    if case .diverged = status {
      divergedSteps += 1
      var fresh = Xoshiro256(seed: seed &+ 1)
      session = try TrainingSession(plan: plan, data: data, initialization: &fresh)
    }
    next = (next + 1) % batches.count
  }

  /// Warm-up: caches, page faults of the buffers, branch predictors.
  func warmUp(seconds: Double, logged: Bool = false) throws {
    let start = benchClock()
    var steps = 0
    while steps < 3 || benchClock() - start < seconds {
      try step(logged: logged)
      steps += 1
    }
  }

  /// Steps per second over one round of at least `seconds`. With `loggedEvery` n, every
  /// n-th step of the round (the first, the (n+1)-th, …) is logged, as in a training with
  /// `log.every: n`, and the round ends after a whole number of n steps.
  func timeRound(
    seconds: Double, logged: Bool = false, loggedEvery: Int = 1, clock: () -> Double = benchClock
  ) throws -> (rate: Double, steps: Int) {
    let start = clock()
    var steps = 0
    var elapsed = 0.0
    repeat {
      try step(logged: logged && steps % loggedEvery == 0)
      steps += 1
      elapsed = clock() - start
    } while elapsed < seconds || steps % loggedEvery != 0
    return (Double(steps) / elapsed, steps)
  }
}

/// Times `TrainingSession.step` — forward, backward and SGD update of one mini-batch, no
/// statistics — on a workload (`BenchTrainer`): a warm-up, then rounds of at least
/// `roundSeconds` until `minimumSeconds` have passed (and at least 5 rounds).
func measureWorkload(
  _ workload: BenchWorkload, minimumSeconds: Double, roundSeconds: Double = 0.25, seed: UInt64 = 1
) throws -> BenchMeasurement {
  let trainer = try BenchTrainer(workload, seed: seed)
  try trainer.warmUp(seconds: min(0.3, minimumSeconds / 4))
  var rates: [Double] = []
  var totalSteps = 0
  let start = benchClock()
  while rates.count < 5 || benchClock() - start < minimumSeconds {
    let round = try trainer.timeRound(seconds: roundSeconds)
    rates.append(round.rate)
    totalSteps += round.steps
  }
  rates.sort()
  let median = median(of: rates)
  return BenchMeasurement(
    workload: workload, stepsPerSecond: median, bestStepsPerSecond: rates.last ?? median,
    rounds: rates.count, steps: totalSteps, divergedSteps: trainer.divergedSteps)
}

/// What logging every step costs on one workload.
struct StatisticsCost: Sendable {
  /// Medians over the rounds.
  let plainStepsPerSecond: Double
  let loggedStepsPerSecond: Double
  /// Extra time of a logged step as a percentage of a plain step: the median over the
  /// pairs of rounds of (plain rate / logged rate − 1).
  let percent: Double
  let pairs: Int
  let divergedSteps: Int
}

/// Times plain and logged steps of one session alternately, in pairs of short rounds
/// (plain, logged, plain, logged, …; the thread's CPU time, `threadCPUClock`) for at
/// least `minimumSeconds` and 10 pairs: both
/// kinds run on the same buffers and weights (a logged step applies the same update), and
/// a change in the machine's load hits both alike. The median over the pairs decides, so
/// a burst of load during one pair does not.
///
/// With `logEvery` n > 1 the logged rounds log one step in n (`BenchTrainer.timeRound`):
/// the cost of the statistics to a training logged every n steps.
func measureStatisticsCost(
  _ workload: BenchWorkload, minimumSeconds: Double, roundSeconds: Double = 0.05, seed: UInt64 = 1,
  logEvery: Int = 1
) throws -> StatisticsCost {
  let trainer = try BenchTrainer(workload, seed: seed)
  try trainer.warmUp(seconds: min(0.3, minimumSeconds / 8))
  try trainer.warmUp(seconds: min(0.3, minimumSeconds / 8), logged: true)
  var plainRates: [Double] = []
  var loggedRates: [Double] = []
  let start = benchClock()
  while plainRates.count < 10 || benchClock() - start < minimumSeconds {
    plainRates.append(try trainer.timeRound(seconds: roundSeconds, clock: threadCPUClock).rate)
    loggedRates.append(
      try trainer.timeRound(seconds: roundSeconds, logged: true, loggedEvery: logEvery, clock: threadCPUClock).rate)
  }
  return StatisticsCost(
    plainStepsPerSecond: median(of: plainRates), loggedStepsPerSecond: median(of: loggedRates),
    percent: 100 * median(of: zip(plainRates, loggedRates).map { $0 / $1 - 1 }),
    pairs: plainRates.count, divergedSteps: trainer.divergedSteps)
}

/// One matrix product of a workload's training step, for the kernel microbenchmark.
struct KernelShape: Sendable {
  /// "forward", "weight gradient + SGD", "weight gradient + SGD + statistics" or
  /// "input gradient".
  var role: String
  let layer: Int
  let transA: Transpose
  let transB: Transpose
  let m: Int, n: Int, k: Int
  let alpha: Float
  let beta: Float
  /// Timed through `sgemmUpdateSums`, as a logged step's fused update (the same product
  /// also measuring Σg², Σ|g|, ‖W‖² and ‖ΔW‖² in its epilogue).
  var measuring = false

  /// The role in the text table, whose column fits "weight gradient + SGD".
  var shortRole: String { measuring ? "… + statistics" : role }

  var form: String { (transA == .none ? "N" : "T") + (transB == .none ? "N" : "T") }
  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

  /// The three products per layer as the engine issues them (batch-major X, W fan-in ×
  /// fan-out): Z = X·W (NN), W ← W − η·Xᵀ·δ (TN, fused update; also as a logged step
  /// runs it, measuring), δ_in = δ·Wᵀ (NT, not for layer 1). Repeated shapes (deep
  /// stacks) appear once.
  static func shapes(of workload: BenchWorkload) -> [KernelShape] {
    let sizes = [workload.inputSize] + workload.hiddenWidths + [workload.outputSize]
    let batch = workload.batchSize
    var seen = Set<String>()
    var shapes: [KernelShape] = []
    for layer in 1..<sizes.count {
      let fanIn = sizes[layer - 1], fanOut = sizes[layer]
      let update = KernelShape(
        role: "weight gradient + SGD", layer: layer, transA: .transposed, transB: .none, m: fanIn, n: fanOut, k: batch,
        alpha: -0.01, beta: 1)
      var measured = update
      measured.role = "weight gradient + SGD + statistics"
      measured.measuring = true
      var candidates = [
        KernelShape(role: "forward", layer: layer, transA: .none, transB: .none, m: batch, n: fanOut, k: fanIn, alpha: 1, beta: 0),
        update, measured,
      ]
      if layer > 1 {
        candidates.append(
          KernelShape(role: "input gradient", layer: layer, transA: .none, transB: .transposed, m: batch, n: fanIn, k: fanOut, alpha: 1, beta: 0))
      }
      for shape in candidates where seen.insert("\(shape.form) \(shape.m) \(shape.n) \(shape.k) \(shape.measuring)").inserted {
        shapes.append(shape)
      }
    }
    return shapes
  }
}

/// Best-of-rounds GFLOP/s of one `sgemm` shape (operands hold small deterministic values;
/// the fused-update form writes into its C every call, which stays finite).
func measureKernel(_ shape: KernelShape, minimumSeconds: Double) -> Double {
  let aCount = shape.m * shape.k, bCount = shape.k * shape.n
  let a = (0..<aCount).map { Float($0 % 17) * 0.01 - 0.08 }
  let b = (0..<bCount).map { Float($0 % 13) * 0.01 - 0.06 }
  var c = [Float](repeating: 0.5, count: shape.m * shape.n)
  let lda = shape.transA == .none ? shape.k : shape.m
  let ldb = shape.transB == .none ? shape.n : shape.k
  let callsPerCheck = max(1, Int(2e6 / shape.flops))
  var best = 0.0
  a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      c.withUnsafeMutableBufferPointer { pc in
        func call() {
          if shape.measuring {
            _ = sgemmUpdateSums(
              shape.transA, shape.transB, m: shape.m, n: shape.n, k: shape.k, alpha: shape.alpha,
              a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: shape.beta,
              c: pc.baseAddress!, ldc: shape.n)
            return
          }
          sgemm(
            shape.transA, shape.transB, m: shape.m, n: shape.n, k: shape.k, alpha: shape.alpha,
            a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: shape.beta,
            c: pc.baseAddress!, ldc: shape.n)
        }
        for _ in 0..<3 { call() }
        let start = benchClock()
        repeat {
          let roundStart = benchClock()
          var calls = 0
          repeat {
            for _ in 0..<callsPerCheck { call() }
            calls += callsPerCheck
          } while benchClock() - roundStart < 0.05
          best = max(best, Double(calls) * shape.flops / (benchClock() - roundStart) / 1e9)
        } while benchClock() - start < minimumSeconds
      }
    }
  }
  return best
}

/// The middle value of `values` (the mean of the two middle ones for an even count).
func median(of values: [Double]) -> Double {
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
