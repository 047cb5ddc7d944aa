import GradData
import GradEngine
import Yams

/// The fully resolved configuration of one run: what `runs/<id>/config.yaml` holds.
///
/// In a planned run every choice is explicit: `seed` is the replicate's seed,
/// `data.seed` is set (the sweep's `seed` unless the file gives one, so replicates share
/// their data and differ in initialisation and batch order; MNIST-1D: its reference
/// seed 42), and exactly one of
/// `training.epochs` / `training.steps` is set. `auto` output head and loss stay `auto`
/// until the data is known: `trainingPlan(for:)` resolves them.
package struct RunConfig: Codable, Sendable, Hashable {
  /// The run's seed: initialisation and mini-batch order derive from it (`SeedStreams`).
  package var seed: UInt64 = 1
  package var data: DataSpec = DataSpec()
  package var model: ModelConfig = ModelConfig()
  package var training: TrainingConfig = TrainingConfig()
  package var log: LogConfig = LogConfig()

  /// The documented defaults of every section (what an empty sweep file gives, before
  /// `data.seed` is resolved).
  package init() {}

  package init(seed: UInt64, data: DataSpec, model: ModelConfig, training: TrainingConfig, log: LogConfig) {
    self.seed = seed
    self.data = data
    self.model = model
    self.training = training
    self.log = log
  }

  package enum CodingKeys: String, CodingKey, CaseIterable {
    case seed, data, model, training, log
  }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = RunConfig()
    seed = try c.value(.seed, default: d.seed, in: "")
    data = try c.value(.data, default: d.data, in: "")
    model = try c.value(.model, default: d.model, in: "")
    training = try c.value(.training, default: d.training, in: "")
    log = try c.value(.log, default: d.log, in: "")
    if let issue = consistencyIssues().first {
      let key = issue.paths.first.flatMap { CodingKeys(rawValue: String($0.prefix { $0 != "." })) } ?? .model
      throw c.fail(key, issue.message, note: issue.note)
    }
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(seed, forKey: .seed)
    try c.encode(data, forKey: .data)
    try c.encode(model, forKey: .model)
    try c.encode(training, forKey: .training)
    try c.encode(log, forKey: .log)
  }

  /// Decodes a config written by `yamlText()` (e.g. `runs/<id>/config.yaml`). Throws
  /// `YamlError` for malformed YAML, `DecodingError` for wrong types, and
  /// `ConfigFieldError` for invalid values.
  package init(yaml: String) throws {
    let node = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
    self = try YAMLDecoder().decode(RunConfig.self, from: node)
  }

  /// The canonical YAML of this config: every field of every section in a fixed order,
  /// nil as `null`, numbers spelt so any YAML reader gets the same value back.
  /// `RunConfig(yaml: config.yamlText()) == config`.
  package func yamlText() -> String {
    CanonicalYAML.value(of: self).blockText()
  }

  /// Every field as `(dotted.path, canonical value)`, in `yamlText()` order.
  package func canonicalFields() -> [(path: String, value: String)] {
    CanonicalYAML.value(of: self).flattened().map { ($0.path, $0.text) }
  }
}

// MARK: - Cross-field consistency

/// A contradiction between fields of one run, with the fields involved (dotted paths).
struct ConsistencyIssue {
  let paths: [String]
  let message: String
  var note: String? = nil
}

