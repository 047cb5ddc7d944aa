/// gzip file decoding (RFC 1952): header, DEFLATE body (`Inflate`), CRC-32 and size
/// check; concatenated members are decoded one after another, as `gzip -dc` does.
public enum Gzip {
  /// True when `bytes` starts with the gzip magic number 1f 8b.
  public static func isCompressed(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// The uncompressed contents of a gzip file. Throws `InflateError` for anything
  /// malformed: a bad header, corrupt DEFLATE data, a CRC or length mismatch, truncation.
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    var output: [UInt8] = []
    var position = 0
    repeat {
      position = try decodeMember(bytes, at: position, into: &output)
      // Some tools pad a gzip file with zero bytes after the last member.
      while position < bytes.count && bytes[position] == 0 { position += 1 }
    } while position < bytes.count
    return output
  }

  /// Decodes the member at `start`, appends its data to `output` and returns the
  /// position after its trailer.
  private static func decodeMember(_ bytes: [UInt8], at start: Int, into output: inout [UInt8]) throws -> Int {
    func need(_ n: Int, _ at: Int) throws {
      if at + n > bytes.count { throw InflateError(message: "gzip header or trailer cut short") }
    }
    try need(10, start)
    guard bytes[start] == 0x1F, bytes[start + 1] == 0x8B else {
      throw InflateError(message: "not a gzip file (magic bytes are not 1f 8b)")
    }
    guard bytes[start + 2] == 8 else { throw InflateError(message: "unknown gzip compression method \(bytes[start + 2])") }
    let flags = bytes[start + 3]
    guard flags & 0xE0 == 0 else { throw InflateError(message: "reserved gzip flags set") }
    var position = start + 10
    if flags & 0x04 != 0 {  // FEXTRA
      try need(2, position)
      let extra = Int(bytes[position]) | Int(bytes[position + 1]) << 8
      position += 2 + extra
    }
    for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
      while true {
        try need(1, position)
        position += 1
        if bytes[position - 1] == 0 { break }
      }
    }
    if flags & 0x02 != 0 { position += 2 }  // FHCRC
    try need(0, position)
    let (data, end) = try Inflate.inflate(bytes, from: position)
    try need(8, end)
    let storedCRC = UInt32(littleEndianBytes: bytes[end..<(end + 4)])
    let storedSize = UInt32(littleEndianBytes: bytes[(end + 4)..<(end + 8)])
    guard CRC32.checksum(data) == storedCRC else { throw InflateError(message: "CRC-32 mismatch") }
    guard UInt32(truncatingIfNeeded: data.count) == storedSize else {
      throw InflateError(message: "uncompressed size does not match the gzip trailer")
    }
    output.append(contentsOf: data)
    return end + 8
  }
}

extension UInt32 {
  init(littleEndianBytes bytes: ArraySlice<UInt8>) {
    var value: UInt32 = 0
    for (i, byte) in bytes.enumerated() { value |= UInt32(byte) << UInt32(8 * i) }
    self = value
  }
}

/// CRC-32 of ISO 3309 / ITU-T V.42 as gzip uses it (reflected polynomial 0xEDB88320),
/// one table lookup per byte.
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}
