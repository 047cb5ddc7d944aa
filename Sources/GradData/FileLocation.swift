import Foundation

/// A file named in the `data:` section: the text as written, the field that named it,
/// and the absolute path it resolves to (relative to the sweep file's folder; a
/// leading `~/` is the home folder).
struct FileLocation: Sendable {
  let field: String
  let written: String
  let url: URL
  /// The folder relative paths are resolved from.
  let baseDirectory: URL

  init(field: String, written: String, baseDirectory: URL) {
    self.field = field
    self.written = written
    self.baseDirectory = baseDirectory.standardizedFileURL
    if written.hasPrefix("/") {
      url = URL(fileURLWithPath: written).standardizedFileURL
    } else if written == "~" || written.hasPrefix("~/") {
      let home = FileManager.default.homeDirectoryForCurrentUser
      url = home.appendingPathComponent(String(written.dropFirst(2))).standardizedFileURL
    } else {
      url = baseDirectory.appendingPathComponent(written).standardizedFileURL
    }
  }

  /// A problem about this file, naming its field and both paths.
  func problem(_ message: String, line: Int? = nil, suggestion: String? = nil) -> DataProblem {
    DataProblem(
      field: field, message: message, path: written, resolvedPath: url.path, line: line, suggestion: suggestion)
  }

  /// nil when the file exists and is a readable regular file; else what is wrong.
  func accessProblem() -> DataProblem? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      var hints: [String] = []
      let isRelative = !written.hasPrefix("/") && !written.hasPrefix("~")
      if isRelative { hints.append("relative paths are resolved from the sweep file's folder (\(baseDirectory.path))") }
      let name = url.lastPathComponent
      let sibling = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name + ".gz"
      if FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent(sibling).path) {
        let writtenSibling = written.hasSuffix(".gz") ? String(written.dropLast(3)) : written + ".gz"
        hints = ["did you mean '\(writtenSibling)'? It exists"]
      } else if ["data.images", "data.labels", "data.test_labels"].contains(field) || written.contains("-ubyte") {
        hints.append("scripts/fetch-mnist.sh DIR downloads MNIST's four files")
      }
      let suggestion = hints.isEmpty ? nil : hints.joined(separator: "; ")
      return problem("no such file '\(written)'", suggestion: suggestion)
    }
    if isDirectory.boolValue {
      return problem("'\(written)' is a folder, not a file", suggestion: "name the file inside it")
    }
    var info = stat()
    if stat(url.path, &info) == 0, let kind = irregularFileKind(mode: info.st_mode) {
      return problem("'\(written)' is \(kind), not a regular file", suggestion: Self.regularFilesOnly)
    }
    if !FileManager.default.isReadableFile(atPath: url.path) {
      return problem("'\(written)' is not readable", suggestion: "check its permissions")
    }
    return nil
  }

  static let regularFilesOnly = "data is read from regular files only (a pipe or a device may never end)"

  /// An opened data file: its bytes as a stream (inflated when the file is gzip) and
  /// its size on disk.
  struct Opened {
    var source: ByteSource
    /// The inflater when the file is gzip-compressed; lower its `limit` once the
    /// expected size is known.
    var inflater: InflatingSource?
    var fileSize: Int
  }

  /// Opens the file for reading in chunks, after `accessProblem`'s checks; gzip
  /// content (recognised by its magic bytes) is inflated on the fly, at most
  /// `inflatedLimit` bytes. Nothing is read yet but the two magic bytes.
  func open(inflatedLimit: Int) throws -> Opened {
    if let problem = accessProblem() { throw problem }
    do {
      let file = try FileSource(path: url.path)
      guard Gzip.isCompressed(try file.peek(2)) else { return Opened(source: file, fileSize: file.size) }
      let inflater = try InflatingSource(file, limit: inflatedLimit)
      return Opened(source: inflater, inflater: inflater, fileSize: file.size)
    } catch {
      throw readProblem(error)
    }
  }

  /// A failure to open, read or inflate this file as a `DataProblem`; other errors
  /// (format errors the caller words itself) are passed through.
  func readProblem(_ error: Error) -> Error {
    switch error {
    case let error as FileReadError where error.notRegular:
      problem("'\(written)' \(error.message)", suggestion: Self.regularFilesOnly)
    case let error as FileReadError:
      problem("cannot read '\(written)': \(error.message)")
    case let error as InflateError:
      problem(error.description, suggestion: error.exceededLimit == nil ? "download the file again" : nil)
    default:
      error
    }
  }
}
