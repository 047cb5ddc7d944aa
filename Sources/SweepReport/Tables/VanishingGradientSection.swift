/// The "vanishing gradient table": per activation × initializer, ‖∂L/∂b‖ (‖∂L/∂β‖ in
/// normalized layers) of every hidden layer at initialisation, so the decay (or growth)
/// with depth reads as numbers.
///
/// Rows group by `model.activation` × `model.initializer` when those are axes (either
/// alone if only one is), else by the first axis that is not a depth. One table per
/// number of hidden layers L (read from layers.csv), since layer ℓ of a 4-layer net
/// and of a 16-layer net are different things. Each cell is the geometric mean over every
/// finished run of the row with that L (geometric, as norms span decades): all seeds and all values of the axes that
/// are neither row axes nor depth. At step 0 no update has happened, so axes such as
/// the learning rate or the optimizer cannot change it; data, width or loss can.
enum VanishingGradientSection {
  static let depthAxes: Set<String> = ["model.depth", "model.widths"]

  /// The axes rows are grouped by.
  static func rowAxes(_ data: ReportData) -> [String] {
    var preferred: [String] = []
    for field in ["model.activation", "model.initializer"] {
      if let axis = data.axis(containing: field), !preferred.contains(axis) { preferred.append(axis) }
    }
    if !preferred.isEmpty { return preferred }
    return data.axes.first(where: { !depthAxes.contains($0) }).map { [$0] } ?? []
  }

  /// "1.23e-05", or "0" for an underflow.
  static func cell(_ v: Double) -> String { v == 0 ? "0" : NumberFormatting.scientific(v) }

  static func make(_ data: ReportData) -> ReportSection? {
    let withProfiles = data.runs.filter { $0.hiddenLayers > 0 && $0.gradientsAtStart.contains { $0 != nil } }
    guard !withProfiles.isEmpty else { return nil }
    let rowAxes = rowAxes(data)
    let averaged = data.axes.filter { !rowAxes.contains($0) && !depthAxes.contains($0) }
    let depths = Array(Set(withProfiles.map(\.hiddenLayers))).sorted()
    var blocks: [ReportBlock] = []
    for L in depths {
      var rows: [[ReportCell]] = []
      for combo in data.plannedCombinations(of: rowAxes) {
        let group = data.runs(where: rowAxes, equal: combo).filter { run in
          run.hiddenLayers == L && run.gradientsAtStart.contains { $0 != nil }
        }
        guard !group.isEmpty else { continue }
        var cells = combo.map { ReportCell($0) }
        cells.append(ReportCell(String(group.count)))
        for layer in 0 ..< L {
          let stats = GeometricStatistics(group.map { $0.gradientsAtStart.indices.contains(layer) ? $0.gradientsAtStart[layer] : nil })
          cells.append(stats.mean.map { ReportCell(Self.cell($0)) } ?? ReportCell("—", style: .muted))
        }
        let ratio = GeometricStatistics(group.map(\.row.gradRatioInit))
        cells.append(ReportCell(ratio.mean.map(Self.cell) ?? "—"))
        rows.append(cells)
      }
      let header = (rowAxes.isEmpty ? [] : rowAxes) + ["runs"] + (1 ... L).map { "layer \($0)" } + ["layer 1 / layer \(L)"]
      if depths.count > 1 { blocks.append(.subheading("\(L) hidden layer\(L == 1 ? "" : "s")")) }
      blocks.append(.table(ReportTable(header: header, rows: rows, numericColumns: Set(rowAxes.count ..< header.count))))
    }
    var over = "all seeds"
    if !averaged.isEmpty { over += " and all values of " + averaged.joined(separator: ", ") }
    blocks.append(
      .paragraph([
        .text(
          "‖∂L/∂b‖₂ (‖∂L/∂β‖₂ in a normalized layer, where it plays b's role) of each hidden layer at step 0 (before the first update), layer 1 nearest the input; geometric mean over the finished runs of each row (\(over)), since norms span decades. The last column is the geometric mean of the runs' grad_ratio_init. Values shrinking towards layer 1 are the vanishing gradient; 0 means the gradient underflowed to exactly 0 in some run."
        )
      ]))
    return ReportSection(id: "vanishing-gradients", title: "Vanishing gradients at initialisation", blocks: blocks)
  }
}
