import Foundation
import GradData

/// Run ids: `<axis parts>-s<seed>-<hash>`, e.g. `sigmoid-d8-xavier_normal-lr0.1-s2-3f9a1c2e`.
///
/// - The readable parts are the run's axis values in `axisPaths` order, numbers with a
///   short prefix (`d` depth, `w` width, `lr` learning rate, `bs` batch size, …), names
///   as they are; capped at 80 characters.
/// - The hash is FNV-1a 64 of the config fields that differ from the defaults (canonical
///   text, `path=value` lines), folded to 32 bits. Hashing only the non-default fields
///   keeps ids stable when a new field with a default is added to a section.
/// - Only `[A-Za-z0-9._+-]` appear, so ids are safe file names on every system, and an
///   id begins with a letter or digit (never an option or a spreadsheet formula).
///
/// The id depends on the resolved config and seed alone: never on the run's position,
/// the process, or Swift's per-process `Hasher` seed.
package enum RunID {
  /// FNV-1a, 64-bit: h ← (h ⊕ byte) · 1099511628211 from h = 14695981039346656037.
  package static func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 14_695_981_039_346_656_037
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 1_099_511_628_211
    }
    return hash
  }

  /// The 64-bit hash folded to 32 bits (high ⊕ low), as 8 lowercase hex digits.
  package static func shortHash(_ text: String) -> String {
    let hash = fnv1a64(text)
    let folded = UInt32(truncatingIfNeeded: hash >> 32) ^ UInt32(truncatingIfNeeded: hash)
    let hex = String(folded, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }

  static let maxReadableLength = 80

  /// Short prefixes of well-known numeric fields.
  static let prefixes: [String: String] = [
    "model.width": "w", "model.depth": "d", "model.widths": "w", "model.slope": "slope",
    "model.init_gain": "gain", "model.init_std": "std", "model.init_limit": "lim", "model.init_value": "c",
    "model.bias_std": "bstd", "model.weight_variance": "sw2_", "model.bias_variance": "sb2_", "model.bias_limit": "blim", "model.bias_value": "bc",
    "training.learning_rate": "lr", "training.batch_size": "bs", "training.momentum": "mom",
    "training.beta1": "b1", "training.beta2": "b2", "training.epsilon": "eps",
    "training.weight_decay": "wd", "training.clip_grad_norm": "clip", "training.epochs": "ep",
    "training.steps": "st", "log.every": "every", "data.samples": "n", "data.classes": "k",
    "data.noise": "noise", "data.validation": "val", "data.features": "f", "data.seed": "dseed",
  ]

  /// Name-valued fields whose values would be ambiguous without a prefix.
  static let namePrefixes: [String: String] = ["model.bias_initializer": "bias_"]

  /// The readable id part of one axis value.
  static func part(path: String, value: String) -> String {
    let key = path.split(separator: ".").last.map(String.init) ?? path
    let prefix = prefixes[path]
    let text: String
    if value == "null" {
      text = (prefix ?? key) + "none"
    } else if value == "true" {
      text = key
    } else if value == "false" {
      text = "no" + key
    } else if value.hasPrefix("[") {
      let items = value.dropFirst().dropLast().split(separator: ",").map {
        compactNumber($0.trimmingCharacters(in: .whitespaces))
      }
      text = (prefix ?? key) + items.joined(separator: "x")
    } else if value.hasPrefix("{") {
      // A mapping (`training.stall`): the key, then its values (`stall5_0.01`).
      let items = value.dropFirst().dropLast().split(separator: ",").map { item in
        compactNumber(item.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
      }
      text = (prefix ?? key) + items.joined(separator: "_")
    } else if Double(value) != nil || value.hasPrefix(".") || value.hasPrefix("-.") {
      text = (prefix ?? key) + compactNumber(value)
    } else {
      var name = value
      if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
      // File paths: the file name is what tells runs apart.
      if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
      text = (namePrefixes[path] ?? "") + name
    }
    return sanitize(text)
  }

  /// `1.0` → `1`, `1.0e-08` → `1e-08`; long draws rounded to 4 significant digits.
  static func compactNumber(_ text: String) -> String {
    var text = text
    if text.count > 8, let x = Double(text) { text = String(format: "%.4g", x) }
    if text.hasSuffix(".0") { text.removeLast(2) }
    text = text.replacingOccurrences(of: ".0e", with: "e")
    return text
  }

  static func sanitize(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { scalar in
          let ok =
            scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._+-".unicodeScalars.contains(scalar))
          return ok ? scalar : "_"
        }))
  }

  /// Joins the readable parts (at most `maxReadableLength` characters, cut at a part
  /// boundary when possible), the seed and the hash.
  static func make(parts: [String], seed: UInt64, hash: String) -> String {
    var readable = ""
    for part in parts where !part.isEmpty {
      let joined = readable.isEmpty ? part : readable + "-" + part
      if joined.count > maxReadableLength {
        if readable.isEmpty { readable = String(part.prefix(maxReadableLength)) }
        break
      }
      readable = joined
    }
    // An id begins with a letter or digit: never `-` (an option to every shell tool)
    // nor `=`, `+`, `@` (a formula in a spreadsheet reading summary.csv).
    readable = String(readable.unicodeScalars.drop { !(("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)) })
    return (readable.isEmpty ? "" : readable + "-") + "s\(seed)-" + hash
  }
}

/// Computes run hashes quickly for many runs: each section's non-default lines are
/// computed once per distinct section value.
struct RunHasher {
  private let defaults: [String: String]
  private var dataLines: [DataSpec: [String]] = [:]
  private var modelLines: [ModelConfig: [String]] = [:]
  private var trainingLines: [TrainingConfig: [String]] = [:]
  private var logLines: [LogConfig: [String]] = [:]

  init() {
    var defaults = [String: String]()
    for (path, value) in RunConfig().canonicalFields() { defaults[path] = value }
    self.defaults = defaults
  }

  private static func lines<T: Encodable>(_ value: T, section: String, defaults: [String: String]) -> [String] {
    CanonicalYAML.value(of: value).flattened(prefix: section).compactMap { path, text in
      defaults[path] == text ? nil : path + "=" + text
    }
  }

  /// `cache[key]`, computed by `make` and stored the first time a key is seen.
  private static func cached<Key: Hashable>(
    _ key: Key, in cache: inout [Key: [String]], _ make: (Key) -> [String]
  ) -> [String] {
    if let known = cache[key] { return known }
    let computed = make(key)
    cache[key] = computed
    return computed
  }

  /// `RunID.shortHash` of the config's non-default `path=value` lines.
  mutating func hash(of config: RunConfig) -> String {
    let defaults = self.defaults
    var all = [String]()
    if defaults["seed"] != String(config.seed) { all.append("seed=\(config.seed)") }
    all += Self.cached(config.data, in: &dataLines) { Self.lines($0, section: "data", defaults: defaults) }
    all += Self.cached(config.model, in: &modelLines) { Self.lines($0, section: "model", defaults: defaults) }
    all += Self.cached(config.training, in: &trainingLines) { Self.lines($0, section: "training", defaults: defaults) }
    all += Self.cached(config.log, in: &logLines) { Self.lines($0, section: "log", defaults: defaults) }
    return RunID.shortHash(all.joined(separator: "\n"))
  }
}

extension RunConfig {
  /// `RunID.shortHash` of this config's non-default fields: the hash part of its run id.
  package var idHash: String {
    var hasher = RunHasher()
    return hasher.hash(of: self)
  }
}
