/// A `rows × columns` matrix (row-major) with orthonormal columns when rows ≥ columns,
/// orthonormal rows otherwise: the Q factor of the QR decomposition of a matrix of iid
/// N(0, 1) draws, with the signs chosen so that R has a positive diagonal. This makes
/// Q Haar-distributed (uniform over the orthogonal group; Mezzadri 2007), as PyTorch's
/// and Keras's orthogonal initializers do.
///
/// The Gaussian matrix is drawn row-major (`rows × columns`, one `nextNormal()` each) and
/// orthonormalised by modified Gram–Schmidt in Double, whose Q has R's diagonal positive
/// by construction. Loss of orthogonality is ~ε_Double·κ(G), negligible once rounded to
/// Float. Properties: QᵀQ = I (rows ≥ columns) or QQᵀ = I (rows < columns).
func randomOrthogonal(rows: Int, columns: Int, using generator: inout Xoshiro256) -> [Double] {
  var gaussian = [Double](repeating: 0, count: rows * columns)
  for i in 0..<gaussian.count { gaussian[i] = generator.nextNormal() }
  guard rows > 0, columns > 0 else { return gaussian }

  // Orthonormalise the shorter dimension's vectors: the columns of a tall matrix or the
  // rows of a wide one, each stored contiguously.
  let tall = rows >= columns
  let vectorCount = tall ? columns : rows
  let length = tall ? rows : columns
  var vectors = [Double](repeating: 0, count: vectorCount * length)
  for i in 0..<rows {
    for j in 0..<columns {
      if tall { vectors[j * length + i] = gaussian[i * columns + j] } else { vectors[i * length + j] = gaussian[i * columns + j] }
    }
  }
  vectors.withUnsafeMutableBufferPointer { buffer in
    let v = buffer.baseAddress!
    for j in 0..<vectorCount {
      let current = v + j * length
      for k in 0..<j {
        let previous = v + k * length
        let projection = dot(previous, current, length)
        for i in 0..<length { current[i] -= projection * previous[i] }
      }
      let norm = dot(current, current, length).squareRoot()
      if norm > 0 {
        for i in 0..<length { current[i] /= norm }
      }
    }
  }
  var q = [Double](repeating: 0, count: rows * columns)
  for i in 0..<rows {
    for j in 0..<columns {
      q[i * columns + j] = tall ? vectors[j * length + i] : vectors[i * length + j]
    }
  }
  return q
}

/// ⟨x, y⟩ over `count` doubles, four partial sums combined in a fixed order.
private func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ count: Int) -> Double {
  var sum = SIMD4<Double>()
  var i = 0
  while i + 4 <= count {
    let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
    let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self)
    sum = sum.addingProduct(a, b)
    i += 4
  }
  var total = laneSum(sum)
  while i < count {
    total += x[i] * y[i]
    i += 1
  }
  return total
}
