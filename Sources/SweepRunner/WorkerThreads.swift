import Foundation

/// Runs `worker(i)` for i in 0..<count at once: i = 0 on the calling thread, each other
/// on a thread of its own (8 MiB of stack, as the main thread has), and returns when all
/// have returned.
///
/// Why not `DispatchQueue.concurrentPerform`: it runs its iterations on the Dispatch
/// pool, at most one per core and only while pool threads are free. The sweep's workers
/// must all exist at once: a worker with no run left parks (`CoreBudget.park`) and
/// computes parts of the runs still training, which it cannot do if it never starts; and
/// a parked worker blocks, which a Dispatch pool thread should not. `--jobs N` therefore
/// means N threads, also beyond the core count.
///
/// Edge cases: count ≤ 1 runs `worker(0)` here only.
func runWorkerThreads(_ count: Int, _ worker: @escaping @Sendable (Int) -> Void) {
  let group = DispatchGroup()
  for index in 1..<max(1, count) {
    group.enter()
    let thread = Thread {
      worker(index)
      group.leave()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }
  worker(0)
  group.wait()
}
