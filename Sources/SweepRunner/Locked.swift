import Foundation

/// A value that threads share, read and changed only while holding its lock.
///
/// Why not `Synchronization.Mutex`: on Linux it parks threads with raw futex calls
/// inside the prebuilt standard library, which ThreadSanitizer cannot see, so every
/// access it guards is reported as a race and CI's sanitizer check fails on correct
/// code. `NSLock` is a `pthread_mutex`, whose lock and unlock TSan intercepts: the
/// sanitizer sees the same happens-before edges the hardware does.
///
/// Properties: `withLock` is the only way to the value, so no access escapes the lock
/// (the closure must not let `inout` storage outlive it, which Swift enforces); it is
/// not reentrant — calling `withLock` on the same instance from inside the closure
/// deadlocks.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) {
    self.value = value
  }

  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
