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
public enum AtomicFile {
  /// A temporary path beside `url`, unique to this process and call.
  public static func temporaryURL(for url: URL) -> URL {
    let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    return url.deletingLastPathComponent().appendingPathComponent(name)
  }

  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  public static func write(_ data: Data, to url: URL) throws {
    let temp = temporaryURL(for: url)
    do {
      try data.write(to: temp)
    } catch {
      throw ResultsError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
    try commit(temp, to: url)
  }

  /// Renames a finished temporary file over its target.
  public static func commit(_ temp: URL, to url: URL) throws {
    if rename(temp.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temp)
      throw ResultsError.cannotWrite(path: url.path, reason: reason)
    }
  }
}

extension AtomicFile {
  /// Removes the temporary files a killed or failed `write` left in `folder`, and
  /// returns their names (sorted).
  ///
  /// A name is removed only when all of these hold:
  /// - it is exactly `.<name>.tmp-<pid>-<n>` as `temporaryURL(for:)` makes it: a dot,
  ///   a non-empty name, `.tmp-`, a decimal pid, `-`, decimal digits, nothing else;
  /// - it is a regular file, seen with `lstat` (a symlink, folder or FIFO so named is
  ///   kept; nothing is followed: the entry itself is unlinked);
  /// - its writer is not alive on this machine: `kill(pid, 0)` fails with `ESRCH`
  ///   (this process's own pid counts as alive);
  /// - it was last modified at least `minimumAge` seconds ago, because Slurm shards
  ///   on other machines may share the folder and their pids mean nothing here.
  ///
  /// Edge cases: an unreadable or missing folder sweeps nothing; a file that vanishes
  /// or cannot be removed meanwhile is skipped (sweeping is a courtesy, never an error).
  @discardableResult
  public static func sweepStaleTemporaries(in folder: URL, minimumAge: TimeInterval = 300, now: Date = Date())
    -> [String]
  {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
    var removed: [String] = []
    for name in names.sorted() {
      guard let pid = writerPID(ofTemporaryName: name), pid != getpid() else { continue }
      guard kill(pid, 0) != 0, errno == ESRCH else { continue }
      let path = folder.appendingPathComponent(name).path
      var info = stat()
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
      #if canImport(Darwin)
      let modified = Double(info.st_mtimespec.tv_sec)
      #else
      let modified = Double(info.st_mtim.tv_sec)
      #endif
      guard now.timeIntervalSince1970 - modified >= minimumAge else { continue }
      if unlink(path) == 0 { removed.append(name) }
    }
    return removed
  }

  /// The pid in a name of the form `.<name>.tmp-<pid>-<digits>`, or nil when the name
  /// is not exactly of that form (or the pid is 0 or beyond `pid_t`).
  static func writerPID(ofTemporaryName name: String) -> pid_t? {
    let bytes = Array(name.utf8)
    guard bytes.first == UInt8(ascii: "."), let marker = lastRange(of: Array(".tmp-".utf8), in: bytes),
      marker.lowerBound > 1
    else { return nil }
    let tail = bytes[marker.upperBound...]
    let parts = tail.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 10 && $0.allSatisfy { (48...57).contains($0) } })
    else { return nil }
    guard let pid = Int32(String(decoding: parts[0], as: UTF8.self)), pid > 0 else { return nil }
    return pid
  }

  private static func lastRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
    guard bytes.count >= needle.count else { return nil }
    for start in stride(from: bytes.count - needle.count, through: 0, by: -1)
    where bytes[start ..< start + needle.count].elementsEqual(needle) {
      return start ..< start + needle.count
    }
    return nil
  }
}
