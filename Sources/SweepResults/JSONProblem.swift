import Foundation

/// Says in one line what is wrong with a JSON file gradsweep cannot decode, instead of
/// the decoder's dump: where the text stops being JSON, or which key is missing or of
/// the wrong type.
///
/// `JSONDecoder` reports a syntax error only as "not valid JSON"; the position comes
/// from `JSONSerialization`'s "around character N" (a byte offset, 0-based), turned
/// into a 1-based line and column here.
///
/// Edge cases: an empty file is "empty"; a file cut short is "ends early at byte N";
/// a decoding error of another kind falls back to its description, escaped.
enum JSONProblem {
  static func describe(_ error: any Error, data: Data) -> String {
    guard let decoding = error as? DecodingError else { return UserText.escaped("\(error)") }
    switch decoding {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      return syntax(data)
    case .dataCorrupted(let context):
      return "\(path(context.codingPath)) has a value that cannot be read (\(UserText.escaped(context.debugDescription)))"
    case .keyNotFound(let key, let context):
      let inside = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
      return "the key '\(UserText.escaped(key.stringValue))' is missing\(inside)"
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)) is not \(name(type)) (\(UserText.escaped(context.debugDescription)))"
    case .valueNotFound(let type, let context):
      return "\(path(context.codingPath)) is null, expected \(name(type))"
    @unknown default:
      return UserText.escaped("\(error)")
    }
  }

  /// Where the text stops being JSON.
  static func syntax(_ data: Data) -> String {
    if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
    var detail = ""
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
      detail = ((error as NSError).userInfo["NSDebugDescription"] as? String) ?? ""
    }
    if detail.localizedCaseInsensitiveContains("end of file") {
      return "not valid JSON: it ends early at byte \(data.count) (unexpected end of file; was it cut short?)"
    }
    if let range = detail.range(of: "character "),
      let offset = Int(detail[range.upperBound...].prefix(while: \.isNumber)), offset <= data.count
    {
      let before = data.prefix(offset)
      let line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
      let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
      return "not valid JSON at byte \(offset + 1) (line \(line), column \(column))"
    }
    return "not valid JSON"
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    var text = ""
    for key in keys {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += (text.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return text.isEmpty ? "the file" : "'\(UserText.escaped(text))'"
  }

  private static func name(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Double.Type: "a number"
    case is Bool.Type: "true or false"
    default:
      String(describing: type).hasPrefix("Array") ? "a list"
        : String(describing: type).hasPrefix("Dictionary") ? "an object" : "of the expected type"
    }
  }
}
