/// The eigenvalues of a real symmetric `order × order` matrix (row-major; only its lower
/// triangle is read), in no particular order.
///
/// Householder reduction to tridiagonal form, then the QL algorithm with implicit
/// Wilkinson shifts (Wilkinson & Reinsch 1971, procedures tred1/tql1; Press et al.,
/// *Numerical Recipes*, 3rd ed., §11.3–11.4, `tred2` without eigenvectors and `tqli`):
/// (4/3)n³ + O(n²) flops, backward stable, so each eigenvalue is found to within a few
/// ulp of ‖A‖₂. The tests compare it with the cyclic Jacobi method.
///
/// Edge cases: `order == 0` gives []; a matrix with a NaN gives NaNs; a diagonal matrix
/// gives its diagonal. QL gives up after 60 sweeps on one eigenvalue (never seen for
/// finite input) and leaves it as it stands.
package func symmetricEigenvalues(_ matrix: [Double], order n: Int) -> [Double] {
  precondition(matrix.count == n * n, "not an \(n) × \(n) matrix")
  guard n > 0 else { return [] }
  var a = matrix
  var d = [Double](repeating: 0, count: n)
  var e = [Double](repeating: 0, count: n)
  // Householder: row i (from the last) is reduced against its first i entries.
  if n > 1 {
    for i in stride(from: n - 1, through: 1, by: -1) {
      let l = i - 1
      var h = 0.0
      if l > 0 {
        var scale = 0.0
        for k in 0...l { scale += abs(a[i * n + k]) }
        if scale == 0 {
          e[i] = a[i * n + l]
        } else {
          for k in 0...l {
            a[i * n + k] /= scale
            h += a[i * n + k] * a[i * n + k]
          }
          var f = a[i * n + l]
          var g = f >= 0 ? -h.squareRoot() : h.squareRoot()
          e[i] = scale * g
          h -= f * g
          a[i * n + l] = f - g
          f = 0
          for j in 0...l {
            g = 0
            for k in 0...j { g += a[j * n + k] * a[i * n + k] }
            if j < l { for k in (j + 1)...l { g += a[k * n + j] * a[i * n + k] } }
            e[j] = g / h
            f += e[j] * a[i * n + j]
          }
          let hh = f / (h + h)
          for j in 0...l {
            let fj = a[i * n + j]
            let gj = e[j] - hh * fj
            e[j] = gj
            for k in 0...j { a[j * n + k] -= fj * e[k] + gj * a[i * n + k] }
          }
        }
      } else {
        e[i] = a[i * n + l]
      }
      d[i] = h
    }
  }
  e[0] = 0
  for i in 0..<n { d[i] = a[i * n + i] }
  // Implicit QL on the tridiagonal (d, e), e shifted so that e[i] couples i and i + 1.
  for i in 1..<max(n, 1) where n > 1 { e[i - 1] = e[i] }
  e[n - 1] = 0
  for l in 0..<n {
    var iterations = 0
    while true {
      var m = l
      while m < n - 1 {
        let dd = abs(d[m]) + abs(d[m + 1])
        if abs(e[m]) <= Double.ulpOfOne * dd { break }
        m += 1
      }
      if m == l || iterations == 60 { break }
      iterations += 1
      var g = (d[l + 1] - d[l]) / (2 * e[l])
      var r = (g * g + 1).squareRoot()
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
      var s = 1.0, c = 1.0, p = 0.0
      var i = m - 1
      var underflow = false
      while i >= l {
        let f = s * e[i], b = c * e[i]
        r = (f * f + g * g).squareRoot()
        e[i + 1] = r
        if r == 0 {
          d[i + 1] -= p
          e[m] = 0
          underflow = true
          break
        }
        s = f / r
        c = g / r
        g = d[i + 1] - p
        r = (d[i] - g) * s + 2 * c * b
        p = s * r
        d[i + 1] = g + p
        g = c * r - b
        i -= 1
      }
      if underflow { continue }
      d[l] -= p
      e[l] = g
      e[m] = 0
    }
  }
  return d
}
