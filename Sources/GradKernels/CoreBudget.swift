// The cores of a sweep that no run is using, lent to the large products of the runs
// still training (issue 19: "idle cores inside a run"). Scheduling only: a product
// computes the same bits split or whole (ParallelGemm.swift).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The workers of one sweep (`--jobs` J of them) and the products they share.
///
/// A worker trains runs one after another. When no run is left to start, it *parks*
/// (`park`): it waits here and computes chunks of the products of the runs still training,
/// until the last of them ends. A run's thread, before a large product, cuts it into
/// chunks (`split`) and calls in the parked workers free at that moment (possibly none);
/// it and they take chunks in turn until none is left, and it waits only for chunks
/// already taken — never for a worker that has not woken up yet, which on a busy machine
/// may take a scheduler tick. So a sweep never computes on more than
/// J threads, cores only go to a run when a worker has nothing else to do (a sweep of one
/// wide model, or a sweep's tail), and a run with no idle worker beside it runs exactly as
/// before. The scheduler marks each run with `beginRun`/`endRun` and installs the budget
/// as its thread's with `lending`; the facade's `sgemm` finds it there (`current`).
///
/// One pthread mutex and two condition variables guard every field (the thread
/// sanitizer checks them); the chunks of a product write disjoint columns of C, and the
/// lender's wait for the last chunk orders every write before its return.
///
/// Edge cases: with J = 1 nothing is ever parked; a worker that parks while no run is
/// training returns at once; after `endRun` of the last run every parked worker returns.
package final class CoreBudget: @unchecked Sendable {
  /// Least m·n·k of a product the facade splits (`ParallelGemm.swift`).
  package let minimumWork: Int

  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  /// Parked workers wait here for a part, or for the last run to end.
  private let partPosted: UnsafeMutablePointer<pthread_cond_t>
  /// Lenders wait here for their chunks.
  private let partDone: UnsafeMutablePointer<pthread_cond_t>
  private var activeRuns = 0
  private var parked = 0
  /// Parked workers taking chunks of a product now.
  private var busy = 0
  /// Calls for help not yet answered, one per worker called in.
  private var pending: [SharedProduct] = []
  private var splits = 0

  /// One product cut into `chunks`, taken in turn (`next`) by its lender and the workers
  /// it called in; `finished` counts the chunks computed.
  private final class SharedProduct {
    let chunks: Int
    let body: (_ chunks: Int, _ chunk: Int) -> Void
    var next = 0
    var finished = 0

    init(chunks: Int, body: @escaping (Int, Int) -> Void) {
      self.chunks = chunks
      self.body = body
    }
  }

  /// - Parameter minimumWork: least m·n·k split (`defaultMinimumWork`; 0 splits every
  ///   product with at least two full column panels, which the tests use to force it).
  package init(minimumWork: Int = CoreBudget.defaultMinimumWork) {
    self.minimumWork = minimumWork
    mutex = .allocate(capacity: 1)
    partPosted = .allocate(capacity: 1)
    partDone = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(partPosted, nil)
    pthread_cond_init(partDone, nil)
  }

  deinit {
    pthread_cond_destroy(partDone)
    pthread_cond_destroy(partPosted)
    pthread_mutex_destroy(mutex)
    partDone.deallocate()
    partPosted.deallocate()
    mutex.deallocate()
  }

  @inline(__always)
  private func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// A run starts training. Call it before another worker can see that no run is left
  /// (under the scheduler's queue lock), so that it does not stop parking too early.
  package func beginRun() {
    locked { activeRuns += 1 }
  }

  /// A run has ended: when it was the last, every parked worker returns.
  package func endRun() {
    locked {
      activeRuns -= 1
      if activeRuns == 0 { pthread_cond_broadcast(partPosted) }
    }
  }

  /// Products split so far (a product computed whole is not counted).
  package var splitCount: Int { locked { splits } }

  /// Serves the parts of other runs' products until no run is training. Called by a
  /// worker with no run left to start.
  package func park() {
    pthread_mutex_lock(mutex)
    parked += 1
    pthread_cond_broadcast(partDone)  // for `withHelpers`, which waits for its helpers
    while true {
      if let product = pending.popLast() {
        busy += 1
        takeChunks(of: product)
        busy -= 1
        pthread_cond_broadcast(partDone)  // `withHelpers` counts busy workers
        continue
      }
      if activeRuns == 0 { break }
      pthread_cond_wait(partPosted, mutex)
    }
    parked -= 1
    pthread_mutex_unlock(mutex)
  }

  /// Computes chunks of `product` until none is left to take; called and returns with
  /// the mutex held, which it releases while computing.
  private func takeChunks(of product: SharedProduct) {
    while product.next < product.chunks {
      let chunk = product.next
      product.next += 1
      pthread_mutex_unlock(mutex)
      Self.compute(product, chunk: chunk)
      pthread_mutex_lock(mutex)
      product.finished += 1
      if product.finished == product.chunks { pthread_cond_broadcast(partDone) }
    }
  }

  @inline(never)
  private static func compute(_ product: SharedProduct, chunk: Int) {
    product.body(product.chunks, chunk)
  }

  /// Runs `body(chunks, chunk)` for every chunk in 0..<chunks, on this thread and on the
  /// parked workers free now (at most chunks − 1 of them), each taking the next chunk
  /// until none is left; returns when every chunk has returned. With no free worker,
  /// `body(1, 0)` runs here alone (the product made whole). Workers called in that wake
  /// after the last chunk was taken find nothing to do; their calls are withdrawn.
  package func split(chunks: Int, _ body: @escaping (_ chunks: Int, _ chunk: Int) -> Void) {
    let product: SharedProduct? = locked {
      let helpers = min(chunks - 1, parked - busy - pending.count)
      guard helpers > 0 else { return nil }
      let product = SharedProduct(chunks: chunks, body: body)
      for _ in 0..<helpers { pending.append(product) }
      splits += 1
      pthread_cond_broadcast(partPosted)
      return product
    }
    guard let product else { return body(1, 0) }
    pthread_mutex_lock(mutex)
    takeChunks(of: product)
    while product.finished < product.chunks { pthread_cond_wait(partDone, mutex) }
    pending.removeAll { $0 === product }
    pthread_mutex_unlock(mutex)
  }
}

