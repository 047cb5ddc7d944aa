import CZlib

/// gzip decoding (RFC 1952) by the system zlib, as a stream with a hard cap on what it
/// produces; concatenated members are decoded one after another and zero padding after
/// the last is skipped, as `gzip -dc` does.
package enum Gzip {
  /// True when `bytes` starts with the gzip magic number 1f 8b.
  package static func isCompressed(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// The uncompressed contents of a gzip file held in memory, at most `limit` bytes.
  /// Throws `InflateError` for anything malformed (a bad header, corrupt data, a CRC or
  /// length mismatch, truncation) and when the contents exceed `limit`.
  package static func decompress(_ bytes: [UInt8], limit: Int = 1 << 32) throws -> [UInt8] {
    guard isCompressed(bytes) else { throw InflateError(message: "not a gzip file (magic bytes are not 1f 8b)") }
    let source = try InflatingSource(MemorySource(bytes), limit: limit)
    var output: [UInt8] = []
    while case let piece = try source.read(DataLimits.chunkSize), !piece.isEmpty {
      output += piece
    }
    return output
  }
}

/// Malformed or truncated compressed data, or more of it than the reader allows.
package struct InflateError: Error, CustomStringConvertible, Sendable, Equatable {
  package var message: String
  /// The cap that was exceeded, when that is the error (the data itself may be sound).
  package var exceededLimit: Int? = nil
  package var description: String {
    exceededLimit == nil ? "corrupt compressed data: \(message)" : message
  }
}

/// Inflates a gzip (or zlib) stream from `input` with zlib's `inflate`, in pieces.
///
/// Memory is one input chunk and zlib's 32 KiB window whatever the stream's size:
/// output is produced only as far as the caller asks. `limit` caps the total output:
/// a read stops at it (returning fewer bytes than asked), and the next read throws
/// `InflateError` with `exceededLimit` set when the stream holds more, after inflating
/// one byte beyond it; so a gzip bomb costs what the caller expected, not what the
/// bomb holds.
final class InflatingSource: ByteSource {
  private let input: ByteSource
  private let stream: UnsafeMutablePointer<z_stream>
  private let inputBuffer: UnsafeMutableBufferPointer<UInt8>
  private var inputEnded = false
  private var finished = false
  /// Bytes produced so far.
  private(set) var produced = 0
  /// The most bytes this source will produce; lower it once the expected size is known.
  var limit: Int

  init(_ input: ByteSource, limit: Int, inputChunk: Int = DataLimits.chunkSize) throws {
    // zlib keeps the stream's address: it lives on the heap, set up before `self` is
    // complete (so a failure here never reaches `deinit`).
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // 15 + 32: the largest window, and detect a gzip or zlib header automatically.
    let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
      stream.deallocate()
      throw InflateError(message: "zlib could not start (\(status))")
    }
    self.stream = stream
    self.input = input
    self.limit = limit
    inputBuffer = .allocate(capacity: max(inputChunk, 1))
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
    inputBuffer.deallocate()
  }

  func read(_ count: Int) throws -> [UInt8] {
    guard count > 0 else { return [] }
    return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = 0
      while initialized < count && !finished {
        let room = limit - produced
        if room <= 0 {
          if initialized > 0 { break }  // hand out what is within the limit first
          var probe: UInt8 = 0
          if try step(into: &probe, capacity: 1) > 0 {
            throw InflateError(message: "the data inflates to more than \(limit) bytes", exceededLimit: limit)
          }
          continue
        }
        let made = try step(into: buffer.baseAddress! + initialized, capacity: min(count - initialized, room))
        initialized += made
        produced += made
      }
    }
  }

  /// One call of `inflate` into `capacity` bytes at `output`, refilling the input
  /// first when it is used up; returns the bytes produced (possibly 0).
  private func step(into output: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
    if stream.pointee.avail_in == 0 && !inputEnded { try refill() }
    stream.pointee.next_out = output
    stream.pointee.avail_out = UInt32(min(capacity, Int(UInt32.max)))
    let status = inflate(stream, Z_NO_FLUSH)
    let made = capacity - Int(stream.pointee.avail_out)
    switch status {
    case Z_OK:
      break
    case Z_STREAM_END:
      try startNextMember()
    case Z_BUF_ERROR:
      // No progress possible: only an error when the input is used up mid-stream.
      if made == 0 && stream.pointee.avail_in == 0 && inputEnded {
        throw InflateError(message: "the compressed data is cut short")
      }
    case Z_NEED_DICT:
      throw InflateError(message: "the stream needs a preset dictionary")
    case Z_MEM_ERROR:
      throw InflateError(message: "zlib ran out of memory")
    default:
      throw InflateError(message: Self.describe(stream.pointee.msg.map { String(cString: $0) }))
    }
    return made
  }

  /// After a member's end: skip zero padding; another member restarts the decoder,
  /// the end of the input ends the stream.
  private func startNextMember() throws {
    while true {
      while stream.pointee.avail_in > 0 && stream.pointee.next_in.pointee == 0 {
        stream.pointee.next_in += 1
        stream.pointee.avail_in -= 1
      }
      if stream.pointee.avail_in > 0 {
        inflateReset(stream)
        return
      }
      if inputEnded {
        finished = true
        return
      }
      try refill()
    }
  }

  private func refill() throws {
    let piece = try input.read(inputBuffer.count)
    if piece.isEmpty {
      inputEnded = true
      return
    }
    _ = inputBuffer.initialize(from: piece)
    stream.pointee.next_in = inputBuffer.baseAddress
    stream.pointee.avail_in = UInt32(piece.count)
  }

  /// zlib's message in the words gzip users know.
  static func describe(_ message: String?) -> String {
    switch message {
    case "incorrect data check": "CRC-32 mismatch"
    case "incorrect length check": "uncompressed size does not match the gzip trailer"
    case "incorrect header check", "unknown compression method": "not a gzip file (bad header)"
    case let text?: text
    case nil: "invalid compressed data"
    }
  }
}
