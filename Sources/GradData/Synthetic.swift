import Foundation
import GradEngine

/// The 2-D teaching sets (TensorFlow Playground, scikit-learn, CS231n) and Gaussian
/// blobs. Every generator makes each class's examples in turn — balanced, counts
/// differing by at most one (`balancedCounts`) — then shuffles the rows once, so any
/// prefix of the set is a fair sample. All randomness comes from the one generator
/// passed in, so equal seeds give identical bits.
enum Synthetic {
  /// The generated rows before splitting: row-major features and one label per row.
  struct Points {
    var features: [Double] = []
    var labels: [Int32] = []
    let dimension: Int

    mutating func append(_ point: [Double], label: Int) {
      features.append(contentsOf: point)
      labels.append(Int32(label))
    }
  }

  static func generate(_ spec: DataSpec, using rng: inout Xoshiro256) -> Dataset {
    let classes = spec.classes
    let counts = balancedCounts(total: spec.samples, classes: classes)
    var points: Points
    switch spec.name {
    case .spirals: points = spirals(counts, turns: spec.turns, noise: spec.noise, using: &rng)
    case .moons: points = moons(counts, noise: spec.noise, using: &rng)
    case .circles: points = circles(counts, factor: spec.factor, noise: spec.noise, using: &rng)
    case .xor: points = xor(counts, noise: spec.noise, using: &rng)
    case .checkerboard: points = checkerboard(counts, cells: spec.cells, noise: spec.noise, using: &rng)
    default: points = gaussianBlobs(counts, dimension: spec.features, spread: spec.spread, using: &rng)
    }
    return shuffled(points, classCount: classes, using: &rng)
  }

  /// `total` split into `classes` counts that differ by at most one, the larger first:
  /// nᶜ = ⌊total/k⌋ + (c < total mod k ? 1 : 0).
  static func balancedCounts(total: Int, classes: Int) -> [Int] {
    (0..<classes).map { total / classes + ($0 < total % classes ? 1 : 0) }
  }

  /// k interleaved arms (CS231n's spiral set): class c, example i of nᶜ has
  ///
  ///     r = (i + u)/nᶜ,  θ = 2π(turns·r + c/k) + noise·z,  x = r(cos θ, sin θ)
  ///
  /// with u ~ U[0, 1), z ~ N(0, 1). The noise is angular (radians), so the arms
  /// blur in proportion to their radius and stay apart near the centre.
  static func spirals(_ counts: [Int], turns: Double, noise: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: 2)
    let k = Double(counts.count)
    for (c, n) in counts.enumerated() {
      for i in 0..<n {
        let r = (Double(i) + rng.nextUnit()) / Double(n)
        let theta = 2 * Double.pi * (turns * r + Double(c) / k) + noise * rng.nextNormal()
        points.append([r * cos(theta), r * sin(theta)], label: c)
      }
    }
    return points
  }

  /// scikit-learn's two moons: class 0 is (cos t, sin t), class 1 is
  /// (1 − cos t, ½ − sin t), t = π(i + u)/n, plus N(0, noise²) per coordinate.
  static func moons(_ counts: [Int], noise: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: 2)
    for (c, n) in counts.enumerated() {
      for i in 0..<n {
        let t = Double.pi * (Double(i) + rng.nextUnit()) / Double(n)
        var p = c == 0 ? [cos(t), sin(t)] : [1 - cos(t), 0.5 - sin(t)]
        p[0] += noise * rng.nextNormal()
        p[1] += noise * rng.nextNormal()
        points.append(p, label: c)
      }
    }
    return points
  }

  /// scikit-learn's concentric circles: class 0 on radius 1, class 1 on radius
  /// `factor`, angle 2π(i + u)/n, plus N(0, noise²) per coordinate.
  static func circles(_ counts: [Int], factor: Double, noise: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: 2)
    for (c, n) in counts.enumerated() {
      let radius = c == 0 ? 1.0 : factor
      for i in 0..<n {
        let t = 2 * Double.pi * (Double(i) + rng.nextUnit()) / Double(n)
        points.append(
          [radius * cos(t) + noise * rng.nextNormal(), radius * sin(t) + noise * rng.nextNormal()], label: c)
      }
    }
    return points
  }

  /// XOR (TensorFlow Playground): points uniform in [−1, 1]², class 0 where x·y > 0
  /// (quadrants I and III, alternately), class 1 in II and IV; then N(0, noise²) jitter,
  /// which carries points near the axes across the boundary.
  static func xor(_ counts: [Int], noise: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: 2)
    for (c, n) in counts.enumerated() {
      for i in 0..<n {
        let sx: Double = i % 2 == 0 ? 1 : -1
        let sy = c == 0 ? sx : -sx
        let x = sx * rng.nextOpenUnit() + noise * rng.nextNormal()
        let y = sy * rng.nextOpenUnit() + noise * rng.nextNormal()
        points.append([x, y], label: c)
      }
    }
    return points
  }

  /// A `cells` × `cells` checkerboard on [−1, 1]²: cell (a, b) has class (a + b) mod 2.
  /// Each example picks a cell of its class uniformly, a point uniform in it, then
  /// N(0, noise²) jitter.
  static func checkerboard(_ counts: [Int], cells: Int, noise: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: 2)
    let width = 2 / Double(cells)
    for (c, n) in counts.enumerated() {
      var own: [(Int, Int)] = []
      for a in 0..<cells { for b in 0..<cells where (a + b) % 2 == c { own.append((a, b)) } }
      for _ in 0..<n {
        let (a, b) = own[rng.nextIndex(below: own.count)]
        let x = -1 + width * (Double(a) + rng.nextUnit()) + noise * rng.nextNormal()
        let y = -1 + width * (Double(b) + rng.nextUnit()) + noise * rng.nextNormal()
        points.append([x, y], label: c)
      }
    }
    return points
  }

  /// k isotropic Gaussian blobs in `dimension` dimensions (scikit-learn's make_blobs
  /// convention): centres μᶜ ~ U[−10, 10]^d drawn first, then x = μᶜ + spread·z.
  static func gaussianBlobs(_ counts: [Int], dimension: Int, spread: Double, using rng: inout Xoshiro256) -> Points {
    var points = Points(dimension: dimension)
    let centres = counts.indices.map { _ in (0..<dimension).map { _ in rng.nextUniform(-10, 10) } }
    for (c, n) in counts.enumerated() {
      for _ in 0..<n {
        points.append(centres[c].map { $0 + spread * rng.nextNormal() }, label: c)
      }
    }
    return points
  }

  /// The rows in a random order, as Float32.
  static func shuffled(_ points: Points, classCount: Int, using rng: inout Xoshiro256) -> Dataset {
    var order = Array(points.labels.indices)
    rng.shuffle(&order)
    let d = points.dimension
    var features = [Float]()
    features.reserveCapacity(points.features.count)
    for row in order {
      for j in 0..<d { features.append(Float(points.features[row * d + j])) }
    }
    return Dataset(
      features: features, featureCount: d,
      targets: .classes(labels: order.map { points.labels[$0] }, classCount: classCount))
  }
}
