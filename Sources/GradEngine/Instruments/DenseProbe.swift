/// A plain dense network seen through its parameters (no copy), for the instruments that
/// send inputs of their own through it: the two-input correlation and the Jacobian.
///
/// Layer l computes h^l = x^(l−1)·W^l + b^l (W `fanIn × fanOut` row-major, as the
/// engine stores it) and, for hidden layers, x^l = φ(h^l) with the engine's own
/// activation kernel (so φ and φ′ are the network's, bit for bit); the last layer's h
/// are the logits. Products and sums run in Double. Normalisation, residual blocks and
/// dropout are not modelled: the sweep file refuses these instruments for such networks.
package struct ProbeNetwork {
  package struct Layer {
    package var weights: UnsafePointer<Float>
    /// nil without biases.
    package var bias: UnsafePointer<Float>?
    package var fanIn: Int
    package var fanOut: Int
    /// The negative-side slope (leaky ReLU, PReLU's current value).
    package var slope: Float

    package init(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, fanIn: Int, fanOut: Int, slope: Float) {
      self.weights = weights
      self.bias = bias
      self.fanIn = fanIn
      self.fanOut = fanOut
      self.slope = slope
    }
  }

  /// Hidden layers 1…L, then the output layer.
  package var layers: [Layer]
  package var activation: ActivationKind

  package init(layers: [Layer], activation: ActivationKind) {
    self.layers = layers
    self.activation = activation
  }

  package var inputSize: Int { layers.first?.fanIn ?? 0 }
  package var hiddenCount: Int { layers.count - 1 }

  /// One input's pass: per layer 1…L+1 the pre-activations h^l, and per hidden layer
  /// x^l = φ(h^l) and φ′(h^l).
  package struct Pass {
    package var preactivations: [[Double]]
    package var activations: [[Double]]
    package var derivatives: [[Double]]
  }

  /// Sends one input (`inputSize` values) through the network.
  package func forward(_ input: [Double]) -> Pass {
    precondition(input.count == inputSize, "the probe input has \(input.count) values, not \(inputSize)")
    var x = input
    var pass = Pass(preactivations: [], activations: [], derivatives: [])
    for (index, layer) in layers.enumerated() {
      var h = [Double](repeating: 0, count: layer.fanOut)
      if let bias = layer.bias {
        for j in 0..<layer.fanOut { h[j] = Double(bias[j]) }
      }
      for i in 0..<layer.fanIn {
        let xi = x[i]
        let row = layer.weights + i * layer.fanOut
        for j in 0..<layer.fanOut { h[j] += xi * Double(row[j]) }
      }
      pass.preactivations.append(h)
      guard index < hiddenCount else { break }
      var z = h.map { Float($0) }
      var a = [Float](repeating: 0, count: layer.fanOut)
      var d = [Float](repeating: 0, count: layer.fanOut)
      z.withUnsafeMutableBufferPointer { z in
        a.withUnsafeMutableBufferPointer { a in
          d.withUnsafeMutableBufferPointer { d in
            _ = activationForward(
              activation, slope: layer.slope, preactivations: z.baseAddress!, bias: nil,
              activations: a.baseAddress!, derivatives: d.baseAddress!, rows: 1, width: layer.fanOut,
              keepPreactivations: true)
          }
        }
      }
      pass.derivatives.append(d.map { Double($0) })
      x = a.map { Double($0) }
      pass.activations.append(x)
    }
    return pass
  }
}

extension Network {
  /// Runs `body` on a probe of this network's current parameters (valid only inside).
  func withProbe<R>(_ body: (ProbeNetwork) -> R) -> R {
    withExtendedLifetime(self) {
      let probeLayers = layers.enumerated().map { index, layer in
        ProbeNetwork.Layer(
          weights: layer.weights.value.pointer, bias: layer.bias.map { UnsafePointer($0.value.pointer) },
          fanIn: layer.fanIn, fanOut: layer.fanOut,
          slope: index < layers.count - 1 ? activationSlope(index) : 0)
      }
      return body(ProbeNetwork(layers: probeLayers, activation: spec.activation.kind))
    }
  }
}
