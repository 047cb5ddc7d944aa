import GradKernels
import Testing

/// The forward sweep's sums (Σ|a| and the statistics' `ActivationSums`) and the backward
/// product's Σ|δ| follow their canonical 16-lane order on every family: checked against
/// a scalar rendering of that order, and across families bit for bit, on random shapes
/// (narrower than a block, reaching-back tails, several row groups and moves into Double).
@Suite("Elementwise kernels: canonical sums on every family")
struct ElementwiseSumsTests {
  /// Everything one forward sweep produces, as bits.
  struct Sweep: Equatable {
    var z: [UInt32], a: [UInt32], d: [UInt32], alive: [UInt32]
    var absSum: UInt32
    var sums: [UInt64]
  }

  struct Case {
    var kind: ElementwiseActivation, rows: Int, width: Int, bias: [Float]?, z: [Float], threshold: Float
  }

  static func cases(count: Int, seed: UInt64) -> [Case] {
    var random = TestRandom(seed: seed)
    let kinds = ElementwiseActivation.allCases
    return (0..<count).map { index in
      let width = [random.int(in: 1...15), 16, random.int(in: 17...70), 64, 100, random.int(in: 200...1100)][index % 6]
      let rows = random.int(in: 1...(width > 500 ? 6 : 40))
      let scale: Float = index % 5 == 4 ? 30 : 3
      let z = (0..<(rows * width)).map { _ in scale * random.signedUnit() }
      let bias = index % 2 == 0 ? (0..<width).map { _ in random.signedUnit() } : nil
      return Case(kind: kinds[index % kinds.count], rows: rows, width: width, bias: bias, z: z, threshold: 0.05)
    }
  }

  /// The sweep of `c` on `family` with statistics.
  static func sweep(_ c: Case, on family: KernelFamily) -> Sweep {
    var z = c.z
    var a = [Float](repeating: 0, count: z.count), d = a
    var alive = [Float](repeating: 7, count: c.width)
    var sums = alive.withUnsafeMutableBufferPointer {
      ActivationSums(threshold: c.threshold, aliveScratch: $0.baseAddress!, width: c.width)
    }
    let absSum = z.withUnsafeMutableBufferPointer { zb in
      a.withUnsafeMutableBufferPointer { ab in
        d.withUnsafeMutableBufferPointer { db in
          (c.bias ?? []).withUnsafeBufferPointer { bb in
            family.activationSweep(
              c.kind, slope: 0.01, z: zb.baseAddress!, bias: c.bias == nil ? nil : bb.baseAddress!, a: ab.baseAddress!,
              d: db.baseAddress!, rows: c.rows, width: c.width, keep: true, statistics: &sums)
          }
        }
      }
    }
    return Sweep(
      z: z.map(\.bitPattern), a: a.map(\.bitPattern), d: d.map(\.bitPattern), alive: alive.map(\.bitPattern),
      absSum: absSum.bitPattern,
      sums: [
        Double(sums.zShift), Double(sums.aShift), sums.zSum, sums.zSquares, sums.aSum, sums.aSquares, sums.dSum,
        sums.saturated,
      ].map(\.bitPattern))
  }

  /// Σ of `lanes` lanes reduced as the kernels reduce a block (16 lanes: 0–7 + 8–15, then
  /// halves pairwise; 8 lanes: halves pairwise).
  static func reduce(_ l: [Float]) -> Float {
    var v = l
    while v.count > 2 { v = (0..<(v.count / 2)).map { v[$0] + v[$0 + v.count / 2] } }
    return v[0] + v[1]
  }

