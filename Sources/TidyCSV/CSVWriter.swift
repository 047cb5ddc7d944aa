import Foundation

/// Streams a CSV file row by row with bounded memory: rows are buffered up to
/// `flushThreshold` bytes and then written, so a long training never holds its log
/// in memory and a reader sees the file grow.
///
/// Not thread-safe: each run owns its writers.
package final class CSVWriter {
  package let url: URL
  package let header: [String]
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private let flushThreshold: Int
  private var closed = false

  /// Creates the file, which must not exist yet (`O_EXCL`, never through a symbolic
  /// link: `O_NOFOLLOW`), and writes the header row. Writers always write new files
  /// (a run's fresh folder, a temporary file renamed into place).
  package init(url: URL, header: [String], flushThreshold: Int = 1 << 16) throws {
    self.url = url
    self.header = header
    self.flushThreshold = flushThreshold
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CSVError.cannotCreate(path: url.path) }
    handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    try write(header.map(CSVCell.text))
  }

  /// Appends one row; it must have as many cells as the header.
  package func write(_ cells: [CSVCell]) throws {
    precondition(cells.count == header.count, "CSV row width \(cells.count) != header width \(header.count)")
    var line = ""
    for (i, cell) in cells.enumerated() {
      if i > 0 { line += "," }
      line += cell.field
    }
    line += "\n"
    buffer.append(contentsOf: line.utf8)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Writes buffered rows to the file.
  package func flush() throws {
    guard !buffer.isEmpty else { return }
    try handle.write(contentsOf: buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes; further writes are a programming error.
  package func close() throws {
    guard !closed else { return }
    closed = true
    try flush()
    try handle.close()
  }

  deinit {
    if !closed { try? close() }
  }
}
