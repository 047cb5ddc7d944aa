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
///
/// The lock file is opened without following a symbolic link (`O_NOFOLLOW`) and must
/// be a regular file with one link, so whoever can write the results folder cannot
/// make the next run truncate another file through it; it is truncated and given the
/// pid only once the lock is held.
final class FolderLock {
  enum Mode { case exclusive, shared }
  private let descriptor: Int32

  init(_ url: URL, mode: Mode = .exclusive) throws {
    let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
    guard fd >= 0 else {
      let reason = errno == ELOOP ? "\(url.lastPathComponent) is a symbolic link; remove it" : String(cString: strerror(errno))
      throw SchedulerError.cannotWrite(path: url.deletingLastPathComponent().path, reason: reason)
    }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1 else {
      close(fd)
      throw SchedulerError.cannotWrite(
        path: url.deletingLastPathComponent().path,
        reason: "\(url.lastPathComponent) is not a plain file of gradsweep's (a link, device or folder); remove it")
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
