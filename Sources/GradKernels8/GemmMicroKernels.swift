// The register-blocked inner loops of sgemm. Everything here is `@inline(__always)` so
// that each (rows, vectors) instantiation is specialised into its caller with the tile
// held in registers: with 8 lanes a 6×16 tile is 12 accumulators + 2 B vectors + 1
// broadcast = 15 of the 16 AVX2 YMM registers, and 12 independent FMA chains cover Zen 3's
// / Haswell's 2 FMA pipes × 4-cycle latency; with 16 lanes a 12×32 tile is 24 + 2 + 1 of
// the 32 AVX-512 ZMM registers. Index arithmetic inside the loops is wrapping (`&*`,
// `&+`): an overflow check there would pin the accumulators to memory.

/// A register tile of `Rows` × `Vectors` accumulators of `Lane` (see `Lanes.swift`).
typealias Tile<let Rows: Int, let Vectors: Int> = InlineArray<Rows, InlineArray<Vectors, Lane>>

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> Lane {
  UnsafeRawPointer(p).loadUnaligned(as: Lane.self)
}

@inline(__always)
func storeVector(_ v: Lane, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lane.self)
}

/// Eight lanes whatever `Lane` is: the dot kernel and the 8×8 transposes keep this width
/// in every family, so that their sums (split over 8 lanes) have the same order.
@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Sum of the 8 lanes in a fixed tree order, ((0+4)+(2+6)) + ((1+5)+(3+7)), so that the
/// result never depends on how the compiler would reassociate `sum()`.
@inline(__always)
func laneSum(_ v: SIMD8<Float>) -> Float {
  let quad = v.lowHalf + v.highHalf
  let pair = quad.lowHalf + quad.highHalf
  return pair[0] + pair[1]
}

/// The outer-product ("broadcast") micro-kernel:
///
///     tile[r][v] = Σ_{p<k} A(r, p) · B(p, o_v ..< o_v + 8),   o_0 = 0, o_1 = secondOffset
///
/// where A(r, p) = a[r·aRowStride + p·aColStride] is broadcast to all lanes and row p of
/// B starts at b + p·bRowStride. The same code serves packed panels (constant strides,
/// see `runPacked`) and operands read in place (NN: lda / 1, TN: 1 / lda). A second
/// vector offset below 8 overlaps the first: a 10- or 14-column edge panel is computed as
/// two full vectors without copying or reading past the matrix.
///
/// Properties: for every lane the sum runs over p = 0, 1, …, k−1 in order, one fused
/// multiply-add per term, so the result depends only on k and the data; overlapping
/// lanes compute bit-identical values.
enum BroadcastKernel<let Rows: Int, let Vectors: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, aRowStride: Int, aColStride: Int,
    b: UnsafePointer<Float>, bRowStride: Int, secondOffset: Int
  ) -> Tile<Rows, Vectors> {
    var acc = Tile<Rows, Vectors>(repeating: InlineArray(repeating: .zero))
    var pa = a
    var pb = b
    // Two k steps per trip: measured 3–6 % faster than one on 128×512×512 (four spill).
    var pairs = k >> 1
    while pairs > 0 {
      for _ in 0..<2 {
        var bv = InlineArray<Vectors, Lane>(repeating: .zero)
        for v in 0..<Vectors { bv[v] = loadVector(pb + (v == 0 ? 0 : secondOffset)) }
        for r in 0..<Rows {
          let av = Lane(repeating: pa[r &* aRowStride])
          for v in 0..<Vectors { acc[r][v].addProduct(av, bv[v]) }
        }
        pa += aColStride
        pb += bRowStride
      }
      pairs &-= 1
    }
    for _ in 0..<(k & 1) {
      var bv = InlineArray<Vectors, Lane>(repeating: .zero)
      for v in 0..<Vectors { bv[v] = loadVector(pb + (v == 0 ? 0 : secondOffset)) }
      for r in 0..<Rows {
        let av = Lane(repeating: pa[r &* aRowStride])
        for v in 0..<Vectors { acc[r][v].addProduct(av, bv[v]) }
      }
      pa += aColStride
      pb += bRowStride
    }
    return acc
  }
}

/// What `storeTile` does besides writing C: nothing (`PlainStore`, every ordinary
/// product), or adding up what a fused update did (`UpdateSumsEpilogue`).
protocol TileEpilogue {
  /// False for `PlainStore`: its calls compile away.
  static var isMeasuring: Bool { get }
  /// One tile's lane sums of S², |S|, c² and (c′ − c)² (S the sum of the products, c and
  /// c′ an entry before and after; c = 0 when β = 0), over `entries` entries.
  mutating func add(_ tile: TileSums, entries: Int)
}

/// Lane sums of one tile (see `TileEpilogue`).
struct TileSums {
  var squares = Lane.zero
  var magnitudes = Lane.zero
  var oldSquares = Lane.zero
  var changeSquares = Lane.zero

