import Foundation
import GradEngine
import Testing
@testable import GradData

/// Hostile data files (issue 14, bug 8): each is refused after reading what its header
/// or first chunk shows, never read whole. Memory is not measured here (that is done
/// through the executable, see docs/data.md); the readers are wrapped in `CountingSource`
/// to show how many bytes they took.
@Suite struct HostileInputTests {
  /// Passes bytes through and counts them.
  final class CountingSource: ByteSource {
    let inner: ByteSource
    private(set) var count = 0
    init(_ inner: ByteSource) { self.inner = inner }
    func read(_ n: Int) throws -> [UInt8] {
      let piece = try inner.read(n)
      count += piece.count
      return piece
    }
  }

  /// Hands out at most `step` bytes per read, to put chunk boundaries everywhere.
  final class TrickleSource: ByteSource {
    let inner: MemorySource
    let step: Int
    init(_ bytes: [UInt8], step: Int) {
      inner = MemorySource(bytes)
      self.step = step
    }
    func read(_ n: Int) throws -> [UInt8] { try inner.read(min(n, step)) }
  }

  /// A shell pipeline's output written to `name` in `folder`.
  static func shell(_ command: String, _ name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command + " > '\(url.path)'"]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return url
  }

  /// A file of `size` bytes with no data blocks (`truncate -s`), after `prefix`.
  static func sparse(_ name: String, size: Int, prefix: [UInt8] = [], in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Data(prefix).write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
    return url
  }

  func idx(_ images: String, _ labels: String, in folder: URL) -> DataSpec {
    spec(.idx) {
      $0.images = images
      $0.labels = labels
      $0.validation = 0
      $0.scale = .none
    }
  }

  // MARK: gzip

  @Test func gzipBombStopsAtTheCap() throws {
    let folder = try makeTemporaryFolder()
    // 64 MiB of zeros in about 64 KiB.
    let bomb = try Self.shell("head -c 67108864 /dev/zero | gzip -1", "bomb.gz", in: folder)
    let limit = 1 << 20
    let inflater = try InflatingSource(FileSource(path: bomb.path), limit: limit)
    var produced = 0
    let error = #expect(throws: InflateError.self) {
      while case let piece = try inflater.read(300_000), !piece.isEmpty { produced += piece.count }
    }
    #expect(error?.exceededLimit == limit && error?.message == "the data inflates to more than 1048576 bytes")
    #expect(produced == limit && inflater.produced == limit)
    // The in-memory API has the same cap.
    let packed = [UInt8](try Data(contentsOf: bomb))
    #expect(throws: InflateError.self) { try Gzip.decompress(packed, limit: limit) }
  }

  @Test func idxGzipBombIsRefusedOneBytePastTheHeadersSize() throws {
    let folder = try makeTemporaryFolder()
    let good = try IDXTests.writePair(in: folder, prefix: "train", count: 10)
    // A valid 10×4×3 header followed by 64 MiB of zeros, compressed.
    let header = IDXWriter.header(type: 0x08, dimensions: [10, 4, 3]).map { String(format: "\\%03o", $0) }.joined()
    _ = try Self.shell("{ printf '\(header)'; head -c 67108864 /dev/zero; } | gzip -1", "bomb-images.gz", in: folder)
    let p = try #require(problem { _ = try load(idx("bomb-images.gz", good.labels, in: folder), base: folder) })
    #expect(p.field == "data.images")
    #expect(p.message == "the file inflates to more than the 136 bytes its IDX header declares")
    // The reader takes the header and the 120 declared bytes, and inflates one more.
    let location = FileLocation(field: "data.images", written: "bomb-images.gz", baseDirectory: folder)
    let (file, declared) = try IDXSource.open(location)
    let counting = CountingSource(file.source)
    #expect(throws: InflateError.self) { _ = try declared.features(from: counting, reserve: false) }
    #expect(counting.count == 120 && file.inflater?.produced == 136)
  }

  // MARK: IDX headers and sizes

  @Test func idxHeaderDeclaringTooManyValuesIsRefusedBeforeReading() throws {
    let folder = try makeTemporaryFolder()
    let good = try IDXTests.writePair(in: folder, prefix: "train", count: 10)
    // 2,000,000 × 32 × 32 = 2,048,000,000 values, above 2²⁸; the file holds 1 MiB.
    let huge = IDXWriter.bytes(uint8: [UInt8](repeating: 1, count: 1 << 20), dimensions: [2_000_000, 32, 32])
    try Data(huge).write(to: folder.appendingPathComponent("huge"))
    let p = try #require(problem { _ = try load(idx("huge", good.labels, in: folder), base: folder) })
    #expect(p.field == "data.images")
    #expect(p.message == "IDX header declares 2000000×32×32 = 2048000000 values, more than 2²⁸ = 268,435,456")
    // Only the 16 header bytes were read.
    let counting = CountingSource(try FileSource(path: folder.appendingPathComponent("huge").path))
    #expect(throws: FormatError.self) { _ = try IDXHeader(from: counting) }
    #expect(counting.count == 16)
    // Dimensions whose product overflows Int are refused the same way.
    let overflow = IDXWriter.header(type: 0x0E, dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF])
    let error = #expect(throws: FormatError.self) { _ = try IDXHeader(from: MemorySource(overflow)) }
    #expect(error?.message.contains("more than 2⁶³ values") == true)
  }

  @Test func truncatedIDXIsRefusedFromItsSizeOrItsEnd() throws {
    let folder = try makeTemporaryFolder()
    let good = try IDXTests.writePair(in: folder, prefix: "train", count: 1000, rows: 28, cols: 28)
    // Plain: a 1000×28×28 header with half its values; refused from the file's size,
    // before any value is read.
    let full = [UInt8](try Data(contentsOf: folder.appendingPathComponent(good.images)))
    try Data(full.prefix(16 + 392_000)).write(to: folder.appendingPathComponent("half"))
    let p = try #require(problem { _ = try load(idx("half", good.labels, in: folder), base: folder) })
    #expect(p.message == "IDX header says 1000×28×28 values (784000 bytes) but the file has 392000 bytes of data")
    // Compressed: the inflated stream ends early; the values read are as many as there are.
    try Data(try systemGzip(Array(full.prefix(16 + 392_000)), folder: folder)).write(to: folder.appendingPathComponent("half.gz"))
    let q = try #require(problem { _ = try load(idx("half.gz", good.labels, in: folder), base: folder) })
    #expect(q.message == "IDX header says 1000×28×28 values (784000 bytes) but the file has 392000 bytes of data")
    // A gzip file cut short is corrupt compressed data.
    let packed = try systemGzip(full, folder: folder)
    try Data(packed.prefix(packed.count / 2)).write(to: folder.appendingPathComponent("cut.gz"))
    let r = try #require(problem { _ = try load(idx("cut.gz", good.labels, in: folder), base: folder) })
    #expect(r.message == "corrupt compressed data: the compressed data is cut short")
    // A plain file with more than declared.
    try Data(full + [0]).write(to: folder.appendingPathComponent("long"))
    let s = try #require(problem { _ = try load(idx("long", good.labels, in: folder), base: folder) })
    #expect(s.message == "IDX header says 1000×28×28 values (784000 bytes) but the file has 784001 bytes of data")
  }

  @Test(arguments: [Float.nan, .infinity, -.infinity])
  func idxFeaturesThatAreNotFiniteAreRefused(bad: Float) throws {
    let folder = try makeTemporaryFolder()
    let good = try IDXTests.writePair(in: folder, prefix: "train", count: 10)
    var values = (0..<120).map { Float($0) / 7 }
    values[3 * 12 + 5] = bad
    try Data(IDXWriter.bytes(float32: values, dimensions: [10, 4, 3])).write(to: folder.appendingPathComponent("floats"))
    let p = try #require(problem { _ = try load(idx("floats", good.labels, in: folder), base: folder) })
    #expect(p.field == "data.images" && p.line == 4)
    #expect(p.message == "item 3, value 5: \(Double(bad)) is not a finite number (as Float32)")
    // The same file with finite values loads, bit for bit.
    values[3 * 12 + 5] = 1e-30
    try Data(IDXWriter.bytes(float32: values, dimensions: [10, 4, 3])).write(to: folder.appendingPathComponent("floats"))
    let split = try load(idx("floats", good.labels, in: folder), base: folder)
    #expect(split.train.features.map(\.bitPattern) == values.map(\.bitPattern))
  }

  @Test func gzipIDXReadsBitIdenticalToThePlainFileAndThePixelRule() throws {
    let folder = try makeTemporaryFolder()
    // 3,000 28×28 images: 2.35 MB, several chunks and an inflater that refills.
    let plain = try IDXTests.writePair(in: folder, prefix: "train", count: 3000, rows: 28, cols: 28)
    let packed = try IDXTests.writePair(in: folder, prefix: "gz", count: 3000, rows: 28, cols: 28, gzip: true)
    let a = try load(idx(plain.images, plain.labels, in: folder), base: folder).train
    let b = try load(idx(packed.images, packed.labels, in: folder), base: folder).train
    #expect(a == b)
    let raw = [UInt8](try Data(contentsOf: folder.appendingPathComponent(plain.images)))[16...]
    #expect(a.features.map(\.bitPattern) == raw.map { (Float($0) / 255).bitPattern })
    #expect(labels(a) == (0..<3000).map { Int32($0 % 10) })
  }

  // MARK: CSV

  @Test func sparseCSVIsRefusedAfterOneChunk() throws {
    let folder = try makeTemporaryFolder()
    let url = try Self.sparse("sparse.csv", size: 64 << 20, in: folder)
    let location = FileLocation(field: "data.path", written: "sparse.csv", baseDirectory: folder)
    let counting = CountingSource(try FileSource(path: url.path))
    let p = problem { _ = try CSVSource.readTable(from: counting, location: location, spec: spec(.csv), limit: nil) }
    #expect(p?.message == "looks like a binary file, not CSV text")
    #expect(counting.count == DataLimits.chunkSize)
  }

  @Test func zerosAfterTextAreFoundInTheirChunk() throws {
    // 2 MB of good rows, then a 4 MB hole: refused in the chunk that holds the hole.
    let folder = try makeTemporaryFolder()
    let rows = Array(String(repeating: "0.5,1\n0.25,0\n", count: 160_000).utf8)  // 2,080,000 bytes
    let url = try Self.sparse("holed.csv", size: rows.count + (4 << 20), prefix: rows, in: folder)
    let location = FileLocation(field: "data.path", written: "holed.csv", baseDirectory: folder)
    let counting = CountingSource(try FileSource(path: url.path))
    let p = problem { _ = try CSVSource.readTable(from: counting, location: location, spec: spec(.csv), limit: nil) }
    #expect(p?.message == "looks like a binary file, not CSV text")
    #expect(counting.count == 2 * DataLimits.chunkSize)
    #expect(problem { _ = try load(spec(.csv) { $0.path = "holed.csv" }, base: folder) }?.message == p?.message)
  }

  @Test func anEndlessRowIsRefusedAtItsCap() throws {
    let folder = try makeTemporaryFolder()
    let url = try Self.shell("head -c 20000000 /dev/zero | tr '\\0' 7", "endless.csv", in: folder)
    let location = FileLocation(field: "data.path", written: "endless.csv", baseDirectory: folder)
    let counting = CountingSource(try FileSource(path: url.path))
    let p = problem { _ = try CSVSource.readTable(from: counting, location: location, spec: spec(.csv), limit: nil) }
    #expect(p?.message == "line 1: the row is longer than 16 MiB" && p?.line == 1)
    #expect(counting.count == DataLimits.maxCSVRowBytes)
  }

  @Test func streamedCSVMatchesTheWholeText() throws {
    // Chunk boundaries inside quotes, between CR and LF, inside a BOM, on blank lines
    // (the scanner itself is tested in TidyCSVTests; this is the loader's use of it).
    let bytes = Array("\u{FEFF}x,y,label\r\n\"1.5\",2,\"cat, black\"\r3,4,dog\n\n\r\n\"5\" ,6,emu\n7,8,\"dog\"".utf8)
    let location = FileLocation(field: "data.path", written: "t.csv", baseDirectory: URL(fileURLWithPath: "/tmp"))
    let whole = try CSVSource.readTable(from: MemorySource(bytes), location: location, spec: spec(.csv), limit: nil)
    #expect(whole.header == ["x", "y", "label"] && whole.features == [1.5, 2, 3, 4, 5, 6, 7, 8])
    #expect(whole.labelTexts == ["cat, black", "dog", "emu", "dog"] && whole.lines == [2, 3, 6, 7])
    for step in 1...9 {
      let streamed = try CSVSource.readTable(
        from: TrickleSource(bytes, step: step), location: location, spec: spec(.csv), limit: nil)
      #expect(streamed.features == whole.features && streamed.labelTexts == whole.labelTexts, "step \(step)")
      #expect(streamed.lines == whole.lines && streamed.header == whole.header, "step \(step)")
    }
  }

  // MARK: not regular files

  @Test func devZeroAndFIFOsAreRefusedAsNotRegularFiles() throws {
    let folder = try makeTemporaryFolder()
    let fifo = folder.appendingPathComponent("pipe.csv")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let cases = [("/dev/zero", "'/dev/zero' is a character device, not a regular file"),
      ("pipe.csv", "'pipe.csv' is a named pipe (FIFO), not a regular file")]
    for (path, message) in cases {
      let s = spec(.csv) { $0.path = path }
      #expect(DataLoader.validate(s, baseDirectory: folder).map(\.message) == [message])
      #expect(problem { _ = try load(s, base: folder) }?.message == message)
      let images = idx(path, path, in: folder)
      #expect(problem { _ = try load(images, base: folder) }?.message == message)
    }
    // Opening never blocks on a FIFO without a writer, and refuses it.
    let error = #expect(throws: FileReadError.self) { _ = try FileSource(path: fifo.path) }
    #expect(error?.notRegular == true && error?.message == "is a named pipe (FIFO), not a regular file")
  }
}
