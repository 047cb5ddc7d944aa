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
    if !FileManager.default.isReadableFile(atPath: url.path) {
      return problem("'\(written)' is not readable", suggestion: "check its permissions")
    }
    return nil
  }

  /// The file's bytes; a missing or unreadable file is a `DataProblem`.
  func read() throws -> [UInt8] {
    if let problem = accessProblem() { throw problem }
    do {
      return [UInt8](try Data(contentsOf: url))
    } catch {
      throw problem("cannot read '\(written)': \(error.localizedDescription)")
    }
  }
}