extension CoreBudget {
  /// The budget installed on this thread by `lending`, if any.
  package static var current: CoreBudget? {
    guard let raw = pthread_getspecific(threadKey) else { return nil }
    return Unmanaged<CoreBudget>.fromOpaque(raw).takeUnretainedValue()
  }

  /// Runs `body` with this budget as the thread's `current`: the products `body` makes on
  /// this thread may be split across parked workers. Restores the previous one after.
  package func lending<T>(_ body: () throws -> T) rethrows -> T {
    let previous = pthread_getspecific(Self.threadKey)
    pthread_setspecific(Self.threadKey, Unmanaged.passUnretained(self).toOpaque())
    defer { pthread_setspecific(Self.threadKey, previous) }
    return try withExtendedLifetime(self) { try body() }
  }

  /// Runs `body` with `helpers` threads of its own parked in a new budget (a run that
  /// counts as training throughout), `body` lending to them: how the tests force splits
  /// without a scheduler.
  package static func withHelpers<T>(
    _ helpers: Int, minimumWork: Int = 0, _ body: (CoreBudget) throws -> T
  ) rethrows -> T {
    let budget = CoreBudget(minimumWork: minimumWork)
    budget.beginRun()
    var threads: [pthread_t] = []
    for _ in 0..<helpers {
      let box = Unmanaged.passRetained(budget).toOpaque()
      #if canImport(Darwin)
      var thread: pthread_t? = nil
      #else
      var thread = pthread_t()
      #endif
      let started = pthread_create(&thread, nil, { raw in
        let budget = Unmanaged<CoreBudget>.fromOpaque(raw!).takeRetainedValue()
        budget.park()
        return nil
      }, box)
      precondition(started == 0, "pthread_create failed: \(started)")
      #if canImport(Darwin)
      threads.append(thread!)
      #else
      threads.append(thread)
      #endif
    }
    defer {
      budget.endRun()
      for thread in threads { pthread_join(thread, nil) }
    }
    budget.waitUntilParked(helpers)
    return try budget.lending { try body(budget) }
  }

  /// Waits until `count` workers are parked and none is computing a part.
  private func waitUntilParked(_ count: Int) {
    pthread_mutex_lock(mutex)
    while parked < count || busy > 0 || !pending.isEmpty { pthread_cond_wait(partDone, mutex) }
    pthread_mutex_unlock(mutex)
  }

  private static let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    let made = pthread_key_create(&key, nil)
    precondition(made == 0, "pthread_key_create failed: \(made)")
    return key
  }()
}
