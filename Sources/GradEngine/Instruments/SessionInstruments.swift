/// What a training session keeps for its instruments (`TrainingPlan.instruments`): the
/// initial weights W₀ for `weight_distance`, and the probe inputs of the correlation and
/// the Jacobian. Built once when the session starts; `measure` runs at logged steps.
final class SessionInstruments {
  let options: InstrumentOptions
  /// Per layer 1…L+1, a copy of W₀ (empty unless `weightDistance`).
  private let initialWeights: [[Float]]
  /// The probe pair at (q⁰, c⁰) (nil when off or when the data give none).
  private let pair: (first: [Double], second: [Double])?
  /// The Jacobian's input (`probeInput`: the first training row rescaled to squared
  /// length n₀·q⁰, the pair's first member); nil when off.
  private let jacobianInput: [Double]?
  /// The probe models a plain dense network only (see `ProbeNetwork`).
  private let probeApplies: Bool

  init(options: InstrumentOptions, network: Network, data: Dataset) {
    self.options = options
    initialWeights = options.weightDistance ? network.layers.map { $0.weights.value.array } : []
    probeApplies = network.spec.normalization == .none && network.residualLayout.isEmpty
    pair = options.correlation.flatMap {
      correlatedProbePair(features: data.features, featureCount: data.featureCount, correlation: $0)
    }
    jacobianInput = options.jacobian ? probeInput(features: data.features, featureCount: data.featureCount) : nil
  }

  /// The per-layer instruments (layers 1…L+1) and, when due at `step`, the Jacobian's
  /// spectrum, of the network as it is now — call after the backward pass and before
  /// the update. With `gradQuantiles` it forms each layer's weight gradient into its
  /// gradient buffer (which the update then overwrites or does not read: the trajectory
  /// is unchanged).
  func measure(
    network: Network, workspace: Workspace, rows: Int, step: Int
  ) -> (layers: [LayerInstruments], jacobian: JacobianSpectrum?) {
    let correlations: [Double]? =
      probeApplies ? pair.map { pair in network.withProbe { pairCorrelations($0, pair.first, pair.second) } } : nil
    var layers: [LayerInstruments] = []
    for (index, layer) in network.layers.enumerated() {
      var record = LayerInstruments()
      if options.preactGradNorm {
        record.preactGradNorm = meanRowNorm(
          workspace.deltas[index].pointer, rows: rows, width: layer.fanOut, scale: Double(rows))
      }
      record.correlation = correlations?[index]
      if options.weightDistance {
        record.weightDistance = initialWeights[index].withUnsafeBufferPointer {
          relativeDistance(layer.weights.value.pointer, from: $0.baseAddress!, count: layer.weights.count)
        }
      }
      if options.spectralNorm {
        record.spectralNorm = spectralNorm(layer.weights.value.pointer, rows: layer.fanIn, columns: layer.fanOut)
      }
      if options.gradQuantiles {
        weightGradient(layer: index, network: network, workspace: workspace, rows: rows)
        record.gradQuantiles = QuantileBands.absoluteQuantiles(layer.weights.gradient.pointer, count: layer.weights.count)
      }
      layers.append(record)
    }
    var jacobian: JacobianSpectrum? = nil
    if probeApplies, options.measuresJacobian(atStep: step), let input = jacobianInput {
      jacobian = network.withProbe { jacobianSpectrum($0, at: input) }
    }
    return (layers, jacobian)
  }
}
