// Losses computed from the logits z of the output layer (before the head), numerically
// stable, each returning the per-example losses summed over the batch and writing
// ∂(batch mean loss)/∂z. The batch loss the engine reports is the mean over examples.
//
// Which head goes with which loss:
//
// | head    | cross_entropy                         | binary_cross_entropy | mse                      |
// |---------|---------------------------------------|----------------------|--------------------------|
// | softmax | categorical, −Σₖ yₖ log softmax(z)ₖ    | rejected             | on the probabilities     |
// | sigmoid | Bernoulli per unit (= binary_cross_entropy) | per unit        | on the probabilities     |
// | linear  | rejected                              | rejected             | on z (regression)        |
//
// A sigmoid head on a 2-class problem may have one output unit (p = P(class 1), target
// the label) or one unit per class (one-hot targets, Nielsen's "cross-entropy with
// sigmoid outputs"); `NetworkSpec.outputSize(head:for:)` picks one unit.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loss as the engine evaluates it: the head applied to the logits and the
/// divergence between the head's output and the targets.
enum ResolvedLoss: Sendable, Equatable {
  /// loss = −Σₖ yₖ log softmax(z)ₖ = Σₖ yₖ (logsumexp(z) − zₖ); ∂/∂z = p·Σₖyₖ − y.
  case softmaxCrossEntropy
  /// loss = Σₖ [max(zₖ, 0) − zₖyₖ + ln(1 + e^−|zₖ|)] (sum over units); ∂/∂zₖ = σ(zₖ) − yₖ.
  case sigmoidCrossEntropy
  /// loss = (1/K) Σₖ (hₖ − yₖ)², h = head(z); ∂/∂h = 2(h − y)/K, then through the head.
  case meanSquaredError(OutputHead)

  /// The head this loss applies to the logits.
  var head: OutputHead {
    switch self {
    case .softmaxCrossEntropy: .softmax
    case .sigmoidCrossEntropy: .sigmoid
    case .meanSquaredError(let head): head
    }
  }

  /// Pairs a head with a loss, or explains why they do not go together.
  static func resolve(head: OutputHead, loss: LossKind) throws(EngineError) -> ResolvedLoss {
    switch (loss, head) {
    case (.crossEntropy, .softmax): return .softmaxCrossEntropy
    case (.crossEntropy, .sigmoid), (.binaryCrossEntropy, .sigmoid): return .sigmoidCrossEntropy
    case (.meanSquaredError, _): return .meanSquaredError(head)
    case (.crossEntropy, .linear):
      throw EngineError("loss 'cross_entropy' needs a 'softmax' or 'sigmoid' output head, not 'linear'")
    case (.binaryCrossEntropy, _):
      throw EngineError(
        "loss 'binary_cross_entropy' needs a 'sigmoid' output head, not '\(head.rawValue)'")
    }
  }

  /// Writes the head's outputs h = head(z) and, when `gradient` is given,
  /// `gradientScale` · ∂loss/∂z; returns Σ over rows of the per-example loss.
  ///
  /// `targets` is `rows × width`: one-hot rows for classes (or the 0/1 label for a single
  /// sigmoid unit), real values for regression. The engine passes gradientScale = 1/rows,
  /// making the gradient that of the batch mean.
  func evaluate(
    logits z: UnsafePointer<Float>, targets y: UnsafePointer<Float>, rows: Int, width: Int,
    outputs h: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>?, gradientScale: Float
  ) -> Double {
    var total = 0.0
    for row in 0..<rows {
      let zRow = z + row * width, yRow = y + row * width, hRow = h + row * width
      let gRow = gradient.map { $0 + row * width }
      switch self {
      case .softmaxCrossEntropy:
        total += softmaxCrossEntropyRow(zRow, yRow, hRow, gRow, width, gradientScale)
      case .sigmoidCrossEntropy:
        total += sigmoidCrossEntropyRow(zRow, yRow, hRow, gRow, width, gradientScale)
      case .meanSquaredError(let head):
        total += meanSquaredErrorRow(head, zRow, yRow, hRow, gRow, width, gradientScale)
      }
    }
    return total
  }
}

/// softmax(z) with the maximum subtracted first; returns (Σ e^(z − max), max).
private func softmaxRow(_ z: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>, _ width: Int) -> (sum: Float, max: Float) {
  var m = -Float.infinity
  for k in 0..<width where z[k] > m { m = z[k] }  // a NaN logit still makes the sum NaN
  var sum = Vector8()
  var k = 0
  while k < width {
    let n = min(8, width - k)
    let e = expLanes(load8(z + k, count: n) - m).replacing(with: 0, where: .!laneMask(n))
    store8(e, p + k, count: n)
    sum += e
    k += 8
  }
  let s = laneSum(sum)
  let inverse = 1 / s
  for k in 0..<width { p[k] *= inverse }
  return (s, m)
}

private func softmaxCrossEntropyRow(
  _ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>,
  _ g: UnsafeMutablePointer<Float>?, _ width: Int, _ scale: Float
) -> Double {
  let (s, m) = softmaxRow(z, p, width)
  // logsumexp(z) − zₖ = ln Σ e^(z − max) − (zₖ − max)
  let logSum = log(Double(s))
  var loss = 0.0
  var targetSum: Float = 0
  for k in 0..<width where y[k] != 0 {
    loss += Double(y[k]) * (logSum - Double(z[k] - m))
    targetSum += y[k]
  }
  if !m.isFinite || !s.isFinite { loss = .nan }
  if let g {
    for k in 0..<width { g[k] = (p[k] * targetSum - y[k]) * scale }
  }
  return loss
}

