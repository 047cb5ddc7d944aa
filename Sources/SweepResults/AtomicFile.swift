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
