/// The top-level scalar fields of a sweep file. The property initialisers are the
/// documented defaults (docs/sweep-file.md).
struct SweepHeader: Decodable, Equatable {
  /// Names the results folder; nil = the sweep file's name without its extension.
  var name: String? = nil
  /// Free text shown in reports.
  var description: String = ""
  /// Base seed: replicate r runs with seed + r; also the data seed and the random-axis
  /// seed unless those are given.
  var seed: UInt64 = 1
  /// Runs per combination, with seeds seed, seed + 1, …  At least 1.
  var replicates: Int = 1

  init() {}

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, description, seed, replicates
  }

  init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = SweepHeader()
    name = try c.optional(.name, default: d.name)
    if let name, !Self.isFolderName(name) {
      throw c.fail(
        .name, "name '\(name)' cannot name a results folder",
        note: "use letters, digits, '.', '_' and '-', not starting with '.' (at most 100 characters)")
    }
    description = try c.value(.description, default: d.description, in: "")
    seed = try c.value(.seed, default: d.seed, in: "")
    replicates = try c.integer(.replicates, default: d.replicates, in: Limits.replicates, in: "")
  }

  /// Letters, digits, `.`, `_`, `-`; not empty, not starting with `.`, at most 100 long.
  static func isFolderName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first != ".", name.unicodeScalars.count <= 100 else {
      return false
    }
    return name.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII
        && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
    }
  }

  /// The default name: the file's base name without extension, made folder-safe.
  static func defaultName(forPath path: String) -> String {
    let base = path.split(separator: "/").last.map(String.init) ?? path
    let stem = base.contains(".") && !base.hasPrefix(".") ? String(base[..<base.lastIndex(of: ".")!]) : base
    var safe = String(
      String.UnicodeScalarView(
        stem.unicodeScalars.map { scalar in
          isFolderName(String(scalar)) || scalar == "." ? scalar : "_"
        }))
    while safe.hasPrefix(".") { safe.removeFirst() }
    if safe.isEmpty { safe = "sweep" }
    return String(safe.prefix(100))
  }
}

extension SweepLoader {
  /// Whether `name` may name a sweep and its results folder (`SweepHeader.isFolderName`).
  package static func isSweepName(_ name: String) -> Bool { SweepHeader.isFolderName(name) }
}
