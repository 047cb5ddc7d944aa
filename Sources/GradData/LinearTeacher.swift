import GradEngine

/// A linear teacher with chosen singular values, the task of Saxe, McClelland & Ganguli
/// 2014 ("Exact solutions to the nonlinear dynamics of learning in deep linear neural
/// networks", ICLR; Section 2): targets y = U·diag(s)·Vᵀ·x from whitened inputs, so the
/// input–output correlation Σ³¹ = (1/n) Σ_μ y_μ x_μᵀ is exactly U·diag(s)·Vᵀ and its
/// singular values are the `s` given.
///
///     X = √n · Q,  Q the n × d Gram–Schmidt orthonormalisation of an N(0, 1) matrix
///         ⇒ Σ¹¹ = (1/n) XᵀX = I_d exactly (not only in expectation)
///     V (d × r), U (outputs × r): orthonormal columns (Gram–Schmidt of N(0, 1))
///     y = U·diag(s)·Vᵀ x + noise·z,  z ~ N(0, I)
///
/// No standardisation of the outputs (it would rescale the modes). The teacher's U and V
/// come from their own generator, seeded by the first draw of the data stream, like the
/// deep teacher's weights.
///
/// Edge cases: the whitening holds over the whole generated set; a validation or test
/// split leaves the training rows only approximately white (Σ¹¹ = I + O(1/√n)), so a
/// study of the exact curves uses `validation: 0` and `scale: none` (standardising would
/// undo the exact whitening). Needs samples ≥ features and r ≤ min(features, outputs)
/// (DataValidation checks both).
enum LinearTeacher {
  static func generate(_ spec: DataSpec, using rng: inout Xoshiro256) -> Dataset {
    var weightRNG = Xoshiro256(seed: rng.next())
    let d = spec.features, m = spec.outputs, n = spec.samples
    let s = spec.singularValues
    let v = orthonormalColumns(rows: d, columns: s.count, using: &weightRNG)
    let u = orthonormalColumns(rows: m, columns: s.count, using: &weightRNG)
    // Column-major n × d, orthonormalised over the n examples, then × √n.
    var columns = orthonormalColumns(rows: n, columns: d, using: &rng)
    let root = Double(n).squareRoot()
    for i in columns.indices { columns[i] *= root }

    var features = [Float](repeating: 0, count: n * d)
    var targets = [Float](repeating: 0, count: n * m)
    var projected = [Double](repeating: 0, count: s.count)
    for row in 0..<n {
      for a in s.indices {
        var sum = 0.0
        for j in 0..<d { sum += v[a * d + j] * columns[j * n + row] }
        projected[a] = s[a] * sum
      }
      for j in 0..<d { features[row * d + j] = Float(columns[j * n + row]) }
      for o in 0..<m {
        var y = 0.0
        for a in s.indices { y += u[a * m + o] * projected[a] }
        targets[row * m + o] = Float(y + spec.noise * rng.nextNormal())
      }
    }
    return Dataset(features: features, featureCount: d, targets: .values(targets, outputCount: m))
  }

  /// `columns` orthonormal vectors of length `rows` (column-major, column c at
  /// c·rows ..< (c+1)·rows): modified Gram–Schmidt of N(0, 1) draws, each projection done
  /// twice ("twice is enough", Giraud et al. 2005) so the columns are orthogonal to
  /// rounding. Needs columns ≤ rows.
  static func orthonormalColumns(rows: Int, columns: Int, using rng: inout Xoshiro256) -> [Double] {
    var q = [Double](repeating: 0, count: rows * columns)
    for c in 0..<columns {
      var col = (0..<rows).map { _ in rng.nextNormal() }
      for _ in 0..<2 {
        for p in 0..<c {
          var dot = 0.0
          for i in 0..<rows { dot += q[p * rows + i] * col[i] }
          for i in 0..<rows { col[i] -= dot * q[p * rows + i] }
        }
      }
      var norm = 0.0
      for x in col { norm += x * x }
      norm = norm.squareRoot()
      for i in 0..<rows { q[c * rows + i] = col[i] / norm }
    }
    return q
  }
}
