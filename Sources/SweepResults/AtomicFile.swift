import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader never sees a half-written one: the content goes to
/// a temporary file in the same folder, which is then renamed over the target
/// (rename(2) is atomic within one file system).
///
/// The temporary file is created exclusively and never through a symbolic link
/// (`O_CREAT | O_EXCL | O_NOFOLLOW`), so a planted link or file cannot redirect the
/// write; a failed write removes it, and `sweepStaleTemporaries` removes those a
/// killed process left behind.
package enum AtomicFile {
  /// A temporary path beside `url`, unique to this process and call:
  /// `.NAME.tmp-PID-RANDOM`.
  package static func temporaryURL(for url: URL) -> URL {
    let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    return url.deletingLastPathComponent().appendingPathComponent(name)
  }

  package static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  package static func write(_ data: Data, to url: URL) throws {
    let temp = temporaryURL(for: url)
    do {
      try writeNew(data, to: temp)
    } catch {
      unlink(temp.path)
      throw ResultsError.cannotWrite(path: url.path, reason: "\(error)")
    }
    try commit(temp, to: url)
  }

  /// Creates `url` (which must not exist, and is never a link) with `data`.
  static func writeNew(_ data: Data, to url: URL) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw POSIXFailure(errno) }
    defer { close(fd) }
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count {
        let written = posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw POSIXFailure(errno)
        }
        offset += written
      }
    }
  }

  /// Renames a finished temporary file over its target.
  package static func commit(_ temp: URL, to url: URL) throws {
    if rename(temp.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temp.path)
      throw ResultsError.cannotWrite(path: url.path, reason: reason)
    }
  }

  /// Removes temporary files (`.NAME.tmp-PID-RANDOM`) in `folder` that a killed
  /// process left behind; returns the names removed. Only names of exactly that shape,
  /// only regular files and links (unlinked, never followed), only when no process of
  /// that pid is alive here AND the file is older than `minimumAge` (10 minutes): shards
  /// on other machines share the folder, and their pids mean nothing on this one, but
  /// no atomic write of gradsweep's lasts minutes.
  @discardableResult
  package static func sweepStaleTemporaries(in folder: URL, minimumAge: TimeInterval = 600) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
    var removed: [String] = []
    for name in names {
      guard let pid = writerPID(ofTemporary: name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else {
        continue
      }
      var info = stat()
      let path = folder.appendingPathComponent(name).path
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { continue }
      guard Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) >= minimumAge else { continue }
      if unlink(path) == 0 { removed.append(name) }
    }
    return removed.sorted()
  }

  /// The pid in a temporary file's name `.NAME.tmp-PID-RANDOM`, nil for other names.
  static func writerPID(ofTemporary name: String) -> pid_t? {
    guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
      marker.lowerBound > name.index(after: name.startIndex)
    else { return nil }
    let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let pid = pid_t(parts[0]), pid > 0, UInt32(parts[1]) != nil
    else { return nil }
    return pid
  }
}

/// write(2), named apart from `AtomicFile.write`.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, bytes, count)
}

/// A failed system call, described by `strerror`.
struct POSIXFailure: Error, CustomStringConvertible {
  let code: Int32
  init(_ code: Int32) { self.code = code }
  var description: String { String(cString: strerror(code)) }
}
