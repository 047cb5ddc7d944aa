import Foundation
import GradEngine

/// Networks too large to allocate are refused when the sweep loads, before anything
/// is allocated, with the memory they would need.
package enum ModelSize {
  /// The largest parameter count gradsweep accepts: 2³¹ (8 GiB of Float32 weights).
  package static let maxParameters: Double = 2_147_483_648

  /// Float32 arrays of the parameters' size an optimizer keeps besides the weights and
  /// their gradients: none for SGD, a velocity for momentum/Nesterov, a square average
  /// for RMSProp, two moments for Adam.
  package static func stateArrays(_ optimizer: OptimizerKind) -> Int {
    switch optimizer {
    case .sgd: return 0
    case .momentum, .nesterov, .rmsprop: return 1
    case .adam: return 2
    }
  }

  /// Bytes of weights, gradients and optimizer state: `4 · P · (2 + state arrays)`.
  package static func bytesNeeded(parameters: Double, optimizer: OptimizerKind) -> Double {
    4 * parameters * Double(2 + stateArrays(optimizer))
  }

  /// A message when `model` with these input and output widths exceeds the limit.
  static func problem(model: ModelConfig, optimizer: OptimizerKind, inputSize: Int, outputSize: Int)
    -> (message: String, note: String)?
  {
    let count = model.parameterCount(inputSize: inputSize, outputSize: outputSize)
    guard count > maxParameters else { return nil }
    let gib = bytesNeeded(parameters: count, optimizer: optimizer) / 1_073_741_824
    return (
      "model too large: \(grouped(count)) parameters would need \(String(format: "%.1f", gib)) GiB "
        + "(weights, gradients and optimizer state as 32-bit floats); the limit is "
        + "\(grouped(maxParameters)) parameters (2^31)",
      "reduce model.width, model.depth or model.widths"
    )
  }

  /// `1234567` → `1,234,567`; beyond 10¹⁸ in scientific notation.
  static func grouped(_ x: Double) -> String {
    guard x.isFinite, x < 1e18 else { return String(format: "%.3g", x) }
    let digits = String(Int64(x.rounded()))
    var result = ""
    for (index, character) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result += "," }
      result.append(character)
    }
    return result
  }
}

extension ModelConfig {
  /// Trainable parameters of this network for the given input and output widths:
  /// Σ over layers of fan_in · fan_out (+ fan_out with biases), computed in Double so
  /// absurd sizes report a number instead of overflowing.
  package func parameterCount(inputSize: Int, outputSize: Int) -> Double {
    let input = Double(inputSize)
    let output = Double(outputSize)
    let biasTerm: Double = bias ? 1 : 0
    if let widths, !widths.isEmpty {
      var total = 0.0
      var fanIn = input
      for width in widths {
        total += fanIn * Double(width) + biasTerm * Double(width)
        fanIn = Double(width)
      }
      return total + fanIn * output + biasTerm * output
    }
    let w = Double(width)
    let hidden = Double(depth)
    return input * w + (hidden - 1) * w * w + hidden * biasTerm * w + w * output + biasTerm * output
  }
}
