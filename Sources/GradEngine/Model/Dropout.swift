// Inverted dropout (Srivastava et al. 2014, scaled at training time): during training
// each hidden output is kept with probability q = 1 − p and multiplied by 1/q, or set to
// 0; evaluation uses the network unchanged, since E[m] = 1. The backward pass multiplies
// the gradient by the same mask.

/// Fills `mask` (`count` entries, row-major) with 1/q or 0 from the dropout stream.
///
///     each 64-bit draw gives two 32-bit halves u (low half first);
///     entry kept ⟺ u < ⌊q · 2³²⌋, so P(kept) = ⌊q · 2³²⌋ / 2³² (q to 2⁻³²)
///
/// Consumes ⌈count / 2⌉ draws, in entry order, so a layer's mask depends only on the
/// stream's state and the batch's shape.
func drawDropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, dropout p: Double, using generator: inout Xoshiro256) {
  let keep = 1 - p
  let threshold = UInt64((keep * 4_294_967_296).rounded(.down))
  let kept = Float(1 / keep)
  var i = 0
  while i < count {
    let bits = generator.next()
    mask[i] = (bits & 0xFFFF_FFFF) < threshold ? kept : 0
    if i + 1 < count { mask[i + 1] = (bits >> 32) < threshold ? kept : 0 }
    i += 2
  }
}

/// x ← x ⊙ m over `count` entries (dropout forward and backward).
func multiplyElementwise(_ x: UnsafeMutablePointer<Float>, by m: UnsafePointer<Float>, count: Int) {
  var i = 0
  while i < count {
    let n = min(8, count - i)
    store8(load8(x + i, count: n) * load8(m + i, count: n), x + i, count: n)
    i += 8
  }
}

/// x ← x + y over `count` entries (the residual connection, forward and backward).
func addElementwise(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
  var i = 0
  while i < count {
    let n = min(8, count - i)
    store8(load8(x + i, count: n) + load8(y + i, count: n), x + i, count: n)
    i += 8
  }
}
