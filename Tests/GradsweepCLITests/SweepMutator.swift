import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so every mutant of
/// the fuzz test can be regenerated from its index.
///
///     z ← (s += 0x9E3779B97F4A7C15); z ← (z ⊕ z≫30)·0xBF58476D1CE4E5B9;
///     z ← (z ⊕ z≫27)·0x94D049BB133111EB; return z ⊕ z≫31
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in 0..<n (n ≥ 1); the modulo bias is irrelevant here.
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Mutates sweep files the ways real files go wrong: lines deleted, duplicated or
/// swapped, values swapped or replaced by the wrong type, huge or special numbers,
/// unicode, binary bytes, truncation, broken indentation, stray characters. Works on
/// bytes so that invalid UTF-8 is produced too.
enum SweepMutator {
  enum Kind: String, CaseIterable {
    case deleteLine, duplicateLine, swapLines, swapValues, wrongType, hugeNumber, unicode, binary, truncate
    case reindent, deleteCharacter, insertCharacter
  }

  static let wrongTypes = [
    "[1, 2]", "{a: 1}", "abc", "true", "null", "~", "''", "[]", "{}", "[[]]", "!!binary AAAA", "&anchor 1", "*alias",
    "\"unterminated", "'x", "- item", "? complex", "{a: [1, {b: 2}]}", "!custom 3", "2001-12-14", "=", "@x", "`x",
    "|", ">-", "%YAML 1.2",
  ]
  static let numbers = [
    "1e308", "1e309", "-1e308", "99999999999999999999999", "-1", "0", "1e-320", ".nan", ".inf", "-.inf", "0x7fffffffffffffff",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1_000_000", "4294967296", "2147483648",
    "1.5", "-0.0", "0o17", "+12", "1e6", "100000", "65536", "3.4028235e38", "5e-324", "0.99999999999999999",
    "1000000000000000000", "18446744073709551615", "1e18",
  ]
  static let unicode = [
    "é", "日本語", "🤖", "\u{202E}", "\u{200B}", "\u{00A0}", "\u{FEFF}", "e\u{301}", "\u{1F1FA}\u{1F1F8}", "𝓈𝒾𝑔𝓂𝑜𝒾𝒹",
    "\u{2028}", "\u{85}", "ＳＩＧＭＯＩＤ", "ı", "ß", "\u{0}", "\u{7}", "\t", "\r", "\r\n",
  ]
  static let characters = Array(":-[]{},#&*!|>'\"%@` \t\n?=~\\".utf8)

  /// `mutations` random mutations of `source`, and what they were.
  static func mutate(_ source: [UInt8], mutations: Int, rng: inout SplitMix64) -> (bytes: [UInt8], kinds: [Kind]) {
    var bytes = source
    var kinds: [Kind] = []
    for _ in 0..<mutations {
      let kind = rng.pick(Kind.allCases)
      kinds.append(kind)
      bytes = apply(kind, to: bytes, rng: &rng)
    }
    return (bytes, kinds)
  }

  static func apply(_ kind: Kind, to bytes: [UInt8], rng: inout SplitMix64) -> [UInt8] {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    func joined() -> [UInt8] { Array(lines.joined(separator: [UInt8(ascii: "\n")])) }
    switch kind {
    case .deleteLine:
      guard !lines.isEmpty else { return bytes }
      lines.remove(at: rng.below(lines.count))
      return joined()
    case .duplicateLine:
      guard !lines.isEmpty else { return bytes }
      let i = rng.below(lines.count)
      lines.insert(lines[i], at: rng.below(lines.count + 1))
      return joined()
    case .swapLines:
      guard lines.count > 1 else { return bytes }
      lines.swapAt(rng.below(lines.count), rng.below(lines.count))
      return joined()
    case .swapValues:
      let values = valueRanges(bytes)
      guard values.count > 1 else { return bytes }
      var a = values[rng.below(values.count)], b = values[rng.below(values.count)]
      if a.lowerBound > b.lowerBound { swap(&a, &b) }
      guard a.upperBound <= b.lowerBound else { return bytes }
      return Array(bytes[..<a.lowerBound] + bytes[b] + bytes[a.upperBound..<b.lowerBound] + bytes[a] + bytes[b.upperBound...])
    case .wrongType:
      return replaceValue(bytes, with: rng.pick(wrongTypes), rng: &rng)
    case .hugeNumber:
      return replaceValue(bytes, with: rng.pick(numbers), rng: &rng)
    case .unicode:
      let at = rng.below(bytes.count + 1)
      return Array(bytes[..<at] + Array(rng.pick(unicode).utf8) + bytes[at...])
    case .binary:
      let at = rng.below(bytes.count + 1)
      let noise = (0..<(1 + rng.below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      return Array(bytes[..<at] + noise + bytes[at...])
    case .truncate:
      return Array(bytes.prefix(rng.below(bytes.count + 1)))
    case .reindent:
      guard !lines.isEmpty else { return bytes }
      let i = rng.below(lines.count)
      if rng.below(2) == 0 {
        lines[i] = Array(repeating: UInt8(ascii: " "), count: 1 + rng.below(4)) + lines[i]
      } else {
        lines[i] = Array(lines[i].drop { $0 == UInt8(ascii: " ") })
      }
      return joined()
    case .deleteCharacter:
      guard !bytes.isEmpty else { return bytes }
      var copy = bytes
      copy.remove(at: rng.below(copy.count))
      return copy
    case .insertCharacter:
      var copy = bytes
      copy.insert(rng.pick(characters), at: rng.below(copy.count + 1))
      return copy
    }
  }

  /// Byte ranges of the scalar values after `: ` (block or flow style), up to `,`, `}`,
  /// `]`, `#` or the end of the line.
  static func valueRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var i = 0
    while i + 1 < bytes.count {
      if bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: " ") {
        let start = i + 2
        var end = start
        while end < bytes.count, !",}]#\n".utf8.contains(bytes[end]) { end += 1 }
        if end > start { ranges.append(start..<end) }
        i = end
      } else {
        i += 1
      }
    }
    return ranges
  }

  static func replaceValue(_ bytes: [UInt8], with value: String, rng: inout SplitMix64) -> [UInt8] {
    let values = valueRanges(bytes)
    guard !values.isEmpty else { return bytes }
    let r = values[rng.below(values.count)]
    return Array(bytes[..<r.lowerBound] + Array(value.utf8) + bytes[r.upperBound...])
  }
}
