import Testing

@testable import SweepSpec

@Suite struct RunIDTests {
  @Test func fnv1aKnownVectors() {
    #expect(RunID.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
    #expect(RunID.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
    #expect(RunID.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    #expect(RunID.shortHash("") == "4fd0bfc1")  // 0xcbf29ce4 ⊕ 0x84222325
  }

  /// A fixed config must get this id in every process, on every machine: it is hashed
  /// with FNV-1a, never with Swift's per-process seeded Hasher.
  @Test func idOfAFixedConfigIsHardCoded() throws {
    let plan = try plan(
      """
      seed: 2
      model: {width: 16}
      sweep:
        grid:
          model.activation: [sigmoid]
          model.depth: [8]
          model.initializer: [xavier_normal]
          training.learning_rate: [0.1]
      """)
    #expect(plan.runs.map(\.id) == ["sigmoid-d8-xavier_normal-lr0.1-s2-1688cd77"])
    #expect(plan.runs[0].config.idHash == String(plan.runs[0].id.suffix(8)))
  }

  @Test func sameConfigSameIdWhateverItsPosition() throws {
    let a = try plan("sweep: {grid: {model.activation: [relu, sigmoid, tanh]}}")
    let b = try plan("sweep: {grid: {model.activation: [tanh, sigmoid]}}\nmodel: {activation: relu}")
    let idsA = Dictionary(uniqueKeysWithValues: a.runs.map { ($0.axisValues[0], $0.id) })
    for run in b.runs { #expect(idsA[run.axisValues[0]] == run.id) }
  }

  @Test func distinctConfigsGetDistinctHashes() throws {
    var configs = [RunConfig()]
    func vary(_ change: (inout RunConfig) -> Void) {
      var config = RunConfig()
      change(&config)
      configs.append(config)
    }
    vary { $0.seed = 2 }
    vary { $0.data.noise = 0.3 }
    vary { $0.data.seed = 5 }
    vary { $0.model.width = 33 }
    vary { $0.model.depth = 5 }
    vary { $0.model.widths = [32, 32, 32, 32] }
    vary { $0.model.activation = .tanh }
    vary { $0.model.slope = 0.01 }
    vary { $0.model.initGain = 2 }
    vary { $0.model.bias = false }
    vary { $0.model.output = .fixed(.softmax) }
    vary { $0.training.learningRate = 0.01 }
    vary { $0.training.optimizer = .adam }
    vary { $0.training.epochs = nil; $0.training.steps = 10 }
    vary { $0.training.clipGradNorm = 1 }
    vary { $0.log.every = 1 }
    vary { $0.log.validate = false }
    let hashes = configs.map(\.idHash)
    #expect(Set(hashes).count == configs.count)
  }

  @Test func idsAreFileNameSafeAndCapped() throws {
    let plan = try plan(
      """
      data: {name: csv, path: "some dir/ä data.csv"}
      sweep:
        grid:
          data.path: ["some dir/ä data.csv", "x/y:z?.csv"]
          model.initializer: [xavier_uniform]
          model.bias_initializer: [lecun_uniform]
          training.optimizer: [nesterov]
          model.activation: [leaky_relu]
          training.weight_decay: [0.0001234567]
          training.clip_grad_norm: [null]
          model.bias: [false]
      """, checkingDataFiles: false)
    for run in plan.runs {
      #expect(run.id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789._+-".unicodeScalars.contains($0)) })
      #expect(run.id.count <= RunID.maxReadableLength + "-s1-".count + 8)
      #expect(run.id.unicodeScalars.first.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) } == true)
    }
    // Capped at a part boundary: the last parts give way, the hash keeps ids distinct;
    // an id begins with a letter or digit ("ä data.csv" → "__data.csv" → "data.csv").
    #expect(plan.runs[0].id.hasPrefix("data.csv-xavier_uniform-bias_lecun_uniform-nesterov-leaky_relu-wd0.0001235-s1-"))
    #expect(plan.runs[1].id.hasPrefix("y_z_.csv-xavier_uniform-"))
    #expect(RunID.part(path: "model.bias", value: "false") == "nobias")
    #expect(RunID.part(path: "log.validate", value: "true") == "validate")
    #expect(RunID.part(path: "training.epsilon", value: "1.0e-08") == "eps1e-08")
    #expect(RunID.part(path: "data.teacher_depth", value: "3") == "teacher_depth3")
  }
}
