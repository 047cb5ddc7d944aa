import Foundation

/// Something wrong with a `data:` section or the files it names: the field at fault
/// (`data.path`, `data.images`, …) so the caller can point at its line in the sweep
/// file, what is wrong, the file and line involved, and how to fix it.
///
/// Thrown by `DataLoader.load` and returned (all at once) by `DataLoader.validate`.
package struct DataProblem: Error, CustomStringConvertible, Sendable, Equatable {
  /// The dotted path of the field at fault, e.g. `data.labels`.
  package var field: String
  /// What is wrong, in one sentence.
  package var message: String
  /// The path as the user wrote it, when a file is involved.
  package var path: String?
  /// The absolute path that was tried.
  package var resolvedPath: String?
  /// 1-based line (CSV) or record (IDX) in the file, when the problem is at one place.
  package var line: Int?
  /// How to fix it.
  package var suggestion: String?

  package init(
    field: String, message: String, path: String? = nil, resolvedPath: String? = nil,
    line: Int? = nil, suggestion: String? = nil
  ) {
    self.field = field
    self.message = message
    self.path = path
    self.resolvedPath = resolvedPath
    self.line = line
    self.suggestion = suggestion
  }

  /// `data.path: no such file 'x.csv' (looked for /abs/x.csv); relative paths …`
  package var description: String {
    var text = "\(field): \(message)"
    if let resolvedPath, resolvedPath != path { text += " (looked for \(resolvedPath))" }
    if let suggestion { text += "; \(suggestion)" }
    return text
  }
}

/// A file-format failure deep inside a reader, turned into a `DataProblem` by the
/// loader once it knows which field named the file.
struct FormatError: Error, Sendable, Equatable {
  var message: String
  var line: Int? = nil
}