private func sigmoidCrossEntropyRow(
  _ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ h: UnsafeMutablePointer<Float>,
  _ g: UnsafeMutablePointer<Float>?, _ width: Int, _ scale: Float
) -> Double {
  var loss = 0.0
  var k = 0
  while k < width {
    let n = min(8, width - k)
    let zv = load8(z + k, count: n)
    let (sigma, _) = logisticLanes(zv)
    store8(sigma, h + k, count: n)
    if let g { store8((sigma - load8(y + k, count: n)) * scale, g + k, count: n) }
    k += 8
  }
  for k in 0..<width {
    let zk = Double(z[k])
    loss += max(zk, 0) - zk * Double(y[k]) + log1p(exp(-abs(zk)))
  }
  return loss
}

private func meanSquaredErrorRow(
  _ head: OutputHead, _ z: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
  _ h: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>?, _ width: Int, _ scale: Float
) -> Double {
  switch head {
  case .softmax: _ = softmaxRow(z, h, width)
  case .sigmoid:
    var k = 0
    while k < width {
      let n = min(8, width - k)
      store8(logisticLanes(load8(z + k, count: n)).value, h + k, count: n)
      k += 8
    }
  case .linear: h.update(from: z, count: width)
  }
  var loss = 0.0
  for k in 0..<width {
    let difference = Double(h[k]) - Double(y[k])
    loss += difference * difference
  }
  loss /= Double(width)
  guard let g else { return loss }
  // ∂/∂h = 2(h − y)/K, then the head's Jacobian.
  let factor = 2 * scale / Float(width)
  for k in 0..<width { g[k] = (h[k] - y[k]) * factor }
  switch head {
  case .linear: break
  case .sigmoid:
    for k in 0..<width { g[k] *= h[k] * (1 - h[k]) }
  case .softmax:
    // Jᵀg = p ⊙ (g − ⟨g, p⟩)
    var dot: Float = 0
    for k in 0..<width { dot += g[k] * h[k] }
    for k in 0..<width { g[k] = h[k] * (g[k] - dot) }
  }
  return loss
}

/// Number of rows whose prediction matches the label: the head output > 0.5 for a
/// single output unit, otherwise the first index of the largest output.
func correctPredictions(
  outputs h: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, width: Int
) -> Int {
  var correct = 0
  for row in 0..<rows {
    let hRow = h + row * width
    let predicted: Int32
    if width == 1 {
      predicted = hRow[0] > 0.5 ? 1 : 0
    } else {
      var best = 0
      for k in 1..<width where hRow[k] > hRow[best] { best = k }
      predicted = Int32(best)
    }
    if predicted == labels[row] { correct += 1 }
  }
  return correct
}

// MARK: - Array forms (for users and tests; the engine calls the pointer forms above)

/// Mean over examples of the softmax cross-entropy −log softmax(z)_label, from logits
/// (`labels.count × classCount`, row-major), via log-sum-exp.
package func softmaxCrossEntropy(logits: [Float], labels: [Int32], classCount: Int) -> Double {
  let targets = oneHot(labels, classCount: classCount)
  return meanLoss(.softmaxCrossEntropy, logits: logits, targets: targets, width: classCount)
}

/// Mean over examples of Σ over units of the sigmoid binary cross-entropy
/// max(z, 0) − z·y + ln(1 + e^−|z|), from logits; `labels` (same shape) in [0, 1].
package func sigmoidCrossEntropy(logits: [Float], labels: [Float], outputCount: Int = 1) -> Double {
  meanLoss(.sigmoidCrossEntropy, logits: logits, targets: labels, width: outputCount)
}

/// Mean over all elements of (predicted − expected)² (no ½ factor), as
/// `tf.keras.losses.MSE`, `torch.nn.MSELoss()` and swift-apis' `meanSquaredError`.
package func meanSquaredError(predicted: [Float], expected: [Float]) -> Double {
  precondition(predicted.count == expected.count, "predicted and expected differ in size")
  return meanLoss(.meanSquaredError(.linear), logits: predicted, targets: expected, width: max(predicted.count, 1))
}

private func meanLoss(_ loss: ResolvedLoss, logits: [Float], targets: [Float], width: Int) -> Double {
  precondition(width > 0 && logits.count % width == 0 && logits.count == targets.count, "shape mismatch")
  let rows = logits.count / width
  guard rows > 0 else { return .nan }
  var outputs = [Float](repeating: 0, count: logits.count)
  let total = logits.withUnsafeBufferPointer { z in
    targets.withUnsafeBufferPointer { y in
      outputs.withUnsafeMutableBufferPointer { h in
        loss.evaluate(
          logits: z.baseAddress!, targets: y.baseAddress!, rows: rows, width: width,
          outputs: h.baseAddress!, gradient: nil, gradientScale: 1)
      }
    }
  }
  return total / Double(rows)
}

func oneHot(_ labels: [Int32], classCount: Int) -> [Float] {
  var targets = [Float](repeating: 0, count: labels.count * classCount)
  for (row, label) in labels.enumerated() {
    precondition(label >= 0 && Int(label) < classCount, "label out of range")
    targets[row * classCount + Int(label)] = 1
  }
  return targets
}
