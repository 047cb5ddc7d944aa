/// The 256-layer Gaussian ziggurat of Marsaglia & Tsang (2000, "The Ziggurat Method for
/// Generating Random Variables", J. Stat. Softw. 5(8)), in the 64-bit form NumPy's
/// `Generator.standard_normal` uses: one 64-bit draw gives the layer (8 bits), the sign
/// (1 bit) and a 52-bit magnitude.
///
/// The density f(x) = exp(−x²/2) is covered by 255 rectangles and a base strip of equal
/// area v; layer i spans [0, xᵢ] with x₁ < … < x₂₅₅ = r, and the base strip is the
/// rectangle [0, r] plus the tail beyond r:
///
///     r = 3.6541528853610088,  v = 0.00492867323399 = r·f(r) + ∫ᵣ^∞ f
///     x_{i−1} = √(−2 ln(v/xᵢ + f(xᵢ)))
///
/// A draw x = U·xᵢ (U the magnitude in [0, 1)) is accepted at once when U < x_{i−1}/xᵢ
/// (inside the next rectangle up: 98.8 % of draws); otherwise, in layer i ≥ 1, when
/// f(xᵢ) + U′·(f(x_{i−1}) − f(xᵢ)) < f(x) (the wedge), and in the base strip by
/// Marsaglia's tail method (x = r + e₁/r with e₁, e₂ exponential, accepted when 2e₂ > e₁²).
/// The method is exact: what it returns is distributed as N(0, 1) up to the resolution of
/// the uniforms, including the tails (Box–Muller with 53-bit uniforms stops at |z| ≈ 8.6).
///
/// The tables are computed at first use with `portableExp`/`portableLog` and the
/// correctly rounded √, and the wedge and tail tests use the same functions, so a seed
/// gives the same normals, bit for bit, on every CPU and operating system.
@usableFromInline
final class ZigguratTables: @unchecked Sendable {
  /// x_{i−1}/xᵢ in units of 2⁻⁵² (layer 0: r/(v/f(r)), the rectangle's share of the base
  /// strip): a magnitude below it is accepted at once.
  @usableFromInline let threshold: UnsafeMutablePointer<UInt64>
  /// xᵢ·2⁻⁵² (layer 0: v/f(r)·2⁻⁵²): the magnitude's scale.
  @usableFromInline let width: UnsafeMutablePointer<Double>
  /// f(xᵢ) (f(x₀) = 1).
  @usableFromInline let density: UnsafeMutablePointer<Double>

  @usableFromInline static let r = 3.654_152_885_361_008_8
  static let v = 0.004_928_673_233_99

  @usableFromInline static let shared = ZigguratTables()

  private init() {
    threshold = .allocate(capacity: 256)
    width = .allocate(capacity: 256)
    density = .allocate(capacity: 256)
    let scale = 0x1p52
    var x = Self.r
    let q = Self.v / portableExp(-0.5 * x * x)
    threshold[0] = UInt64(x / q * scale)
    threshold[1] = 0
    width[0] = q / scale
    width[255] = x / scale
    density[0] = 1
    density[255] = portableExp(-0.5 * x * x)
    for i in stride(from: 254, through: 1, by: -1) {
      let next = (-2 * portableLog(Self.v / x + portableExp(-0.5 * x * x))).squareRoot()
      threshold[i + 1] = UInt64(next / x * scale)
      x = next
      density[i] = portableExp(-0.5 * x * x)
      width[i] = x / scale
    }
  }

  /// The rare path: a draw outside the inner rectangle of its layer.
  @usableFromInline @inline(never)
  func rejectOrAccept(
    layer: Int, x: Double, bits: UInt64, using generator: inout Xoshiro256
  ) -> Double? {
    if layer == 0 {
      // The tail beyond r: e₁ = −ln u₁ / r, e₂ = −ln u₂, accept when 2e₂ > e₁².
      while true {
        let e1 = -portableLog(generator.nextOpenUnit()) / Self.r
        let e2 = -portableLog(generator.nextOpenUnit())
        if e2 + e2 > e1 * e1 {
          let tail = Self.r + e1
          return (bits >> 8) & 1 == 0 ? tail : -tail
        }
      }
    }
    let u = generator.nextUnit()
    let y = density[layer] + u * (density[layer - 1] - density[layer])
    return y < portableExp(-0.5 * x * x) ? x : nil
  }
}

extension Xoshiro256 {
  /// Standard normal N(0, 1) by the 256-layer ziggurat (`ZigguratTables`): one 64-bit
  /// draw for 98.8 % of the normals, a second (and rarely more) otherwise. No spare is
  /// cached, so the stream position after a normal depends only on the draws it used.
  ///
  ///     bits = next(): layer = bits & 255, sign = bit 8, U = bits 9…60 (52 bits)
  ///     x = ±U·x_layer·2⁻⁵², returned when U < threshold[layer]
  ///
  /// Properties: exact N(0, 1) up to the uniforms' resolution (tails included); the same
  /// bits on every CPU and operating system (no libm call; tables built with
  /// `portableExp`/`portableLog`).
  @inlinable
  package mutating func nextNormal() -> Double {
    let tables = ZigguratTables.shared
    return zigguratNormal(tables, threshold: tables.threshold, width: tables.width)
  }

  /// `count` normals scaled by `scale` into `out`: `out[i] = Float(scale · nextNormal())`,
  /// bit for bit and in the same order as that loop, with the tables looked up once.
  @inlinable
  package mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, scale: Double) {
    let tables = ZigguratTables.shared
    let threshold = tables.threshold, width = tables.width
    for i in 0..<count {
      out[i] = Float(scale * zigguratNormal(tables, threshold: threshold, width: width))
    }
  }

  @inlinable @inline(__always)
  mutating func zigguratNormal(
    _ tables: ZigguratTables, threshold: UnsafeMutablePointer<UInt64>, width: UnsafeMutablePointer<Double>
  ) -> Double {
    while true {
      let bits = next()
      let layer = Int(truncatingIfNeeded: bits & 0xFF)
      let magnitude = (bits >> 9) & 0x000F_FFFF_FFFF_FFFF
      let unsigned = Double(Int64(bitPattern: magnitude)) * width[layer]
      // Bit 8 becomes the sign bit (no branch).
      let x = Double(bitPattern: unsigned.bitPattern | ((bits & 0x100) << 55))
      if magnitude < threshold[layer] { return x }
      if let accepted = tables.rejectOrAccept(layer: layer, x: x, bits: bits, using: &self) {
        return accepted
      }
    }
  }
}
