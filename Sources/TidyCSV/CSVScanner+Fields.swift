#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a scanned field as text or as a number.
extension CSVScanner {
  private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

  /// The field's bytes without surrounding spaces and tabs.
  package func trimmed(_ field: Field) -> Range<Int> {
    var a = field.start, b = field.end
    while a < b, bytes[a] == Self.space || bytes[a] == Self.tab { a += 1 }
    while b > a, bytes[b - 1] == Self.space || bytes[b - 1] == Self.tab { b -= 1 }
    return a..<b
  }

  /// The field as text (spaces kept unless `trimming`; a doubled quote becomes one;
  /// invalid UTF-8 repaired with U+FFFD).
  package func text(_ field: Field, trimming: Bool = false) -> String {
    let range = trimming ? trimmed(field) : field.start..<field.end
    let text = String(decoding: bytes[range], as: UTF8.self)
    return field.escapedQuotes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
  }

  /// The field as a number, nil when it is empty or not a number; surrounding blanks
  /// are ignored. The values are `Double(String)`'s (so `nan`, `inf`, `-inf`,
  /// `infinity` in any case, exponents), computed without building a string:
  ///
  /// - plain decimals of up to 15 digits (`-12.5`, `255`) are exact by Clinger's fast
  ///   path: the digits form an integer m < 2⁵³ and m / 10ᵏ (k ≤ 15, 10ᵏ exact) is one
  ///   correctly rounded IEEE division (W. D. Clinger, "How to read floating point
  ///   numbers accurately", PLDI 1990);
  /// - anything else (the 17-digit shortest round trips a log holds, exponents, `nan`)
  ///   goes through the C library's `strtod`, which the standard library's
  ///   `Double(String)` calls too, from a stack copy of the field.
  ///
  /// Edge cases: a field of only a sign or a point, or with anything after the number
  /// (`12a`, `1.2.3`), is nil; `-0` is -0.0.
  package func number(_ field: Field) -> Double? {
    let range = trimmed(field)
    guard !range.isEmpty else { return nil }
    var i = range.lowerBound
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0, digits = 0, fraction = 0, sawPoint = false, simple = i < range.upperBound
    while i < range.upperBound {
      let b = bytes[i]
      if b >= 0x30 && b <= 0x39 {
        mantissa = mantissa &* 10 &+ UInt64(b - 0x30)
        digits += 1
        if sawPoint { fraction += 1 }
      } else if b == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else {
        simple = false
        break
      }
      i += 1
    }
    if simple && digits > 0 && digits <= 15 {
      let value = Double(mantissa) / Self.powersOfTen[fraction]
      return negative ? -value : value
    }
    return Self.strtodNumber(bytes[range])
  }

  /// `strtod` of the whole of `text`, nil unless it reads every byte. Fields longer
  /// than 255 bytes (never a number gradsweep writes) go through `Double(String)`.
  private static func strtodNumber(_ text: ArraySlice<UInt8>) -> Double? {
    let length = text.count
    guard length < 256 else { return Double(String(decoding: text, as: UTF8.self)) }
    // strtod skips leading blanks; the field is trimmed, so a leading byte that is
    // still a blank (a newline or form feed) must not be skipped.
    if let first = text.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "+"), first != UInt8(ascii: "."),
      !(first >= 0x30 && first <= 0x39), !(first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
    {
      return nil
    }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer -> Double? in
      let base = buffer.baseAddress!
      text.withUnsafeBufferPointer { source in
        source.withMemoryRebound(to: CChar.self) { chars in
          base.update(from: chars.baseAddress!, count: length)
        }
      }
      base[length] = 0
      var stop: UnsafeMutablePointer<CChar>? = nil
      let value = strtod(base, &stop)
      guard let stop, stop - base == length else { return nil }
      return value
    }
  }

  private static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }
}

/// A CSV text that breaks the rule `CSVScanner` reads by, located by line and column
/// (1-based; the column counts characters and is nil where no one place is at fault).
package struct CSVSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  package enum Kind: Sendable, Equatable {
    /// A quoted field is never closed (the location is its opening quote).
    case unterminatedQuote
    /// Something other than blanks, a comma or a line end follows a closing quote.
    case textAfterClosingQuote
    /// A record is longer than this many bytes.
    case recordTooLong(Int)
    /// A record has more than this many fields.
    case tooManyFields(Int)
    /// The data holds a zero byte: a binary file, not CSV text.
    case binaryData
  }

  package var kind: Kind
  package var line: Int
  package var column: Int?

  package init(_ kind: Kind, line: Int, column: Int?) {
    self.kind = kind
    self.line = line
    self.column = column
  }

  /// What is wrong, without the location.
  package var description: String {
    switch kind {
    case .unterminatedQuote: "a quoted field opened here is never closed"
    case .textAfterClosingQuote: "text after a closing quote (a quoted field ends at its closing quote; double a quote inside it)"
    case .recordTooLong(let bytes): "the row is longer than \(Self.size(bytes))"
    case .tooManyFields(let count): "the row has more than \(count) fields"
    case .binaryData: "looks like a binary file, not CSV text"
    }
  }

  /// `line:column` or `line`.
  package var location: String { "\(line)" + (column.map { ":\($0)" } ?? "") }

  private static func size(_ bytes: Int) -> String {
    bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
