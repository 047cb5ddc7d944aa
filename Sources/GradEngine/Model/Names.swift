// The one set of names every layer of gradsweep uses for an engine choice: YAML
// values, CLI arguments, CSV cells and report labels are these raw values. Aliases
// are accepted on input only; output always uses the canonical name.

/// A name that users type: canonical raw value plus accepted aliases.
package protocol UserFacingName: RawRepresentable, CaseIterable, Sendable, Hashable, Codable
where RawValue == String {
  /// Other spellings accepted on input (e.g. `glorot_normal` for `xavier_normal`).
  static var aliases: [String: Self] { get }
}

extension UserFacingName {
  package static var aliases: [String: Self] { [:] }

  /// Parses a canonical name or an alias.
  package init?(userName: String) {
    if let value = Self(rawValue: userName) {
      self = value
    } else if let value = Self.aliases[userName] {
      self = value
    } else {
      return nil
    }
  }

  /// Every accepted spelling, canonical names first (for help text and suggestions).
  package static var allUserNames: [String] {
    allCases.map(\.rawValue) + aliases.keys.sorted()
  }
}

/// Hidden-layer activation functions.
package enum ActivationKind: String, UserFacingName {
  case sigmoid
  case tanh
  case relu
  case leakyReLU = "leaky_relu"
  case elu
  case selu
  /// GELU, exact: x·Φ(x) with the error function (PyTorch's default).
  case gelu
  /// GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  case geluTanh = "gelu_tanh"
  case silu
  case softplus
  case softsign
  case hardTanh = "hard_tanh"
  case identity
  /// Leaky ReLU whose slope is learned, one per layer (He et al. 2015), initialised to 0.25.
  case prelu

  package static var aliases: [String: ActivationKind] {
    ["swish": .silu, "linear": .identity, "hardtanh": .hardTanh, "leakyrelu": .leakyReLU]
  }
}

/// Weight and bias initializers. Each case's formula is documented where it is implemented.
package enum InitializerKind: String, UserFacingName {
  case standard
  case normal
  case uniform
  case xavierUniform = "xavier_uniform"
  case xavierNormal = "xavier_normal"
  case heUniform = "he_uniform"
  case heNormal = "he_normal"
  case lecunUniform = "lecun_uniform"
  case lecunNormal = "lecun_normal"
  case orthogonal
  case zeros
  case constant
  /// N(0, gain²/fan_in): the mean-field parameterisation σ_w²/N of Schoenholz et al. 2017.
  case scaledNormal = "scaled_normal"

  package static var aliases: [String: InitializerKind] {
    [
      "glorot_uniform": .xavierUniform, "glorot_normal": .xavierNormal,
      "kaiming_uniform": .heUniform, "kaiming_normal": .heNormal,
    ]
  }
}

/// What the output layer computes before the loss.
package enum OutputHead: String, UserFacingName {
  /// Softmax over classes (multi-class classification).
  case softmax
  /// Logistic sigmoid per output (binary or multi-label).
  case sigmoid
  /// No nonlinearity (regression).
  case linear
}

/// Training losses; all are computed from logits in a numerically stable way.
package enum LossKind: String, UserFacingName {
  /// Softmax cross-entropy, −Σ yₖ log softmax(z)ₖ, via log-sum-exp. With a sigmoid head
  /// it means the per-unit binary cross-entropy (see Loss.swift for the pairings).
  case crossEntropy = "cross_entropy"
  /// Sigmoid binary cross-entropy per output unit, max(z,0) − z·y + log(1 + e^−|z|),
  /// summed over units and averaged over examples (Nielsen's cross-entropy cost).
  case binaryCrossEntropy = "binary_cross_entropy"
  /// Mean squared error of the head's outputs: mean over examples and outputs of
  /// (ŷ − y)², no ½ (as Keras, PyTorch and swift-apis); see Loss.swift.
  case meanSquaredError = "mse"

  package static var aliases: [String: LossKind] {
    ["mean_squared_error": .meanSquaredError, "bce": .binaryCrossEntropy, "softmax_cross_entropy": .crossEntropy]
  }
}

/// Parameter-update rules.
package enum OptimizerKind: String, UserFacingName {
  case sgd
  case momentum
  case nesterov
  case adam
  case rmsprop
}

/// Normalisation of each hidden layer (issue 8's first cure).
package enum NormalizationKind: String, UserFacingName {
  /// No normalisation: the layer is x·W + b followed by the activation.
  case none
  /// Batch normalisation (Ioffe & Szegedy 2015): each unit standardised over the
  /// mini-batch in training, over running statistics in evaluation.
  case batch
  /// Layer normalisation (Ba, Kiros & Hinton 2016): each example standardised over the
  /// layer's units, the same in training and evaluation.
  case layer

  package static var aliases: [String: NormalizationKind] {
    ["batch_norm": .batch, "batchnorm": .batch, "layer_norm": .layer, "layernorm": .layer]
  }
}

/// Where a hidden layer's normalisation sits relative to its activation.
package enum NormPosition: String, UserFacingName {
  /// Normalise the pre-activation z = x·W + b, then apply the activation (Ioffe & Szegedy's placement).
  case pre
  /// Apply the activation, then normalise its output.
  case post
}

/// Skip connections around blocks of hidden layers.
package enum ResidualKind: String, UserFacingName {
  case none
  /// h ← h + block(h) (He et al. 2016), no projection: the block's widths must match.
  case identity
}

/// How the learning rate changes with the update number (see `LearningRateSchedule`).
package enum ScheduleKind: String, UserFacingName {
  case constant
  /// Multiplied by `gamma` every `stepSize` updates.
  case step
  /// Cosine annealing from the learning rate to `minLearningRate` over the training.
  case cosine
  /// Linear warm-up over `warmupSteps` updates, then cosine annealing.
  case warmupCosine = "warmup_cosine"
}
