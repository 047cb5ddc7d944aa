// The statistics stage of a logged step: ONE call, `TrainingSession.statistics(of:…)`,
// that reads every layer's buffers after the backward pass and the update, and returns
// the rows of layers.csv.
//
// ┌ Adding a per-layer instrument ──────────────────────────────────────────────────────┐
// │ 1. Write it as a pure function of a layer's buffers (GradEngine/Instruments/), e.g. │
// │      func perExampleDeltaNorm(_ layer: LayerBuffers) -> Double                      │
// │ 2. Give `LayerStatistics` a field for it (TrainingRecords.swift).                   │
// │ 3. Set the field in `statistics(of:…)` below, at the line marked "instruments".     │
// │ The observer receives it with the other statistics; the CSV writer adds the column. │
// │ Instruments that read W_t or probe the network (log: weight_distance, spectral_norm,│
// │ grad_quantiles, correlation, jacobian) run before the update instead, in            │
// │ `SessionInstruments.measure` (Instruments/), called once from `performStep`.        │
// └─────────────────────────────────────────────────────────────────────────────────────┘

/// One layer's buffers after a logged step, as the statistics stage and the instruments
/// read them. Every block is batch-major, `rows × width` with row stride `width`.
///
/// Timing: the forward and backward passes of this step are complete; the update (when
/// one was applied, `updated`) has changed the weights but nothing else here. The
/// record itself describes the network *before* the update (its ‖W‖ comes from the
/// update's own measure), so an instrument that reads `weights` after an update sees
/// W_{t+1}, not W_t: use it only where that is what the column means, or at steps
/// without update (the final record, `inspect`, initialisation ensembles).
struct LayerBuffers {
  /// ℓ, 1…L+1 as in layers.csv (L+1 is the output layer).
  let layer: Int
  let isOutput: Bool
  let rows: Int
  let fanIn: Int
  let fanOut: Int
  /// h_{ℓ−1}, `rows × fanIn`: the layer's input (the gathered batch for ℓ = 1).
  let input: UnsafePointer<Float>
  /// z, `rows × fanOut`: x·W + b — under a `pre` normalisation the normalised z (f's
  /// input); for the output layer the logits.
  let preactivations: UnsafePointer<Float>
  /// h_ℓ, `rows × fanOut`: f(z) after the layer's stages (post-norm, dropout, residual
  /// addition); for the output layer the head's outputs.
  let activations: UnsafePointer<Float>
  /// δ_ℓ = ∂(batch-mean loss)/∂z, `rows × fanOut`: row r is example r's own gradient
  /// ∂L_r/∂z divided by `rows` (so per-example norms are `rows ×` the row norms).
  let deltas: UnsafePointer<Float>
  /// W, `fanIn × fanOut` row-major (see the timing note above).
  let weights: UnsafePointer<Float>
  /// ∂L/∂W = h_{ℓ−1}ᵀ·δ_ℓ, `fanIn × fanOut`, when the step formed it in the layer's own
  /// buffer; nil when the update formed it in cache (fused SGD, blocked) — then
  /// `StepBuffers.formWeightGradient(layer:)` forms it (h and δ are intact).
  let weightGradient: UnsafePointer<Float>?
  /// Whether an update was applied after the passes.
  let updated: Bool
}

/// The buffers of a step, for the statistics stage.
struct StepBuffers {
  let network: Network
  let workspace: Workspace
  let rows: Int
  /// Whether every layer's weight gradient is in its own buffer.
  let gradientsFormed: Bool
  let updated: Bool

  /// Layer `index` (0-based) of the step.
  func layer(_ index: Int) -> LayerBuffers {
    let layer = network.layers[index]
    return LayerBuffers(
      layer: index + 1, isOutput: index == network.layerCount - 1, rows: rows, fanIn: layer.fanIn,
      fanOut: layer.fanOut, input: layerInput(index, workspace),
      preactivations: UnsafePointer(workspace.preactivations[index].pointer),
      activations: UnsafePointer(workspace.activations[index].pointer),
      deltas: UnsafePointer(workspace.deltas[index].pointer), weights: UnsafePointer(layer.weights.value.pointer),
      weightGradient: gradientsFormed ? UnsafePointer(layer.weights.gradient.pointer) : nil, updated: updated)
  }

