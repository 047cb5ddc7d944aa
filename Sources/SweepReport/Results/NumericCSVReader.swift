import SweepResults
import Foundation
import TidyCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the all-numeric run logs (metrics.csv, layers.csv) column by column, fast.
///
/// A sweep's logs run to hundreds of megabytes and the report reads them all, so
/// this works on the bytes: split at commas and newlines, each field parsed by
/// strtod (which reads `nan`, `inf`, `-inf` as IEEE values), an empty field as
/// missing — the same values `CSVTable.numbers(_:)` gives. Files with a quoted
/// field are not plain numeric logs and go through `CSVTable` instead.
///
/// A last line with fewer fields than the header is what a killed writer leaves:
/// it is dropped and reported as a warning. A short line anywhere else is an error.
enum NumericCSVReader {
  struct Table {
    var header: [String]
    /// columns[i][row]: nil = empty field.
    var columns: [[Double?]]
    var rowCount: Int
    /// lines[row]: the row's 1-based line in the file (the header is line 1), for errors.
    var lines: [Int]

    func column(_ name: String) -> [Double?]? {
      header.firstIndex(of: name).map { columns[$0] }
    }
  }

  static func read(_ url: URL) throws -> (table: Table, warning: String?) {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ResultsError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    let quoted = data.withUnsafeBytes { raw in
      raw.count > 0 && memchr(raw.baseAddress!, Int32(UInt8(ascii: "\"")), raw.count) != nil
    }
    if quoted {
      let (table, warning) = try readTolerantCSV(url)
      let columns = try table.header.map { try table.numbers($0) }
      // Records of a quoted file are counted, not located: row r is taken to be line r + 2.
      let lines = Array(2 ..< 2 + table.rows.count)
      return (Table(header: table.header, columns: columns, rowCount: table.rows.count, lines: lines), warning)
    }
    return try data.withUnsafeBytes { raw -> (Table, String?) in
      let bytes = raw.bindMemory(to: UInt8.self)
      return try parse(bytes, path: url.path)
    }
  }

  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> (Table, String?) {
    let n = bytes.count
    let newline = UInt8(ascii: "\n")
    let comma = UInt8(ascii: ",")
    let cr = UInt8(ascii: "\r")
    // Header.
    var i = 0
    while i < n, bytes[i] != newline { i += 1 }
    let lineEnd = i
    var headerEnd = i
    if headerEnd > 0, bytes[headerEnd - 1] == cr { headerEnd -= 1 }
    let headerText = String(decoding: UnsafeBufferPointer(rebasing: bytes[0 ..< headerEnd]), as: UTF8.self)
    guard !headerText.isEmpty else { return (Table(header: [], columns: [], rowCount: 0, lines: []), nil) }
    let header = headerText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let width = header.count
    var columns = [[Double?]](repeating: [], count: width)
    var rowCount = 0
    var lines: [Int] = []
    var warning: String? = nil
    var line = 1
    var buffer = [CChar](repeating: 0, count: 64)
    var fields = [Double?](repeating: nil, count: width)
    var lineStart = lineEnd + 1
    while lineStart < n {
      line += 1
      var lineEnd = lineStart
      while lineEnd < n, bytes[lineEnd] != newline { lineEnd += 1 }
      let next = lineEnd + 1
      var contentEnd = lineEnd
      if contentEnd > lineStart, bytes[contentEnd - 1] == cr { contentEnd -= 1 }
      defer { lineStart = next }
      if contentEnd == lineStart { continue }  // blank line
      var count = 0
      var fieldStart = lineStart
      for k in lineStart ... contentEnd where k == contentEnd || bytes[k] == comma {
        if count < width { fields[count] = number(bytes, fieldStart, k, &buffer) }
        count += 1
        fieldStart = k + 1
      }
      if count != width {
        // Only the final line may be short: a writer killed mid-line.
        var rest = next
        while rest < n, bytes[rest] == newline || bytes[rest] == cr { rest += 1 }
        if count < width, rest >= n {
          warning = "\(path): the last line is incomplete and was ignored (was the run killed?)"
          break
        }
        throw ResultsError.damaged(
          path: path, line: line, problem: "the line has \(count) fields, the header has \(width)", fix: ResultsError.rerunFix)
      }
      for c in 0 ..< width { columns[c].append(fields[c]) }
      lines.append(line)
      rowCount += 1
    }
    return (Table(header: header, columns: columns, rowCount: rowCount, lines: lines), warning)
  }

  /// One field: nil when empty or not a number.
  @inline(__always)
  static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ buffer: inout [CChar]) -> Double? {
    let length = end - start
    guard length > 0 else { return nil }
    if length >= buffer.count - 1 {
      return CSVTable.number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< end]), as: UTF8.self))
    }
    return buffer.withUnsafeMutableBufferPointer { buf -> Double? in
      for k in 0 ..< length { buf[k] = CChar(bitPattern: bytes[start + k]) }
      buf[length] = 0
      var stop: UnsafeMutablePointer<CChar>? = nil
      let value = strtod(buf.baseAddress!, &stop)
      guard let stop, stop - buf.baseAddress! == length else { return nil }
      return value
    }
  }
}
