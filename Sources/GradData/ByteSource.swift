#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The sizes a data file may declare or reach, checked before memory is spent on them.
///
/// Reading never holds a whole file: files are read in `chunkSize` pieces, and what is
/// kept (features, labels) is bounded by `maxValues` values, so a refused file costs
/// at most a few chunks of memory, whatever its size or what its header claims.
enum DataLimits {
  /// Bytes read from a file (or produced by the inflater) at a time: 1 MiB.
  static let chunkSize = 1 << 20
  /// Values a data set may hold: 2²⁸ = 268,435,456 (1 GiB as Float32).
  static let maxValues = 1 << 28
  /// The longest CSV row: 16 MiB.
  static let maxCSVRowBytes = 16 << 20
  /// The most columns a CSV row may have: 2²⁰ = 1,048,576.
  static let maxCSVColumns = 1 << 20
  /// CSV text after decompression: 16 GiB (2²⁸ values of up to 64 characters).
  static let maxCSVTextBytes = 1 << 34
}

/// A stream of bytes read in bounded pieces: a file, an inflated file, memory.
protocol ByteSource: AnyObject {
  /// The next bytes, at most `count` of them and fewer only at the end of the data
  /// (or at a limit, where the next read throws); empty at the end.
  func read(_ count: Int) throws -> [UInt8]
}

/// The file at a path could not be opened or read; `message` says why, in words.
struct FileReadError: Error, Sendable, Equatable {
  var message: String
  /// True when the path is not a regular file (a FIFO, a device, a socket, a folder).
  var notRegular = false

  init(message: String, notRegular: Bool = false) {
    self.message = message
    self.notRegular = notRegular
  }

  init(code: Int32) {
    message = String(cString: strerror(code))
  }
}

/// What kind of file a `stat` mode describes, or nil for a regular file.
///
/// Edge cases: a FIFO or a character device (`/dev/zero`) would block or never end
/// if read, so anything but a regular file is refused before reading.
func irregularFileKind(mode: mode_t) -> String? {
  switch mode & 0o170000 {
  case 0o100000: nil
  case 0o040000: "a folder"
  case 0o010000: "a named pipe (FIFO)"
  case 0o020000: "a character device"
  case 0o060000: "a block device"
  case 0o140000: "a socket"
  default: "not a regular file"
  }
}

private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}

/// A regular file read with `read(2)`; opening anything else is a `FileReadError`.
final class FileSource: ByteSource {
  private let descriptor: Int32
  /// The file's size when it was opened.
  let size: Int

  /// Opens `path` without blocking (a FIFO with no writer would block `open`), then
  /// refuses anything `fstat` does not call a regular file.
  init(path: String) throws {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw FileReadError(code: errno) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let code = errno
      close(descriptor)
      throw FileReadError(code: code)
    }
    if let kind = irregularFileKind(mode: info.st_mode) {
      close(descriptor)
      throw FileReadError(message: "is \(kind), not a regular file", notRegular: true)
    }
    self.descriptor = descriptor
    size = Int(info.st_size)
  }

  deinit { close(descriptor) }

  /// The first `count` bytes of the file, without moving the read position.
  func peek(_ count: Int) throws -> [UInt8] {
    guard count > 0 else { return [] }
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      let n = pread(descriptor, buffer.baseAddress!, count, 0)
      guard n >= 0 else { throw FileReadError(code: errno) }
      initialized = n
    }
  }

  func read(_ count: Int) throws -> [UInt8] {
    guard count > 0 else { return [] }
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      var filled = 0
      while filled < count {
        let n = readDescriptor(descriptor, buffer.baseAddress! + filled, count - filled)
        if n > 0 {
          filled += n
        } else if n == 0 {
          break
        } else if errno != EINTR {
          initialized = filled
          throw FileReadError(code: errno)
        }
      }
      initialized = filled
    }
  }
}

/// Bytes already in memory, handed out in pieces.
final class MemorySource: ByteSource {
  private let bytes: [UInt8]
  private var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func read(_ count: Int) throws -> [UInt8] {
    let end = min(bytes.count, position + max(count, 0))
    defer { position = end }
    return Array(bytes[position..<end])
  }
}