  /// Forms ∂L/∂W of layer `index` (0-based) into its gradient buffer and returns it, for an
  /// instrument that needs it where the update never stored it (the next step overwrites it).
  func formWeightGradient(layer index: Int) -> UnsafePointer<Float> {
    weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
    return UnsafePointer(network.layers[index].weights.gradient.pointer)
  }
}

extension TrainingSession {
  /// The buffers of the step just taken.
  func stepBuffers(rows: Int, _ gradients: GradientState, updated: Bool) -> StepBuffers {
    StepBuffers(
      network: network, workspace: workspace, rows: rows, gradientsFormed: gradients.formed, updated: updated)
  }

  /// The statistics stage: layers 1…L+1's rows of layers.csv from the step's buffers,
  /// the gradient sums (`gradients.sums`, per parameter in `parameters` order), what the
  /// update measured (`gradients.measures`, empty without an update) and the PReLU slopes
  /// before the update.
  func statistics(of step: StepBuffers, _ gradients: GradientState, slopes: [Double?]) -> [LayerStatistics] {
    let sums = gradients.sums
    let measures = gradients.measures.isEmpty ? nil : gradients.measures
    var parameterIndex = 0
    var result: [LayerStatistics] = []
    result.reserveCapacity(network.layerCount)
    for (index, layer) in network.layers.enumerated() {
      let buffers = step.layer(index)
      let weightSums = sums[parameterIndex]
      let weightMeasure = measures?[parameterIndex]
      parameterIndex += 1
      var biasNorm = Double.nan
      if layer.bias != nil {
        biasNorm = sums[parameterIndex].squares.squareRoot()
        parameterIndex += 1
      }
      if layer.slope != nil { parameterIndex += 1 }
      var gradGammaNorm: Double? = nil, gradBetaNorm: Double? = nil
      var gammaNorm: Double? = nil, betaNorm: Double? = nil
      if let norm = layer.normalization {
        // Norms before this step's update: measured by the update, else read now.
        func valueNorm(_ parameter: Parameter, _ index: Int) -> Double {
          measures.map { $0[index].valueSquaredNorm.squareRoot() }
            ?? gradientSums(parameter.value.pointer, count: parameter.count).squares.squareRoot()
        }
        gradGammaNorm = sums[parameterIndex].squares.squareRoot()
        gammaNorm = valueNorm(norm.scale, parameterIndex)
        gradBetaNorm = sums[parameterIndex + 1].squares.squareRoot()
        betaNorm = valueNorm(norm.shift, parameterIndex + 1)
        parameterIndex += 2
      }
      let weightNorm =
        weightMeasure.map { $0.valueSquaredNorm.squareRoot() }
        ?? gradientSums(buffers.weights, count: layer.weights.count).squares.squareRoot()
      let updateRatio = weightMeasure.map { $0.changeSquaredNorm.squareRoot() / weightNorm } ?? .nan
      // Hidden layers' activation statistics were accumulated by the forward sweep.
      let summary =
        buffers.isOutput
        ? summarizeLogits(buffers.preactivations, rows: buffers.rows, width: buffers.fanOut)
        : workspace.summaries[index]
      let row = LayerStatistics(
        layer: buffers.layer, gradWNorm: weightSums.squares.squareRoot(),
        gradWMeanAbs: weightSums.absolute / Double(max(layer.weights.count, 1)),
        gradBNorm: biasNorm, weightNorm: weightNorm, updateRatio: updateRatio,
        preactMean: summary.preactMean, preactStd: summary.preactStd,
        actMean: summary.actMean, actStd: summary.actStd, derivMean: summary.derivMean,
        saturatedFraction: summary.saturatedFraction, deadFraction: summary.deadFraction,
        preluSlope: slopes[index], gradGammaNorm: gradGammaNorm, gradBetaNorm: gradBetaNorm,
        gammaNorm: gammaNorm, betaNorm: betaNorm)
      // instruments: set further per-layer fields of `row` here from `buffers` (make it a
      // `var`), e.g.
      //   row.perExampleGradNorm = perExampleDeltaNorm(buffers)
      result.append(row)
    }
    return result
  }
}
