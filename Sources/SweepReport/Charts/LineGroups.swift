/// The lines of the gradient charts (headline, all layers, gradient norm by layer):
/// one per planned combination of the vanishing-gradient grouping
/// (`VanishingGradientSection.rowAxes`: activation × initializer, the zip group, or
/// the first axis that is not a depth), labelled in the charts' terms (`AxisDisplay`:
/// σ_w² for a scaled_normal gain) and styled by `ChartPlan.styles` for one axis (a
/// sequential map when it is numeric), else coloured by the first axis and dashed by
/// the second; every line has its own marker shape.
struct LineGroups {
  var axes: [String]
  var combos: [[String]]
  var labels: [String]
  var styles: [SeriesStyle]

  init(_ data: ReportData) {
    axes = VanishingGradientSection.rowAxes(data)
    let present = data.runs.filter { $0.hiddenLayers > 0 }
    let axes = axes
    combos = data.plannedCombinations(of: axes).filter { combo in
      present.contains { run in zip(axes, combo).allSatisfy { data.value(run, $0) == $1 } }
    }
    labels = combos.map { combo in
      combo.isEmpty ? "all runs" : zip(axes, combo).map { data.display.value($0, $1) }.joined(separator: " · ")
    }
    if axes.count == 1 {
      styles = ChartPlan.styles(for: combos.map { $0[0] })
    } else {
      // Colour by the first axis, dash by the second (activation × initializer).
      let first = axes.first.map { data.axisValues[$0] ?? [] } ?? []
      let second = axes.count > 1 ? data.axisValues[axes[1]] ?? [] : []
      styles = combos.enumerated().map { i, combo in
        let c = combo.first.flatMap { first.firstIndex(of: $0) } ?? 0
        let d = combo.count > 1 ? second.firstIndex(of: combo[1]) ?? 0 : 0
        return SeriesStyle(color: Palette.color(c), dash: Palette.dash(d + c / Palette.categorical.count), shape: MarkerShape.at(i))
      }
    }
  }

  /// "activation · initializer", "σ_w²"; nil without axes.
  func title(_ data: ReportData) -> String? {
    axes.isEmpty ? nil : axes.map(data.display.shortName).joined(separator: " · ")
  }

  func runs(_ data: ReportData, _ runs: [RunDigest], _ i: Int) -> [RunDigest] {
    runs.filter { run in zip(axes, combos[i]).allSatisfy { data.value(run, $0) == $1 } }
  }
}