  /// Adds one vector's entries: S (the sum of the products), the entry before and after.
  @_transparent
  mutating func add(sum s: Lane, old: Lane, new: Lane) {
    let change = new - old
    squares.addProduct(s, s)
    magnitudes += unsafeBitCast(unsafeBitCast(s, to: LaneBits.self) & 0x7FFF_FFFF, to: Lane.self)
    oldSquares.addProduct(old, old)
    changeSquares.addProduct(change, change)
  }

  /// The sums with the lanes whose `keep` bits are 0 set to +0: a bitwise AND, exact
  /// whatever the lanes hold (a multiplication by 0 would turn ∞ into NaN).
  @_transparent
  func keeping(_ keep: LaneBits) -> TileSums {
    @_transparent func masked(_ v: Lane) -> Lane {
      unsafeBitCast(unsafeBitCast(v, to: LaneBits.self) & keep, to: Lane.self)
    }
    return TileSums(
      squares: masked(squares), magnitudes: masked(magnitudes), oldSquares: masked(oldSquares),
      changeSquares: masked(changeSquares))
  }

  @inline(__always)
  static func + (x: TileSums, y: TileSums) -> TileSums {
    TileSums(
      squares: x.squares + y.squares, magnitudes: x.magnitudes + y.magnitudes,
      oldSquares: x.oldSquares + y.oldSquares, changeSquares: x.changeSquares + y.changeSquares)
  }
}

/// The epilogue of every ordinary product.
struct PlainStore: TileEpilogue {
  static var isMeasuring: Bool { false }
  /// Unused storage. An empty struct passed `inout` has no address of its own, and
  /// ThreadSanitizer's instrumentation of `inout` accesses dereferenced the made-up one
  /// (SEGV in `swift test --sanitize=thread`); one byte gives it a real one.
  private var storage: UInt8 = 0
  @inline(__always) mutating func add(_ tile: TileSums, entries: Int) {}
}

/// A measuring epilogue local to a kernel call: the tiles' lane sums added up where the
/// compiler can keep them in registers, handed on to the real epilogue in groups.
struct SumsInRegisters: TileEpilogue {
  static var isMeasuring: Bool { true }
  var sums = TileSums()
  var entries = 0
  @inline(__always) mutating func add(_ tile: TileSums, entries count: Int) {
    sums = sums + tile
    entries &+= count
  }
}

/// How `storeTile` combines a sum with the old entry: β = 0 does not read C, β = 1 (the
/// SGD update without weight decay) adds c itself — 1·c = c exactly, so the bits are
/// those of the general `(α·S) + (β·c)` and one multiplication per vector is saved.
enum BetaCase {
  case zero, one, general
  @_transparent init(_ beta: Float) { self = beta == 0 ? .zero : beta == 1 ? .one : .general }
}

/// Writes a tile into C, `C ← α·tile + β·C`, vector v of row r at c + r·ldc + o_v.
///
/// Evaluated as `(α·tile) + (β·C)` with three roundings and no fused multiply-add,
/// exactly like `referenceSgemm` and a separate SGD step `w ← α·g + β·w` on g = tile: so
/// the fused update (α = −η, β = 1) gives the same bits as forming the gradient first.
/// β = 0 never reads C. A row's old values are all read before any is written, so
/// overlapping vectors (o_1 < 8) store identical values and β is applied once; a
/// measuring epilogue gets the tile's sums with the overlapping lanes left out, formed
/// in registers (one sum per vector column, rows in order, then the columns added).
/// The β case is decided once per tile (tested in the row loop, the compiler did not hoist
/// it); that and skipping β·c for β = 1 made the fused update of W1's and W2's first
/// layer (784 × 30 × 10, 784 × 1000 × 10) 1.3× and 1.45× faster (`bench --kernels`).
@_transparent
func storeTile<let Rows: Int, let Vectors: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, Vectors>, secondOffset: Int, alpha: Float, beta: Float,
  c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: inout E
) {
  // One sum per vector column (two at most), so that each lane's chain is Rows long.
  var firstSums = TileSums(), secondSums = TileSums()
  switch BetaCase(beta) {
  case .zero:
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: false, &firstSums, &secondSums, E.self
    ) { product, _ in product }
  case .one:
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: true, &firstSums, &secondSums, E.self
    ) { product, old in product + old }
  case .general:
    let vb = Lane(repeating: beta)
    storeRows(
      acc, secondOffset: secondOffset, alpha: alpha, c: c, ldc: ldc, reads: true, &firstSums, &secondSums, E.self
    ) { product, old in product + vb * old }
  }
  if E.isMeasuring {
    guard Vectors == 2 else { return epilogue.add(firstSums, entries: Rows * laneCount) }
    // Leave out the lanes of the second vector that the first one holds.
    var keep = LaneBits(repeating: 0xFFFF_FFFF)
    for lane in 0..<(laneCount &- min(secondOffset, laneCount)) { keep[lane] = 0 }
    epilogue.add(firstSums + secondSums.keeping(keep), entries: Rows * (laneCount + min(secondOffset, laneCount)))
  }
}

