import SweepResults
import Foundation
import TidyCSV

/// A run's `metrics.csv` as numeric columns (nil = empty field, NaN/±Inf as written).
package struct MetricsLog: Sendable, Equatable {
  package var step: [Int]
  package var loss: [Double?]
  package var accuracy: [Double?]
  package var valLoss: [Double?]
  package var valAccuracy: [Double?]
  package var gradNorm: [Double?]
  /// `log.jacobian`'s columns (`jacobian_eig_mean`, `jacobian_eig_var`, `jacobian_sv_max`):
  /// present only on measured steps, all-missing when the instrument was off.
  package var jacobianEigMean: [Double?]
  package var jacobianEigVar: [Double?]
  package var jacobianSvMax: [Double?]

  package init(
    step: [Int], loss: [Double?], accuracy: [Double?], valLoss: [Double?], valAccuracy: [Double?], gradNorm: [Double?],
    jacobianEigMean: [Double?]? = nil, jacobianEigVar: [Double?]? = nil, jacobianSvMax: [Double?]? = nil
  ) {
    self.step = step
    self.loss = loss
    self.accuracy = accuracy
    self.valLoss = valLoss
    self.valAccuracy = valAccuracy
    self.gradNorm = gradNorm
    let missing = [Double?](repeating: nil, count: step.count)
    self.jacobianEigMean = jacobianEigMean ?? missing
    self.jacobianEigVar = jacobianEigVar ?? missing
    self.jacobianSvMax = jacobianSvMax ?? missing
  }

  /// Parses a table with at least a `step` column; absent columns read as all-missing.
  package init(table: CSVTable) throws {
    guard table.index(of: "step") != nil else { throw CSVError.missingColumn(path: "metrics.csv", column: "step") }
    let columns = try Dictionary(uniqueKeysWithValues: table.header.map { ($0, try table.numbers($0)) })
    let (range, why) = LogBounds().stepRange
    let steps = try LogBounds.integers(
      columns["step"] ?? [], named: "step", lines: Array(2 ..< 2 + table.rows.count), path: "metrics.csv",
      range: range, why: why)
    self.init(step: steps, column: { columns[$0] })
  }

  /// `step` already checked (`LogBounds.integers`); other columns by name.
  init(step: [Int], column: (String) -> [Double?]?) {
    let n = step.count
    func col(_ name: String) -> [Double?] { column(name) ?? Array(repeating: nil, count: n) }
    self.step = step
    loss = col("loss")
    accuracy = col("accuracy")
    valLoss = col("val_loss")
    valAccuracy = col("val_accuracy")
    gradNorm = col("grad_norm")
    let jacobian = ResultsLayout.jacobianMetricColumns
    jacobianEigMean = col(jacobian[0])
    jacobianEigVar = col(jacobian[1])
    jacobianSvMax = col(jacobian[2])
  }

  /// A column's value at the first logged step (step 0, the network at initialisation);
  /// nil when there is no row or the value is missing there.
  package func atFirstStep(_ column: KeyPath<MetricsLog, [Double?]>) -> Double? {
    guard let first = step.indices.min(by: { step[$0] < step[$1] }) else { return nil }
    return self[keyPath: column][first]
  }

  /// Reads metrics.csv (see `NumericCSVReader`); the warning tells of a cut-off last line.
  /// A step that is empty, not a whole number or outside `bounds` is `ResultsError.damaged`.
  package static func read(_ url: URL) throws -> (log: MetricsLog, warning: String?) {
    try read(url, bounds: LogBounds())
  }

  static func read(_ url: URL, bounds: LogBounds) throws -> (log: MetricsLog, warning: String?) {
    try bounds.checkSize(of: url, rowsPerStep: 1)
    let (table, warning) = try NumericCSVReader.read(url)
    guard let stepColumn = table.column("step") else {
      throw ResultsError.damaged(path: url.path, line: 1, problem: "no column named 'step'", fix: ResultsError.rerunFix)
    }
    let (range, why) = bounds.stepRange
    let steps = try LogBounds.integers(
      stepColumn, named: "step", lines: table.lines, path: url.path, range: range, why: why)
    return (MetricsLog(step: steps, column: table.column), warning)
  }

  package var count: Int { step.count }

  /// The last present (non-empty) value of a column; NaN counts as present.
  package static func lastPresent(_ column: [Double?]) -> Double? {
    column.last(where: { $0 != nil }) ?? nil
  }

  /// The largest finite value of a column.
  package static func maxFinite(_ column: [Double?]) -> Double? {
    column.compactMap { $0 }.filter(\.isFinite).max()
  }

  /// The first logged step whose training loss is ≤ `threshold`, or nil if none is.
  package func firstStep(lossAtMost threshold: Double) -> Int? {
    for (s, l) in zip(step, loss) {
      if let l, l.isFinite, l <= threshold { return s }
    }
    return nil
  }
}