extension RunConfig {
  /// Problems no single field shows: output head vs loss vs the data's task, and a
  /// network too large to allocate.
  func consistencyIssues() -> [ConsistencyIssue] {
    var issues = [ConsistencyIssue]()
    let task = DataSpecSupport.task(of: data)
    let output = model.output.fixedValue
    switch training.loss.fixedValue {
    case .crossEntropy?:
      if let output, output != .softmax {
        issues.append(
          ConsistencyIssue(
            paths: ["training.loss", "model.output"],
            message: "training.loss cross_entropy needs model.output softmax (or auto), got \(output.rawValue)",
            note: "use binary_cross_entropy with a sigmoid output, or mse with any output"))
      }
      if task == .regression {
        issues.append(
          ConsistencyIssue(
            paths: ["training.loss", "data.task"],
            message: "training.loss cross_entropy needs class labels, but data.task is regression",
            note: "use mse (or auto) for regression"))
      }
    case .binaryCrossEntropy?:
      if let output, output != .sigmoid {
        issues.append(
          ConsistencyIssue(
            paths: ["training.loss", "model.output"],
            message:
              "training.loss binary_cross_entropy needs model.output sigmoid (or auto), got \(output.rawValue)",
            note: "use cross_entropy with a softmax output, or mse with any output"))
      }
      if task == .regression {
        issues.append(
          ConsistencyIssue(
            paths: ["training.loss", "data.task"],
            message: "training.loss binary_cross_entropy needs class labels, but data.task is regression",
            note: "use mse (or auto) for regression"))
      }
    default:
      break
    }
    if output == .softmax, task == .regression {
      issues.append(
        ConsistencyIssue(
          paths: ["model.output", "data.task"],
          message: "model.output softmax needs class labels, but data.task is regression",
          note: "use linear (or auto) for regression"))
    }
    if let problem = ModelSize.problem(
      model: model, optimizer: training.optimizer,
      inputSize: DataSpecSupport.estimatedInputSize(of: data),
      outputSize: DataSpecSupport.estimatedOutputSize(of: data))
    {
      let paths = model.widths != nil ? ["model.widths"] : ["model.width", "model.depth"]
      issues.append(ConsistencyIssue(paths: paths, message: problem.message, note: problem.note))
    }
    issues += instrumentIssues()
    // Generated data: its size is known now (files: once read, `totalStepsProblem(trainingRows:)`).
    if !data.name.readsFiles, let message = training.totalStepsProblem(trainingRows: data.samples) {
      issues.append(
        ConsistencyIssue(
          paths: training.steps != nil ? ["training.steps"] : ["training.epochs", "training.batch_size"],
          message: message, note: "train for fewer epochs, or use a larger batch_size"))
    }
    return issues
  }
}

extension RunConfig {
  /// The instruments of `log:` that this run's network or log schedule cannot give.
  func instrumentIssues() -> [ConsistencyIssue] {
    var issues = [ConsistencyIssue]()
    let probes = [log.correlation != nil ? "log.correlation" : nil, log.jacobian ? "log.jacobian" : nil].compactMap { $0 }
    for (path, on) in [("model.normalization", model.normalization != .none), ("model.residual", model.residual != .none)]
    where on && !probes.isEmpty {
      issues.append(
        ConsistencyIssue(
          paths: probes + [path],
          message:
            "\(probes.joined(separator: " and ")) \(probes.count == 1 ? "measures" : "measure") a plain dense network, not one with \(path)",
          note: "turn \(probes.joined(separator: " and ")) off for normalised or residual networks"))
    }
    if log.jacobianEvery > 0 {
      if !log.jacobian {
        issues.append(
          ConsistencyIssue(
            paths: ["log.jacobian_every", "log.jacobian"], message: "log.jacobian_every needs log.jacobian: true"))
      } else if log.every == 0 || log.jacobianEvery % log.every != 0 {
        issues.append(
          ConsistencyIssue(
            paths: ["log.jacobian_every", "log.every"],
            message: "log.jacobian_every \(log.jacobianEvery) must be a multiple of log.every \(log.every): the Jacobian is measured at logged steps",
            note: "use a multiple of \(log.every), or log.jacobian_every: 0 for step 0 only"))
      }
    }
    return issues
  }
}

extension TrainingConfig {
  /// Parameter updates of a run on `trainingRows` examples: `steps`, or epochs ×
  /// ⌈rows / batch_size⌉ — in Double, so no field value can overflow it.
  package func totalSteps(trainingRows: Int) -> Double {
    if let steps { return Double(steps) }
    let batches = max(1, (Double(max(trainingRows, 1)) / Double(max(batchSize, 1))).rounded(.up))
    return Double(epochs ?? Self.defaultEpochs) * batches
  }

  /// A message when the run would make more than `Limits.totalSteps` updates.
  package func totalStepsProblem(trainingRows: Int) -> String? {
    let total = totalSteps(trainingRows: trainingRows)
    guard total > Double(Limits.totalSteps) else { return nil }
    return "the run would make \(ModelSize.grouped(total)) parameter updates "
      + "(\(epochs ?? Self.defaultEpochs) epochs × ⌈\(trainingRows) examples / batch_size \(batchSize)⌉); "
      + "the limit is \(ModelSize.grouped(Double(Limits.totalSteps)))"
  }
}
