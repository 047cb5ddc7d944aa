import Foundation
import GradEngine
import Testing
@testable import GradData

/// Reference numbers below come from running the greydanus/mnist1d procedure
/// (`make_dataset()` with default arguments; NumPy 2.4.6, SciPy 1.17.1).
@Suite struct MNIST1DTests {
  @Test func numpyRandomStateMatchesNumPy() {
    // np.random.RandomState(42): random_sample(), randn(3), randint(0, 48), permutation(10), randn(), randn()
    var r = NumPyRandomState(seed: 42)
    #expect(r.uniform() == 0.3745401188473625)
    let normals = [r.normal(), r.normal(), r.normal()]
    #expect(normals == [-1.1118801180469204, 0.31890218468938336, 0.2790412922001377])
    #expect(r.integer(below: 48) == 23)
    #expect(r.permutation(10) == [7, 9, 0, 8, 6, 3, 1, 4, 5, 2])
    #expect(r.normal() == 1.0105152848065264)
    #expect(r.normal() == 0.24196227156603412)
    // np.random.RandomState(0).random_sample() twice.
    var zero = NumPyRandomState(seed: 0)
    #expect(zero.uniform() == 0.5488135039273248 && zero.uniform() == 0.7151893663724195)
    // A seed ≥ 2³² seeds by array: np.random.RandomState([s & 0xffffffff, s >> 32]), s = 2⁴⁰ + 7.
    var big = NumPyRandomState(seed: (1 << 40) + 7)
    #expect(big.uniform() == 0.6137037779936511)
    #expect(big.integer(below: 1 << 31) == 1_352_555_189)
  }

  @Test func templatesAreWhitenedFromZero() {
    for t in MNIST1D.templates {
      #expect(t.count == 12 && t[0] == 0 && abs(t[11]) < 1e-15)
      let mean = t.reduce(0, +) / 12
      let std = (t.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12).squareRoot()
      #expect(abs(std - 1.0 / 6) < 1e-12)  // whitened, then divided by 6
    }
  }

  @Test func equalsTheReferenceDataSet() throws {
    let (x, y) = MNIST1D.generate(samples: 5000, seed: 42)
    #expect(x.count == 5000 * 40 && y.count == 5000)
    #expect(y.prefix(20).map(Int.init) == [2, 6, 4, 5, 6, 6, 6, 0, 3, 1, 6, 9, 4, 3, 4, 5, 1, 9, 0, 3])
    let reference: [(row: Int, label: Int32, values: [Double])] = [
      (0, 2, [-0.3320056673693902, 1.0146680081220367, 0.18998056723533166, -0.8901663884753127]),
      (1, 6, [1.9654808817629648, 0.5930688691509354, -1.4776969480880773, -1.3642151108248246]),
      (2, 4, [-0.019303033743480816, -0.03509668643574197, 0.07318736117756082, -2.315328200036819]),
      (3999, 8, [-0.6939948035971022, 0.9245322594397866, -0.8074474656200149, -1.6509928567520655]),
      (4000, 2, [-0.07877078047732886, -0.2442605057849155, 1.1697618973417314, 0.3461328866646199]),
      (4999, 4, [-0.5193287078205188, -0.1341205566194796, 0.9470499440540749, 1.193151836835276]),
    ]
    for (row, label, values) in reference {
      #expect(y[row] == label)
      for (k, column) in [0, 13, 27, 39].enumerated() {
        #expect(abs(x[row * 40 + column] - values[k]) < 1e-9, "row \(row) column \(column)")
      }
    }
    // Reference sums: train part −51.78746787509556, test part +51.78746787509186, Σx² = 200000.
    #expect(abs(x.prefix(160_000).reduce(0, +) - -51.78746787509556) < 1e-6)
    #expect(abs(x.map { $0 * $0 }.reduce(0, +) - 200_000) < 1e-6)
    // Another seed is another set, still the reference's: seed 7.
    let (x7, y7) = MNIST1D.generate(samples: 5000, seed: 7)
    #expect(y7.prefix(10).map(Int.init) == [8, 1, 7, 5, 4, 5, 4, 8, 1, 6])
    #expect(abs(x7[0] - -0.13126476918310534) < 1e-9 && abs(x7[4321 * 40 + 20] - -0.24783698551341857) < 1e-9)
  }

  @Test func loadedSetHasThePapersShapeAndSplit() throws {
    let split = try load(spec(.mnist1d) { $0.validation = 0; $0.scale = .none })
    let test = try #require(split.test)
    #expect(split.train.featureCount == 40 && split.train.outputCount == 10)
    #expect(split.train.count == 4000 && test.count == 1000 && split.validation == nil)
    // 500 per class in all; the reference's split is by position, so the parts are nearly balanced.
    let all = zip(classCounts(split.train), classCounts(test)).map { $0 + $1 }
    #expect(all == [Int](repeating: 500, count: 10))
    #expect(classCounts(split.train) == [398, 396, 411, 394, 394, 402, 401, 404, 402, 398])
    // Default validation takes 20 % of the 4,000, stratified; the 1,000 test rows stay the reference's.
    let withValidation = try load(spec(.mnist1d))
    #expect(withValidation.train.count == 3200 && withValidation.validation?.count == 800)
    #expect(withValidation.test?.count == 1000)
  }

  @Test func classesAreRecognisableButNotTrivial() throws {
    // Nearest class-mean on the reference split: 27.4 % with the reference data —
    // well above chance (10 %) and far below a CNN's 94 %, as the paper describes.
    let split = try load(spec(.mnist1d) { $0.validation = 0; $0.scale = .none })
    let train = split.train, test = try #require(split.test)
    var centroids = [[Double]](repeating: [Double](repeating: 0, count: 40), count: 10)
    let trainLabels = labels(train)
    for r in 0..<train.count { for j in 0..<40 { centroids[Int(trainLabels[r])][j] += Double(train.features[r * 40 + j]) } }
    let counts = classCounts(train)
    for c in 0..<10 { for j in 0..<40 { centroids[c][j] /= Double(counts[c]) } }
    let testLabels = labels(test)
    var correct = 0
    for r in 0..<test.count {
      let distances = centroids.map { c in (0..<40).map { (Double(test.features[r * 40 + $0]) - c[$0]) * (Double(test.features[r * 40 + $0]) - c[$0]) }.reduce(0, +) }
      if distances.firstIndex(of: distances.min()!) == Int(testLabels[r]) { correct += 1 }
    }
    #expect(abs(Double(correct) / 1000 - 0.274) <= 0.003)
  }

  @Test func filterAndInterpolationMatchSciPy() {
    // scipy.ndimage.gaussian_filter of a unit impulse at 0 (reflecting edge: the weight of
    // offset j plus that of its mirror −1−j), and interp1d from 3 to 5 points.
    var impulse = [Double](repeating: 0, count: 20)
    impulse[0] = 1
    let smoothed = MNIST1D.gaussianFilter(impulse)
    let w = (-8...8).map { exp(-Double($0 * $0) / 8) }
    let total = w.reduce(0, +)
    #expect(abs(smoothed[0] - (w[8] + w[7]) / total) < 1e-15)
    #expect(abs(smoothed[3] - (w[11] + w[4]) / total) < 1e-15)
    #expect(MNIST1D.interpolate([0, 1, 4], to: 5) == [0, 0.5, 1, 2.5, 4])
  }
}