/// A run's `layers.csv`: per logged step, one row per layer (1 = nearest the input,
/// hidden layers 1…L, the output layer L+1).
package struct LayerLog: Sendable, Equatable {
  package var step: [Int]
  package var layer: [Int]
  /// Numeric columns by name (every column but step and layer).
  package var columns: [String: [Double?]]

  package init(table: CSVTable) throws {
    let columns = try Dictionary(uniqueKeysWithValues: table.header.map { ($0, try table.numbers($0)) })
    try self.init(columns: columns, lines: Array(2 ..< 2 + table.rows.count), path: "layers.csv", bounds: LogBounds())
  }

  /// Checks `step` and `layer` against `bounds` (`LogBounds`) before anything is sized
  /// by them; `lines[row]` locates a bad value.
  init(columns all: [String: [Double?]], lines: [Int], path: String, bounds: LogBounds) throws {
    guard let steps = all["step"], let layers = all["layer"] else {
      throw ResultsError.damaged(
        path: path, line: 1, problem: "layers.csv needs the columns 'step' and 'layer'", fix: ResultsError.rerunFix)
    }
    let (stepRange, stepWhy) = bounds.stepRange
    step = try LogBounds.integers(steps, named: "step", lines: lines, path: path, range: stepRange, why: stepWhy)
    let (layerRange, layerWhy) = bounds.layerRange(rowCount: layers.count)
    layer = try LogBounds.integers(layers, named: "layer", lines: lines, path: path, range: layerRange, why: layerWhy)
    columns = all.filter { $0.key != "step" && $0.key != "layer" }
  }

  /// Reads layers.csv (see `NumericCSVReader`); the warning tells of a cut-off last line.
  /// A step or layer out of range (see `LogBounds`) is `ResultsError.damaged` at its line.
  package static func read(_ url: URL) throws -> (log: LayerLog, warning: String?) {
    try read(url, bounds: LogBounds())
  }

  static func read(_ url: URL, bounds: LogBounds) throws -> (log: LayerLog, warning: String?) {
    try bounds.checkSize(of: url, rowsPerStep: bounds.hiddenLayers.map { $0 + 1 })
    let (table, warning) = try NumericCSVReader.read(url)
    let columns = Dictionary(zip(table.header, table.columns), uniquingKeysWith: { a, _ in a })
    return (try LayerLog(columns: columns, lines: table.lines, path: url.path, bounds: bounds), warning)
  }

  /// The largest layer index (the output layer L+1).
  package var outputLayer: Int { layer.max() ?? 0 }
  /// L, the number of hidden layers: the output layer's index minus one.
  package var hiddenLayers: Int { max(outputLayer - 1, 0) }
  /// The logged steps, ascending.
  package var steps: [Int] { Array(Set(step)).sorted() }
  package var firstStep: Int? { step.min() }
  package var lastStep: Int? { step.max() }

  /// A column's values at one step, indexed by layer (index 0 ↔ layer 1), for
  /// layers 1…`through`; nil where not logged.
  package func profile(_ column: String, at s: Int, through lastLayer: Int) -> [Double?] {
    var out = [Double?](repeating: nil, count: max(lastLayer, 0))
    guard let values = columns[column] else { return out }
    for i in step.indices where step[i] == s && layer[i] >= 1 && layer[i] <= lastLayer {
      out[layer[i] - 1] = values[i]
    }
    return out
  }

  /// The gradient of each hidden layer's additive shift at step `s` (index 0 ↔ layer 1):
  /// ‖∂L/∂β‖ (`grad_beta_norm`) where the layer is normalized, else ‖∂L/∂b‖
  /// (`grad_b_norm`) — Nielsen's ‖δˡ‖, the error signal that reaches the layer.
  ///
  /// Why β: batch norm before the activation subtracts the batch mean of Wx + b, so
  /// ∂L/∂b is exactly 0 and what is logged is rounding noise (~1e-6); β takes over b's
  /// role, and ∂L/∂β is the batch sum of the error after normalization, the same
  /// quantity ∂L/∂b is in an unnormalized layer. Every report table, chart and the
  /// summary's grad ratios use this profile.
  package func shiftGradientProfile(at s: Int, through lastLayer: Int) -> [Double?] {
    let beta = profile("grad_beta_norm", at: s, through: lastLayer)
    let bias = profile("grad_b_norm", at: s, through: lastLayer)
    return zip(beta, bias).map { $0 ?? $1 }
  }

  /// One layer's column over training: (step, value) in step order, empties skipped.
  package func series(_ column: String, layer l: Int) -> [(step: Int, value: Double)] {
    guard let values = columns[column] else { return [] }
    var out: [(step: Int, value: Double)] = []
    for i in step.indices where layer[i] == l {
      if let v = values[i] { out.append((step[i], v)) }
    }
    return out.sorted { $0.step < $1.step }
  }
}
