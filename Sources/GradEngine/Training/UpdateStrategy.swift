// How a session applies an update: chosen once, from the plan, when the session starts.

/// The way every update of a session is applied.
///
/// - `fusedSGD` — plain SGD without clipping: each layer's update is folded into its
///   gradient product, W ← (1 − ηλ)·W + (−η)·Aᵀδ in one `sgemm`, and the weight
///   gradient is never stored (`fusedSGDWeightUpdate`).
/// - `inCache` — any other optimizer without clipping: each layer's weight gradient is
///   formed and applied while still in cache, whole or, for layers over
///   `blockedUpdateThreshold` weights, a block of inputs at a time (`blockedWeightUpdate`).
/// - `clipped` — clipping by global norm needs ‖∇‖ before any update: every gradient is
///   formed and measured first, then every tensor is updated along c/‖∇‖ when ‖∇‖ > c.
///
/// Every strategy applies bitwise the same update (tests check fused against separate and
/// blocked against whole). A step whose gradients are not provably finite (see
/// `TrainingSession.checkDivergence`) forms and checks them first, as `clipped` does,
/// whatever the strategy.
struct UpdateStrategy {
  enum Kind: Equatable {
    case fusedSGD
    case inCache
    case clipped(maxNorm: Double)
  }
  let kind: Kind
  /// Per layer: whether its weight gradient is formed a block of inputs at a time.
  let blocked: [Bool]
  /// Per layer: its trainable tensors after the weights (bias, PReLU slope, γ, β), each
  /// updated whole after the layer's weights.
  let otherParameters: [[Parameter]]

  init(plan: TrainingPlan, network: Network) {
    if let clip = plan.optimizer.clipGradNorm {
      kind = .clipped(maxNorm: clip)
    } else if Self.fusesPlainSGDUpdate && plan.optimizer.kind == .sgd {
      kind = .fusedSGD
    } else {
      kind = .inCache
    }
    blocked = network.layers.map { usesBlockedUpdate(fanIn: $0.fanIn, fanOut: $0.fanOut) }
    otherParameters = network.layers.map { Array($0.parameters.dropFirst()) }
  }

  /// Whether the global gradient norm is needed before any update (clipping).
  var needsGlobalNorm: Bool {
    if case .clipped = kind { return true }
    return false
  }

  /// Whether plain SGD folds the weight update into the gradient product
  /// (W ← βW + α·Aᵀδ in one `sgemm`; at logged steps `sgemmUpdateSums`, which also
  /// measures it). It saves a write and a read of every weight gradient per step. It
  /// relies on `sgemm` evaluating α·Σ + β·c with the same Σ for β = 0 and β ≠ 0, which the
  /// test "logging does not change the trajectory" checks; a kernel that breaks it can be
  /// accommodated by setting this to false.
  static let fusesPlainSGDUpdate = true
}

extension TrainingSession {
  /// The update stage: one optimizer update at η_t = `learningRate`, by the session's
  /// strategy, then batch norm's running statistics. With `measuring`, each tensor's
  /// update is measured (‖W‖ before, ‖ΔW‖, and, for gradients formed in the update,
  /// Σg² and Σ|g|, with which `gradients.sums` and `.norm` are completed).
  func applyUpdate(_ gradients: inout GradientState, rows: Int, learningRate: Double, measuring: Bool) {
    optimizer.learningRate = learningRate
    optimizer.beginUpdate()
    if gradients.formed {
      var scale: Float = 1
      if case .clipped(let clip) = updateStrategy.kind, gradients.norm > clip { scale = Float(clip / gradients.norm) }
      for parameter in parameters {
        let measure = optimizer.update(parameter, along: scale, measuring: measuring)
        if measuring { gradients.measures.append(measure) }
      }
    } else {
      for index in network.layers.indices {
        let measure = updateWeights(layer: index, rows: rows, measuring: measuring)
        if measuring { gradients.measures.append(measure) }
        for parameter in updateStrategy.otherParameters[index] {
          let measure = optimizer.update(parameter, along: 1, measuring: measuring)
          if measuring { gradients.measures.append(measure) }
        }
      }
      if measuring {
        // A Float block that overflowed is summed again in Double (the gradient is intact).
        gradients.sums = zip(parameters, gradients.measures).map { parameter, measure in
          measure.gradientSquares.isFinite
            ? (measure.gradientSquares, measure.gradientAbsoluteSum)
            : gradientSums(parameter.gradient.pointer, count: parameter.count)
        }
        gradients.norm = gradients.sums.reduce(0) { $0 + $1.squares }.squareRoot()
      }
    }
    if hasNormalization { updateRunningStatistics(network: network, workspace: workspace, rows: rows) }
    updatesApplied += 1
  }

  /// Forms layer `index`'s weight gradient and applies it while it is in cache: fused into
  /// the product for plain SGD (at a logged step only when the epilogue's Float sums
  /// cannot overflow), else a block of inputs at a time or whole.
  private func updateWeights(layer index: Int, rows: Int, measuring: Bool) -> Optimizer.Measure {
    let fuses =
      updateStrategy.kind == .fusedSGD
      && (!measuring || fusedUpdateSumsStayFinite(layer: index, network: network, workspace: workspace))
    if fuses {
      return fusedSGDWeightUpdate(
        layer: index, network: network, workspace: workspace, rows: rows, optimizer: optimizer, measuring: measuring)
    }
    if updateStrategy.blocked[index] {
      return blockedWeightUpdate(
        layer: index, network: network, workspace: workspace, rows: rows, optimizer: optimizer, measuring: measuring)
    }
    weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
    return optimizer.update(network.layers[index].weights, along: 1, measuring: measuring)
  }
}
