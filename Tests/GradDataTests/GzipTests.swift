import Foundation
import Testing
@testable import GradData

@Suite struct GzipTests {
  @Test(arguments: [1, 6, 9])
  func inflatesSystemGzipAtEveryLevel(level: Int) throws {
    let folder = try makeTemporaryFolder()
    for (size, seed) in [(0, 1), (1, 2), (100, 3), (70_000, 4), (300_000, 5)] {
      let plain = compressibleText(size, seed: UInt64(seed))
      let packed = try systemGzip(plain, level: level, folder: folder)
      #expect(try Gzip.decompress(packed) == plain, "size \(size) level \(level)")
    }
  }

  @Test func inflatesStoredBlocksOfIncompressibleData() throws {
    let folder = try makeTemporaryFolder()
    let plain = randomBytes(200_000, seed: 7)  // > 64 KiB: several stored blocks
    let packed = try systemGzip(plain, level: 6, folder: folder)
    #expect(packed.count > plain.count)  // gzip stored it rather than compressing
    #expect(try Gzip.decompress(packed) == plain)
  }

  @Test func inflatesFixedHuffmanBlocks() throws {
    // A short input makes gzip choose the fixed code (block type 1).
    let folder = try makeTemporaryFolder()
    let plain = Array("abcabcabcabc hello hello hello".utf8)
    let packed = try systemGzip(plain, folder: folder)
    #expect(packed[3] & 0x08 != 0)  // FNAME is set: the header parser skips the name
    let body = try #require(packed[10...].firstIndex(of: 0)) + 1
    #expect((packed[body] >> 1) & 3 == 1)  // first block header: BTYPE = 01
    #expect(try Gzip.decompress(packed) == plain)
  }

  @Test func concatenatedMembersDecodeInOrder() throws {
    let folder = try makeTemporaryFolder()
    let a = compressibleText(5000, seed: 11), b = compressibleText(3000, seed: 12)
    let packed = try systemGzip(a, folder: folder) + systemGzip(b, folder: folder)
    #expect(try Gzip.decompress(packed) == a + b)
  }

  @Test func corruptionIsAnErrorNotACrash() throws {
    let folder = try makeTemporaryFolder()
    let plain = compressibleText(20_000, seed: 13)
    let packed = try systemGzip(plain, folder: folder)
    // Flip each of many bytes in turn: every result is either an error or (for a
    // flip inside the file name or mtime) the right data; never a trap or wrong data.
    for i in stride(from: 10, to: packed.count, by: max(1, packed.count / 300)) {
      var bad = packed
      bad[i] ^= 0x5A
      if let out = try? Gzip.decompress(bad) { #expect(out == plain, "flip at \(i)") }
    }
    // Truncation at any point fails.
    for cut in [1, 5, 10, packed.count / 2, packed.count - 4, packed.count - 1] {
      #expect(throws: InflateError.self) { try Gzip.decompress(Array(packed.prefix(cut))) }
    }
    #expect(throws: InflateError.self) { try Gzip.decompress(Array("plain text".utf8)) }
  }
}
