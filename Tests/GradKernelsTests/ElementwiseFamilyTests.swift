import Foundation
import GradKernels
import Testing

/// The elementwise kernels give the same bits on every family: each activation's f and f′
/// over Float bit patterns (NaNs, infinities, subnormals included), the forward sweep's
/// Σ|a| and statistics' sums on random shapes, and the backward product, computed by the
/// 8-lane family and the AVX-512 one and compared bit for bit. The sums are also checked
/// against a scalar rendering of their canonical 16-lane order on every family.
@Suite("Elementwise kernels: same bits on every family")
struct ElementwiseFamilyTests {
  static let baseline = KernelFamily.supported.first!
  static let hasAVX512 = KernelFamily.supported.contains(.avx512)
  static let skipReason: Comment = "this CPU lacks AVX-512 F/BW/DQ/VL, so the 16-lane kernels cannot run here"

  /// The stride through the 2³² bit patterns: every `stride`-th pattern is evaluated.
  /// `GRADSWEEP_ELEMENTWISE_STRIDE=1` evaluates all of them (scripts/elementwise-bits.sh:
  /// minutes, as results that are subnormal take microcode assists).
  static let stride: UInt64 = {
    let requested = ProcessInfo.processInfo.environment["GRADSWEEP_ELEMENTWISE_STRIDE"].flatMap { UInt64($0) }
    return max(requested ?? 509, 1)
  }()

  /// Bit patterns every run includes, whatever the stride: signed zeros, infinities,
  /// quiet and signalling NaNs with payloads, subnormals, the edges of the normal range,
  /// and the arguments where the formulas switch branch (exp's clamps at −86 and 88.72,
  /// expm1's series at ±½ ln 2, hard_tanh's ±1).
  static let specials: [UInt32] = {
    let values: [Float] = [
      0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
      -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 88.722_839, 88.722_84,
      -86, -86.000_01, 0.346_573_59, -0.346_573_59, 44.36, -44.36, 2, -2, 1e-30, -1e-30,
    ]
    let nans: [UInt32] = [0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFF80_0001, 0x7FBF_FFFF, 0x7FFF_FFFF, 0xFFFF_FFFF]
    let subnormals: [UInt32] = [1, 2, 0x0040_0000, 0x007F_FFFF, 0x8000_0001, 0x807F_FFFF]
    var patterns = values.map(\.bitPattern) + nans + subnormals
    for v in values where v.isFinite && v != 0 { patterns += [v.nextUp.bitPattern, v.nextDown.bitPattern] }
    return patterns
  }()

  /// f and f′ of `kind` at the `count` Floats at `z` on `family`, into `a` and `d`: rows of
  /// 1024 (full blocks) and one shorter row (a reaching-back tail, or a partial block).
  static func evaluate(
    _ kind: ElementwiseActivation, slope: Float, z: UnsafeMutablePointer<Float>, count: Int, on family: KernelFamily,
    a: UnsafeMutablePointer<Float>, d: UnsafeMutablePointer<Float>
  ) {
    let rows = count / 1024, done = rows * 1024
    if rows > 0 {
      _ = family.activationSweep(kind, slope: slope, z: z, bias: nil, a: a, d: d, rows: rows, width: 1024, keep: false)
    }
    if done < count {
      _ = family.activationSweep(
        kind, slope: slope, z: z + done, bias: nil, a: a + done, d: d + done, rows: 1, width: count - done, keep: false)
    }
  }

  /// Compares `kind`'s f and f′ on the two families over the patterns 0, stride,
  /// 2·stride, … below 2³² (16,384 at a time) plus `specials`; returns descriptions of the
  /// first mismatches (none expected) and the number of patterns compared. `nudge`
  /// multiplies the AVX-512 side's slope (a fault, for the test that the check can fail).
  static func compare(_ kind: ElementwiseActivation, stride: UInt64, nudge: Float = 1) -> (mismatches: [String], compared: UInt64) {
    let chunk = 1 << 14
    let capacity = chunk + specials.count
    let buffers = (0..<5).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: capacity) }
    defer { buffers.forEach { $0.deallocate() } }
    let (z, a8, d8, a16, d16) = (buffers[0], buffers[1], buffers[2], buffers[3], buffers[4])
    var mismatches: [String] = []
    var compared: UInt64 = 0
    var next: UInt64 = 0
    var count = 0
    for pattern in specials { z[count] = Float(bitPattern: pattern); count += 1 }
    while next < 1 << 32 || count > 0 {
      while count < chunk && next < 1 << 32 {
        z[count] = Float(bitPattern: UInt32(next))
        count += 1
        next += stride
      }
      compared += UInt64(count)
      for slope: Float in kind == .leakyReLU ? [0.01, -0.37] : [0.01] {
        evaluate(kind, slope: slope, z: z, count: count, on: baseline, a: a8, d: d8)
        evaluate(kind, slope: slope * nudge, z: z, count: count, on: .avx512, a: a16, d: d16)
        let bytes = count * MemoryLayout<Float>.size
        if memcmp(a8, a16, bytes) != 0 || memcmp(d8, d16, bytes) != 0, mismatches.count < 10 {
          let i = (0..<count).first { a8[$0].bitPattern != a16[$0].bitPattern || d8[$0].bitPattern != d16[$0].bitPattern }!
          mismatches.append(
            "\(kind) slope \(slope) at 0x\(String(z[i].bitPattern, radix: 16)) (\(z[i])): "
              + "f \(a8[i]) vs \(a16[i]), f′ \(d8[i]) vs \(d16[i])")
        }
      }
      count = 0
    }
    return (mismatches, compared)
  }

  @Test(
    "f and f′ of every activation: identical bits on AVX-512 and AVX2 over a strided sample of all 2³² Float bit patterns",
    .enabled(if: hasAVX512, skipReason), arguments: ElementwiseActivation.allCases)
  func activationBitsAcrossFamilies(_ kind: ElementwiseActivation) {
    let (mismatches, compared) = Self.compare(kind, stride: Self.stride)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "; "))")
    #expect(compared >= (1 << 32) / Self.stride)
    if Self.stride == 1 { print("ElementwiseFamilyTests: \(kind): all 2³² bit patterns compared, \(mismatches.count) differ") }
  }
}

extension ElementwiseFamilyTests {
  @Test(
    "the comparison sees a changed bit: leaky ReLU with the AVX-512 side's slope one ulp off differs",
    .enabled(if: hasAVX512, skipReason))
  func comparisonCanFail() {
    let (mismatches, _) = Self.compare(.leakyReLU, stride: 1 << 16, nudge: 1 + Float.ulpOfOne)
    #expect(!mismatches.isEmpty)
  }
}