/// The row loop of `storeTile` for one β case: `combine(α·S, c)` is the new entry (c is
/// read only when `reads`; otherwise it counts as 0).
@_transparent
func storeRows<let Rows: Int, let Vectors: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, Vectors>, secondOffset: Int, alpha: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  reads: Bool, _ firstSums: inout TileSums, _ secondSums: inout TileSums, _: E.Type,
  combine: (Lane, Lane) -> Lane
) {
  let va = Lane(repeating: alpha)
  for r in 0..<Rows {
    let row = c + r &* ldc
    var old = InlineArray<Vectors, Lane>(repeating: .zero)
    if reads { for v in 0..<Vectors { old[v] = loadVector(row + (v == 0 ? 0 : secondOffset)) } }
    for v in 0..<Vectors {
      let new = combine(va * acc[r][v], old[v])
      storeVector(new, row + (v == 0 ? 0 : secondOffset))
      if E.isMeasuring {
        if v == 0 {
          firstSums.add(sum: acc[r][v], old: old[v], new: new)
        } else {
          secondSums.add(sum: acc[r][v], old: old[v], new: new)
        }
      }
    }
  }
}

/// `α·sum + β·c` for one element, rounded as `storeTile` rounds (β = 0 does not read c).
@inline(__always)
func combine(_ sum: Float, alpha: Float, beta: Float, into p: UnsafeMutablePointer<Float>) {
  p.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * p.pointee
}

/// Writes the first `columns` (< `laneCount`) lanes of a one-vector tile: matrices narrower than
/// one vector, whose B rows were copied into a zero-padded scratch panel.
@inline(__always)
func storeNarrowTile<let Rows: Int, E: TileEpilogue>(
  _ acc: Tile<Rows, 1>, columns: Int, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  epilogue: inout E
) {
  var sums = TileSums()
  for r in 0..<Rows {
    var old = Lane.zero, new = Lane.zero
    for j in 0..<columns {
      let p = c + (r &* ldc &+ j)
      if E.isMeasuring && beta != 0 { old[j] = p.pointee }
      combine(acc[r][0][j], alpha: alpha, beta: beta, into: p)
      if E.isMeasuring { new[j] = p.pointee }
    }
    // Lanes past `columns` hold S = 0 (B's zero padding), old = new = 0: they add 0.
    if E.isMeasuring { sums.add(sum: acc[r][0], old: old, new: new) }
  }
  if E.isMeasuring { epilogue.add(sums, entries: Rows * columns) }
}

/// The inner-product ("dot") micro-kernel for C = A·Bᵀ with both operands read along
/// their contiguous rows:
///
///     out[r][q] = Σ_{p<k} a[r·lda + p] · b[q·ldb + p]
///
/// vectorised over p in chunks of 8 (lane l sums the terms p ≡ l mod 8 in order). When
/// 8 ∤ k the last k mod 8 terms are taken from one more chunk that ends at p = k and
/// starts inside already-summed territory (allowed when `reachBack`: at least 8 valid
/// elements precede a + k), with the repeated lanes' products replaced by 0; otherwise
/// they are added one by one after the lane sum. Lanes are reduced by `laneSum`.
enum DotKernel<let Rows: Int, let Columns: Int> {
  @inline(__always)
  static func accumulate(
    k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, reachBack: Bool
  ) -> InlineArray<Rows, InlineArray<Columns, Float>> {
    var acc = InlineArray<Rows, InlineArray<Columns, SIMD8<Float>>>(repeating: InlineArray(repeating: .zero))
    let vectorEnd = k & ~7
    var p = 0
    while p < vectorEnd {
      var bv = InlineArray<Columns, SIMD8<Float>>(repeating: .zero)
      for q in 0..<Columns { bv[q] = load8(b + (q &* ldb &+ p)) }
      for r in 0..<Rows {
        let av = load8(a + (r &* lda &+ p))
        for q in 0..<Columns { acc[r][q].addProduct(av, bv[q]) }
      }
      p += 8
    }
    let leftover = k &- vectorEnd
    let masked = leftover > 0 && reachBack
    if masked {
      let start = k &- 8
      let repeated = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(8 &- leftover))
      var bv = InlineArray<Columns, SIMD8<Float>>(repeating: .zero)
      for q in 0..<Columns { bv[q] = load8(b + (q &* ldb &+ start)) }
      for r in 0..<Rows {
        let av = load8(a + (r &* lda &+ start))
        for q in 0..<Columns { acc[r][q] += (av * bv[q]).replacing(with: 0, where: repeated) }
      }
    }
    var out = InlineArray<Rows, InlineArray<Columns, Float>>(repeating: InlineArray(repeating: 0))
    for r in 0..<Rows {
      for q in 0..<Columns {
        var s = laneSum(acc[r][q])
        if !masked {
          var t = vectorEnd
          while t < k {
            s.addProduct(a[r &* lda &+ t], b[q &* ldb &+ t])
            t &+= 1
          }
        }
        out[r][q] = s
      }
    }
    return out
  }
}
