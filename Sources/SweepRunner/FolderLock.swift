import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a results folder (`flock` on `.gradsweep.lock`), so
/// two `gradsweep run`s never write one folder. The kernel releases it when the
/// process dies, so a crashed run never leaves a stale lock behind.
///
/// Shards of one sweep (`--shard I/N`) share the folder: each holds the folder lock
/// shared plus its own shard lock exclusively, so shards run side by side while a
/// whole-sweep run, or a second copy of the same shard, is refused.
final class FolderLock {
  enum Mode { case exclusive, shared }
  private let descriptor: Int32

  init(_ url: URL, mode: Mode = .exclusive) throws {
    let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw SchedulerError.cannotWrite(path: url.deletingLastPathComponent().path, reason: String(cString: strerror(errno)))
    }
    guard flock(fd, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
      var holder = ""
      if let text = try? String(contentsOf: url, encoding: .utf8), !text.isEmpty { holder = " (pid \(text.trimmingCharacters(in: .whitespacesAndNewlines)))" }
      close(fd)
      throw SchedulerError.locked(path: url.deletingLastPathComponent().path, holder: holder)
    }
    if mode == .exclusive {
      _ = ftruncate(fd, 0)
      let pid = "\(getpid())\n"
      _ = pid.withCString { write(fd, $0, strlen($0)) }
    }
    descriptor = fd
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
