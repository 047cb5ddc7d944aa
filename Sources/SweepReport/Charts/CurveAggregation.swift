/// Combines the curves of several runs (e.g. the seeds of one configuration) that
/// share their x values (logged steps, layers).
///
/// At each x: mean = Σy/k, band = [min y, max y] over the k curves with a finite y
/// there (a diverged run's curve ends, so later points average fewer runs). With
/// more than `maxPoints` distinct x values, every m-th is kept (plus the last), so
/// a 100,000-step log does not become a 10 MB page.
enum CurveAggregation {
  struct Aggregate {
    var mean: [(x: Double, y: Double)]
    var band: [(x: Double, low: Double, high: Double)]
  }

  static func combine(_ curves: [[(x: Double, y: Double)]], maxPoints: Int = 400, positiveOnly: Bool = false)
    -> Aggregate
  {
    var byX: [Double: [Double]] = [:]
    for curve in curves {
      for p in curve where p.y.isFinite && p.x.isFinite && (!positiveOnly || p.y > 0) {
        byX[p.x, default: []].append(p.y)
      }
    }
    var xs = byX.keys.sorted()
    if xs.count > maxPoints, maxPoints > 1 {
      let stride = (xs.count + maxPoints - 2) / (maxPoints - 1)
      let last = xs.last!
      xs = xs.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
      if xs.last != last { xs.append(last) }
    }
    var mean: [(x: Double, y: Double)] = []
    var band: [(x: Double, low: Double, high: Double)] = []
    for x in xs {
      let ys = byX[x]!
      mean.append((x, ys.reduce(0, +) / Double(ys.count)))
      band.append((x, ys.min()!, ys.max()!))
    }
    return Aggregate(mean: mean, band: curves.count > 1 ? band : [])
  }
}
