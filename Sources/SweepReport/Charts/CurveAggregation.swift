import Foundation

/// Combines the curves of several runs (e.g. the seeds of one configuration) that
/// share their x values (logged steps, layers).
///
/// At each x: the mean over the k curves with a usable y there — arithmetic Σy/k, or
/// geometric exp(Σ ln y / k) for quantities that span decades (norms, ratios; 0 when
/// some y is exactly 0) — and band = [min y, max y]. A diverged run's curve ends, so
/// later points average fewer runs. With more than `maxPoints` distinct x values,
/// every m-th is kept (plus the last), so a 100,000-step log does not become a 10 MB page.
enum CurveAggregation {
  struct Aggregate {
    var mean: [(x: Double, y: Double)]
    var band: [(x: Double, low: Double, high: Double)]
  }

  enum Mean { case arithmetic, geometric }

  /// - positiveOnly: keep only y ≥ 0 for a log axis; zeros are kept (drawn at the
  ///   axis floor as "0 (underflow)"), negative values dropped.
  static func combine(
    _ curves: [[(x: Double, y: Double)]], maxPoints: Int = 400, positiveOnly: Bool = false, mean kind: Mean = .arithmetic
  ) -> Aggregate {
    var byX: [Double: [Double]] = [:]
    for curve in curves {
      for p in curve where p.y.isFinite && p.x.isFinite && (!positiveOnly || p.y >= 0) && (kind == .arithmetic || p.y >= 0) {
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
      switch kind {
      case .arithmetic: mean.append((x, ys.reduce(0, +) / Double(ys.count)))
      case .geometric: mean.append((x, GeometricStatistics(ys).mean ?? 0))
      }
      band.append((x, ys.min()!, ys.max()!))
    }
    return Aggregate(mean: mean, band: curves.count > 1 ? band : [])
  }
}
