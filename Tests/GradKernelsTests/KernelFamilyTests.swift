import GradKernels
import Testing

/// The kernel families give the same bits: every product of random shapes (all
/// transposes, α/β cases, large shapes that the AVX-512 family runs on its 16-lane
/// kernels, several k-blocks and row blocks) is computed by the 8-lane family and by
/// every other family this CPU runs, and compared bit for bit.
@Suite("Kernel families: same bits on every instruction set")
struct KernelFamilyTests {
  /// The family the others are compared with: the 8-lane kernels (AVX2, or generic).
  static let baseline = KernelFamily.supported.first!

  static let hasAVX512 = KernelFamily.supported.contains(.avx512)

  /// Random shapes: the packed path (m, n, k ≥ 48) with every edge of a 32-column panel
  /// and every 12-row tile height, operands in place (m ≥ 16, n ≥ 32, short k), row tiles
  /// across wide C, small ones (8-lane on every family), beyond one k-block (1024) or one
  /// row block (144).
  static func shapes(_ transA: Transpose, _ transB: Transpose, count: Int, seed: UInt64) -> [GemmCase] {
    var random = TestRandom(seed: seed)
    let scalars: [(Float, Float)] = [(1, 0), (1, 1), (-0.01, 1), (2, 0.5), (0.5, -1.5), (-0.37, 0)]
    return (0..<count).map { index in
      let (alpha, beta) = scalars[index % scalars.count]
      var (m, n, k) = (random.int(in: 48...150), random.int(in: 48...130), random.int(in: 48...160))
      switch index % 10 {
      case 0: (m, n, k) = (random.int(in: 1...70), random.int(in: 1...70), random.int(in: 1...70))
      case 1: k = random.int(in: 1020...1100)
      case 2: m = random.int(in: 145...300)
      // Operands read in place (not all of m, n, k ≥ 48), 16 rows and 32 columns or more.
      case 3, 4: (m, n, k) = (random.int(in: 16...47), random.int(in: 32...80), random.int(in: 1...90))
      // Short k and wide C: a row tile run across all column panels (≥ 8 of 32).
      case 5: (m, n, k) = (random.int(in: 100...200), random.int(in: 230...300), random.int(in: 1...12))
      default: break
      }
      return GemmCase(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
        padA: random.int(in: 0...3), padB: random.int(in: 0...3), padC: random.int(in: 0...2))
    }
  }

  /// C as `family` computes it (C's padding and old values from the case's seed).
  static func product(_ t: GemmCase, seed: UInt64, on family: KernelFamily) -> [Float] {
    return GemmOperands(t, seed: seed).product { a, lda, b, ldb, c, ldc in
      family.sgemm(
        t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: t.beta,
        c: c, ldc: ldc)
    }
  }

  /// Indices where two results differ in their bits (NaN padding compares by bits too).
  static func differences(_ x: [Float], _ y: [Float]) -> [Int] {
    precondition(x.count == y.count)
    return x.indices.filter { x[$0].bitPattern != y[$0].bitPattern }
  }

  // Skipped, with this reason, on a CPU without AVX-512: Swift Testing reports the test
  // as skipped, never as passed.
  @Test(
    "AVX-512 and AVX2 kernels: identical bits on random shapes, all transposes, α/β cases",
    .enabled(if: hasAVX512, Comment(rawValue: KernelFamily.whyUnavailable(.avx512) ?? "")),
    arguments: 0..<4)
  func avx512MatchesAVX2(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    for (index, t) in Self.shapes(transA, transB, count: 90, seed: UInt64(900 + combination)).enumerated() {
      let narrow = Self.product(t, seed: UInt64(index), on: Self.baseline)
      let wide = Self.product(t, seed: UInt64(index), on: .avx512)
      let differing = Self.differences(narrow, wide)
      #expect(differing.count == 0, "\(t.testDescription): \(differing.count) entries differ, first at \(differing.first ?? -1)")
    }
  }

