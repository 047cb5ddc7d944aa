/// A fixed-size, zero-initialised Float32 array, 64-byte aligned, allocated once and
/// freed with its owner.
///
/// The engine keeps every hot array (parameters, gradients, optimizer state, the
/// activations of a batch) in these rather than in `[Float]`: no copy-on-write checks,
/// no exclusivity checks and no reallocation inside the training loop.
final class FloatBuffer {
  let count: Int
  let pointer: UnsafeMutablePointer<Float>

  init(count: Int) {
    precondition(count >= 0, "negative buffer size")
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    pointer.initialize(repeating: 0, count: max(count, 1))
  }

  convenience init(_ values: [Float]) {
    self.init(count: values.count)
    values.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
    }
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  /// A copy of the contents.
  var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

  /// Overwrites the contents with `values` (same count).
  func assign(_ values: [Float]) {
    precondition(values.count == count, "buffer size mismatch")
    values.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: count) }
    }
  }

  /// Sets every element to `value`.
  func fill(_ value: Float) { pointer.update(repeating: value, count: count) }
}
