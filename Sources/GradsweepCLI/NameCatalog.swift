import GradData
import GradEngine
import SweepResults
import SweepSpec

/// One line for every name a sweep file accepts, by kind: what `gradsweep list` prints.
/// The names are the enums' own (the YAML, CSV and report use the same); a test checks
/// that every case has its line, so a new name cannot ship undescribed.
enum NameCatalog {
  enum Kind: String, CaseIterable {
    case activations, initializers, datasets, optimizers, metrics
  }

  struct Entry: Equatable {
    let name: String
    let aliases: [String]
    let summary: String
  }

  static func entries(_ kind: Kind) -> [Entry] {
    switch kind {
    case .activations: return described(ActivationKind.self, activation)
    case .initializers: return described(InitializerKind.self, initializer)
    case .datasets: return described(DataSourceKind.self, dataset)
    case .optimizers: return described(OptimizerKind.self, optimizer)
    case .metrics: return ReferenceClaim.metrics.map { Entry(name: $0, aliases: [], summary: metric($0)) }
    }
  }

  private static func described<T: UserFacingName>(_ type: T.Type, _ summary: (T) -> String) -> [Entry] {
    T.allCases.map { value in
      Entry(
        name: value.rawValue, aliases: T.aliases.filter { $0.value == value }.map(\.key).sorted(),
        summary: summary(value))
    }
  }

  static func activation(_ kind: ActivationKind) -> String {
    switch kind {
    case .sigmoid: "σ(z) = 1/(1 + e⁻ᶻ); σ′ ≤ 1/4, so each layer shrinks a gradient at least 4×"
    case .tanh: "tanh z; tanh′ ≤ 1, = 1 only at 0: saturates for large |z|"
    case .relu: "max(z, 0); derivative 0 or 1: dead units never recover"
    case .leakyReLU: "z for z > 0, slope·z otherwise (model.slope, default 0.01)"
    case .elu: "z for z > 0, eᶻ − 1 otherwise"
    case .selu: "λz for z > 0, λα(eᶻ − 1) otherwise; self-normalising with lecun_normal (Klambauer et al. 2017)"
    case .gelu: "z·Φ(z), exact with the error function (PyTorch's default)"
    case .geluTanh: "½z(1 + tanh(√(2/π)(z + 0.044715z³))), GELU's tanh approximation"
    case .silu: "z·σ(z) (swish)"
    case .softplus: "log(1 + eᶻ), a smooth ReLU"
    case .softsign: "z/(1 + |z|); saturates polynomially, not exponentially (Glorot & Bengio 2010)"
    case .hardTanh: "clip(z, −1, 1)"
    case .identity: "z: a deep linear network (Saxe et al. 2014)"
    case .prelu: "leaky ReLU with a learned slope per layer, initialised to 0.25 (He et al. 2015)"
    }
  }

  static func initializer(_ kind: InitializerKind) -> String {
    switch kind {
    case .standard: "U[−1/√fan_in, 1/√fan_in], Var = 1/(3·fan_in) (Glorot & Bengio's 'standard')"
    case .normal: "N(0, init_std²)"
    case .uniform: "U[−init_limit, init_limit]"
    case .xavierUniform: "U[−√(6/(fan_in+fan_out)), +…], Var = 2/(fan_in+fan_out) (Glorot & Bengio 2010)"
    case .xavierNormal: "N(0, 2/(fan_in+fan_out)) (Glorot & Bengio 2010)"
    case .heUniform: "U[−√(6/fan_in), +…], Var = 2/fan_in (He et al. 2015)"
    case .heNormal: "N(0, 2/fan_in) (He et al. 2015)"
    case .lecunUniform: "U[−√(3/fan_in), +…], Var = 1/fan_in"
    case .lecunNormal: "N(0, 1/fan_in) (LeCun 1998; SELU's init)"
    case .orthogonal: "a random orthogonal matrix × init_gain (Saxe et al. 2014)"
    case .zeros: "all 0 (biases' default)"
    case .constant: "all init_value"
    case .scaledNormal: "N(0, init_gain²/fan_in): mean-field σ_w²/N with σ_w = init_gain"
    }
  }

  static func dataset(_ kind: DataSourceKind) -> String {
    switch kind {
    case .spirals: "interleaved 2-D spirals, `classes` arms"
    case .moons: "two interleaving 2-D half circles"
    case .circles: "two concentric 2-D circles (inner radius `factor`)"
    case .xor: "2-D XOR of the quadrants"
    case .gaussian: "`classes` Gaussian blobs in `features` dimensions"
    case .checkerboard: "2-D checkerboard of `cells` × `cells` squares"
    case .teacher: "Gaussian inputs labelled by a random deep teacher network (classes or regression)"
    case .mnist1d: "MNIST-1D (Greydanus 2020): 40-dimensional, 10 classes, generated here"
    case .idx: "IDX files (MNIST, Fashion-MNIST, KMNIST): data.images and data.labels"
    case .csv: "a CSV file of numbers, one example per row: data.path"
    }
  }

  static func optimizer(_ kind: OptimizerKind) -> String {
    switch kind {
    case .sgd: "w ← w − η·g"
    case .momentum: "v ← μv + g; w ← w − η·v"
    case .nesterov: "momentum evaluated at the look-ahead point"
    case .adam: "Adam (Kingma & Ba 2015): β₁, β₂, ε"
    case .rmsprop: "RMSProp: g scaled by √(running mean of g²) (decay β₂)"
    }
  }

  static func metric(_ name: String) -> String {
    switch name {
    case "final_loss", "final_accuracy": "training loss / accuracy at the end of the run (summary.csv)"
    case "final_val_loss", "final_val_accuracy": "validation loss / accuracy at the end of the run"
    case "best_val_accuracy": "the best logged validation accuracy"
    case "grad_ratio_init": "grad_b_norm of hidden layer 1 over the last hidden layer, at step 0: ≪ 1 vanishing, ≫ 1 exploding"
    case "grad_ratio_final": "the same ratio at the last logged step"
    case "steps": "parameter updates the run made"
    case "seconds": "wall-clock time of the run"
    case "diverged_fraction": "fraction of a group's runs that diverged (a reference claim's metric)"
    case "predicted_grad_ratio_init": "mean-field theory's prediction of grad_ratio_init for the run's setting (prediction.json)"
    case "chi1": "χ₁ = σ_w² E[φ′(√q* z)²]: < 1 ordered (vanishing), > 1 chaotic (exploding)"
    case "q_star": "q*, the fixed point of the pre-activation variance map"
    case "xi_c": "ξ_c, the depth over which correlations between inputs settle; trainable depth ≲ 6ξ_c"
    case "test_loss", "test_accuracy": "loss / accuracy on the held-out test split, once at the end of the run"
    case "jacobian_eig_mean_init", "jacobian_eig_var_init":
      "mean / variance of the eigenvalues of JJᵀ (input–output Jacobian) at step 0; needs log.jacobian"
    case "jacobian_sv_max_init": "the Jacobian's largest singular value at step 0; needs log.jacobian"
    case "jacobian_eig_var_rel_init": "variance / mean² of JJᵀ's eigenvalues at step 0 (dynamical isometry: ≈ 0); needs log.jacobian"
    default: "a summary.csv column (docs/csv-columns.md)"
    }
  }
}