  /// C and the sums as `family`'s `sgemmUpdateSums` gives them.
  static func measuredUpdate(_ t: GemmCase, seed: UInt64, on family: KernelFamily) -> ([Float], GemmUpdateSums) {
    let operands = GemmOperands(t, seed: seed)
    var c = operands.c.storage
    let sums = operands.a.storage.withUnsafeBufferPointer { pa in
      operands.b.storage.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          family.sgemmUpdateSums(
            t.transA, t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: pa.baseAddress!, lda: operands.a.stride,
            b: pb.baseAddress!, ldb: operands.b.stride, beta: t.beta, c: pc.baseAddress!, ldc: operands.c.stride)
        }
      }
    }
    return (c, sums)
  }

  /// The four sums' bit patterns.
  static func bits(_ s: GemmUpdateSums) -> [UInt64] {
    [s.sumSquares.bitPattern, s.sumMagnitudes.bitPattern, s.oldSquares.bitPattern, s.changeSquares.bitPattern]
  }

  /// The engine's measured weight updates (Aᵀ·δ, k = batch): W3's, W4's, W2's and
  /// W2b128's layers, α = 0 and k beyond one block (the 8-lane fallback on every family).
  static let engineUpdates: [GemmCase] = [
    GemmCase(transA: .transposed, transB: .none, m: 64, n: 64, k: 32, alpha: -0.01, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 64, n: 64, k: 32, alpha: -0.01, beta: 0.999),
    GemmCase(transA: .transposed, transB: .none, m: 784, n: 512, k: 128, alpha: -0.01, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 512, n: 512, k: 128, alpha: -0.01, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 784, n: 1000, k: 128, alpha: -0.01, beta: 1, padC: 3),
    GemmCase(transA: .transposed, transB: .none, m: 1000, n: 1000, k: 10, alpha: -0.01, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 200, n: 250, k: 10, alpha: -0.1, beta: 0.999, padC: 1),
    GemmCase(transA: .transposed, transB: .none, m: 64, n: 64, k: 32, alpha: 0, beta: 1),
    GemmCase(transA: .transposed, transB: .none, m: 40, n: 48, k: 1100, alpha: -0.01, beta: 1),
  ]

  @Test(
    "AVX-512 and AVX2 measured updates: identical C and sums on random shapes, all transposes, α/β cases",
    .enabled(if: hasAVX512, Comment(rawValue: KernelFamily.whyUnavailable(.avx512) ?? "")),
    arguments: 0..<4)
  func avx512MeasuredUpdateMatchesAVX2(_ combination: Int) {
    let (transA, transB) = allTransposes[combination]
    var cases = Self.shapes(transA, transB, count: 90, seed: UInt64(1900 + combination))
    if combination == 1 { cases += Self.engineUpdates }  // (.transposed, .none)
    for (index, t) in cases.enumerated() {
      let (narrowC, narrowSums) = Self.measuredUpdate(t, seed: UInt64(index), on: Self.baseline)
      let (wideC, wideSums) = Self.measuredUpdate(t, seed: UInt64(index), on: .avx512)
      let differing = Self.differences(narrowC, wideC)
      #expect(differing.count == 0, "\(t.testDescription): \(differing.count) entries differ, first at \(differing.first ?? -1)")
      #expect(
        Self.bits(narrowSums) == Self.bits(wideSums),
        "\(t.testDescription): sums \(narrowSums) (8-lane) vs \(wideSums) (AVX-512)")
    }
  }

  /// The test above must be able to fail: a product whose inputs differ in one bit of
  /// one entry gives different bits in C (so equal bits are not vacuous).
  @Test("a one-bit change in A shows up in C's bits")
  func comparisonDetectsAChange() {
    let t = GemmCase(transA: .none, transB: .none, m: 60, n: 70, k: 80)
    let operands = GemmOperands(t, seed: 3)
    var a = operands.a.storage
    a[5] = Float(bitPattern: a[5].bitPattern ^ 1)
    var c = operands.c.storage
    a.withUnsafeBufferPointer { pa in
      operands.b.storage.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          Self.baseline.sgemm(
            .none, .none, m: t.m, n: t.n, k: t.k, alpha: 1, a: pa.baseAddress!, lda: operands.a.stride,
            b: pb.baseAddress!, ldb: operands.b.stride, beta: 0, c: pc.baseAddress!, ldc: operands.c.stride)
        }
      }
    }
    #expect(!Self.differences(c, Self.product(t, seed: 3, on: Self.baseline)).isEmpty)
  }

  @Test("GRADSWEEP_ISA: unknown names and families this CPU cannot run are refused, saying why")
  func choosingAFamily() throws {
    let supported = KernelFamily.supported
    #expect(!supported.isEmpty)
    #expect(try KernelFamily.choose(requested: nil).get() == supported.last)
    #expect(try KernelFamily.choose(requested: "").get() == supported.last)
    for family in supported { #expect(try KernelFamily.choose(requested: family.rawValue.uppercased()).get() == family) }
    guard case .failure(let unknown) = KernelFamily.choose(requested: "sse2") else {
      Issue.record("sse2 accepted")
      return
    }
    #expect(unknown.description.contains("GRADSWEEP_ISA=sse2 is not a kernel family"))
    for family in KernelFamily.allCases where !supported.contains(family) {
      guard case .failure(let refusal) = KernelFamily.choose(requested: family.rawValue) else {
        Issue.record("\(family) accepted on a CPU that cannot run it")
        continue
      }
      #expect(refusal.description.contains("this CPU cannot run the \(family.rawValue) kernels"))
    }
    #expect(supported.contains(KernelFamily.active))
  }
}
