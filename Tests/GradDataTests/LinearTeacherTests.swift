import Foundation
import GradEngine
import Testing
@testable import GradData

/// The linear teacher (`singular_values`, Saxe et al. 2014): whitened inputs and an
/// input–output correlation with exactly the singular values asked for.
@Suite struct LinearTeacherTests {
  static func linear(_ values: [Double], features: Int = 6, outputs: Int = 5, samples: Int = 400) -> DataSpec {
    spec(.teacher) {
      $0.singularValues = values
      $0.features = features
      $0.outputs = outputs
      $0.samples = samples
      $0.task = .regression
      $0.noise = 0
      $0.validation = 0
      $0.scale = .none
    }
  }

  /// (1/n) Aᵀ B for row-major n × a and n × b matrices: a × b, row-major.
  static func correlation(_ a: [Float], _ ac: Int, _ b: [Float], _ bc: Int, rows n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: ac * bc)
    for r in 0..<n {
      for i in 0..<ac { for j in 0..<bc { c[i * bc + j] += Double(a[r * ac + i]) * Double(b[r * bc + j]) } }
    }
    return c.map { $0 / Double(n) }
  }

  @Test func inputsAreExactlyWhite() throws {
    let d = try load(Self.linear([3, 2, 1, 0.5])).train
    let sigma11 = Self.correlation(d.features, 6, d.features, 6, rows: d.count)
    for i in 0..<6 {
      for j in 0..<6 { #expect(abs(sigma11[i * 6 + j] - (i == j ? 1 : 0)) < 1e-5, "Σ¹¹[\(i)][\(j)]") }
    }
  }

  /// tr((Σ³¹ᵀΣ³¹)^k) = Σ_a s_a^{2k} for k = 1…4: four power sums fix four values, so the
  /// singular values are exactly those given (up to Float32 storage).
  @Test func correlationHasTheGivenSingularValues() throws {
    let s = [3.0, 2, 1, 0.5]
    let d = try load(Self.linear(s)).train
    guard case .values(let y, let m) = d.targets else { Issue.record("not regression"); return }
    let sigma31 = Self.correlation(d.features, 6, y, m, rows: d.count)  // 6 × 5 = (Σ³¹)ᵀ
    // G = Σ³¹ᵀ Σ³¹-like Gram matrix, 6 × 6.
    var g = [Double](repeating: 0, count: 36)
    for i in 0..<6 { for j in 0..<6 { for o in 0..<m { g[i * 6 + j] += sigma31[i * m + o] * sigma31[j * m + o] } } }
    var power = g
    for k in 1...4 {
      let trace = (0..<6).reduce(0.0) { $0 + power[$1 * 7] }
      let expected = s.reduce(0.0) { $0 + pow($1, 2 * Double(k)) }
      #expect(abs(trace - expected) < 1e-4 * expected, "k = \(k): \(trace) vs \(expected)")
      var next = [Double](repeating: 0, count: 36)
      for i in 0..<6 { for j in 0..<6 { for l in 0..<6 { next[i * 6 + j] += power[i * 6 + l] * g[l * 6 + j] } } }
      power = next
    }
  }

  @Test func sameSeedSameBitsAndSamplesDoNotChangeTheTeacher() throws {
    let a = try load(Self.linear([2, 1])).train, b = try load(Self.linear([2, 1])).train
    #expect(a.features == b.features && a.targets == b.targets)
    // The mapping x ↦ y is the same teacher whatever the sample count: y = T x with T fixed.
    let small = try load(Self.linear([2, 1], samples: 50)).train
    guard case .values(let ya, _) = a.targets, case .values(let ys, _) = small.targets else { return }
    let ta = Self.correlation(a.features, 6, ya, 5, rows: a.count)
    let ts = Self.correlation(small.features, 6, ys, 5, rows: small.count)
    for i in ta.indices { #expect(abs(ta[i] - ts[i]) < 1e-4) }
  }

  @Test func orthonormalColumnsAreOrthonormal() {
    var rng = Xoshiro256(seed: 3)
    let q = LinearTeacher.orthonormalColumns(rows: 7, columns: 7, using: &rng)
    for a in 0..<7 {
      for b in 0..<7 {
        let dot = (0..<7).reduce(0.0) { $0 + q[a * 7 + $1] * q[b * 7 + $1] }
        #expect(abs(dot - (a == b ? 1 : 0)) < 1e-12)
      }
    }
  }

  @Test func invalidSettingsAreLocatedAtSingularValues() {
    func fields(_ s: DataSpec) -> [String] { DataLoader.validate(s, baseDirectory: nil).map(\.field) }
    #expect(fields(Self.linear([3, 2, 1, 0.5])) == [])
    #expect(fields(Self.linear([1, 0])) == ["data.singular_values"])
    #expect(fields(Self.linear([1, .infinity])) == ["data.singular_values"])
    #expect(fields(Self.linear([3, 2, 1], features: 2)) == ["data.singular_values"])
    #expect(fields(Self.linear([3, 2, 1], outputs: 2)) == ["data.singular_values"])
    #expect(fields(Self.linear([3], samples: 4)) == ["data.singular_values"])
    #expect(fields(spec(.teacher) { $0.singularValues = [1] }) == ["data.singular_values"])  // classification
    #expect(fields(spec(.spirals) { $0.singularValues = [1] }) == ["data.singular_values"])
    let message = DataLoader.validate(Self.linear([3, 2, 1], outputs: 2), baseDirectory: nil)[0].description
    #expect(message.contains("outputs 2"), "\(message)")
  }
}