  /// The canonical order (`ActivationSums`) rendered with scalars, from the z, a and d
  /// the sweep stored; `lanes` = 16 is the definition, 8 today's former 8-lane order.
  static func reference(_ c: Case, _ s: Sweep, lanes: Int = 16) -> Sweep {
    let (z, a, d) = (s.z.map(Float.init(bitPattern:)), s.a.map(Float.init(bitPattern:)), s.d.map(Float.init(bitPattern:)))
    let width = c.width
    func lane(_ j: Int) -> Int {
      let fullEnd = width / lanes * lanes
      return j < fullEnd ? j % lanes : (width >= lanes ? j - (width - lanes) : j)
    }
    var (zTotal, aTotal) = (0.0, 0.0)
    for j in 0..<width { zTotal += Double(z[j]); aTotal += Double(a[j]) }
    let (cz, ca) = (Float(zTotal / Double(width)), Float(aTotal / Double(width)))
    var totals = [Double](repeating: 0, count: 6)
    var absLanes = [Float](repeating: 0, count: lanes)
    var alive = [Float](repeating: 0, count: width)
    let rowsPerGroup = max(1, 2048 / width)
    for groupStart in Swift.stride(from: 0, to: c.rows, by: rowsPerGroup) {
      let groupEnd = min(groupStart + rowsPerGroup, c.rows)
      var partial = [[Float]](repeating: [Float](repeating: 0, count: lanes), count: 6)
      var pending = 0
      for row in groupStart..<groupEnd {
        for j in 0..<width {
          let (l, i) = (lane(j), row * width + j)
          let (zv, av, dv) = (z[i] - cz, a[i] - ca, d[i])
          partial[0][l] += zv; partial[1][l] = partial[1][l].addingProduct(zv, zv)
          partial[2][l] += av; partial[3][l] = partial[3][l].addingProduct(av, av)
          partial[4][l] += dv; partial[5][l] += abs(dv) < c.threshold ? 1 : 0
          if !(abs(dv) < c.threshold) { alive[j] = 1 }
          absLanes[l] += abs(a[i])
        }
        pending += width
        if pending >= 256 || row == groupEnd - 1 {
          for q in 0..<6 { totals[q] += Double(reduce(partial[q])) }
          partial = [[Float]](repeating: [Float](repeating: 0, count: lanes), count: 6)
          pending = 0
        }
      }
    }
    return Sweep(
      z: s.z, a: s.a, d: s.d, alive: alive.map(\.bitPattern), absSum: reduce(absLanes).bitPattern,
      sums: ([Double(cz), Double(ca)] + totals).map(\.bitPattern))
  }

  @Test("every family's sweep sums in the canonical 16-lane order", arguments: KernelFamily.supported)
  func canonicalOrder(_ family: KernelFamily) {
    var differsFromEightLanes = 0
    for (index, c) in Self.cases(count: 120, seed: 19).enumerated() {
      let swept = Self.sweep(c, on: family)
      #expect(swept == Self.reference(c, swept), "case \(index): \(c.kind), \(c.rows) × \(c.width)")
      if swept != Self.reference(c, swept, lanes: 8) { differsFromEightLanes += 1 }
    }
    // The comparison sees the order: the former 8-lane order gives other bits.
    #expect(differsFromEightLanes >= 30, "only \(differsFromEightLanes) of 120 cases tell 8 lanes from 16")
  }

  @Test(
    "AVX-512 and AVX2 sweeps: identical z, f, f′, Σ|a|, statistics and alive flags",
    .enabled(if: ElementwiseFamilyTests.hasAVX512, ElementwiseFamilyTests.skipReason))
  func sweepsAcrossFamilies() {
    for (index, c) in Self.cases(count: 240, seed: 1919).enumerated() {
      #expect(Self.sweep(c, on: .avx2) == Self.sweep(c, on: .avx512), "case \(index): \(c.kind), \(c.rows) × \(c.width)")
    }
  }

  @Test("the backward product: δ ⊙ f′ and Σ|δ| (lane i mod 16) alike on every family")
  func backwardProduct() {
    var random = TestRandom(seed: 77)
    for count in [1, 7, 15, 16, 17, 100, 1000, 4099] {
      let delta = (0..<count).map { _ in random.signedUnit() }, d = (0..<count).map { _ in random.signedUnit() }
      var lanes = [Float](repeating: 0, count: 16)
      for i in 0..<count { lanes[i % 16] += abs(delta[i] * d[i]) }
      for family in KernelFamily.supported {
        var out = delta
        let sum = out.withUnsafeMutableBufferPointer { family.multiplyByDerivatives($0.baseAddress!, derivatives: d, count: count) }
        #expect(out.map(\.bitPattern) == zip(delta, d).map { ($0 * $1).bitPattern }, "\(family) \(count)")
        #expect(sum.bitPattern == Self.reduce(lanes).bitPattern, "\(family) \(count)")
      }
    }
  }
}
