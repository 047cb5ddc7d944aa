import Foundation
import GradEngine
import Testing
@testable import GradData

@Suite struct IDXTests {
  /// Writes an MNIST-like pair: `count` images of rows×cols bytes (pixel = (i + 3j) mod 256) and labels i mod 10.
  static func writePair(
    in folder: URL, prefix: String, count: Int, rows: Int = 4, cols: Int = 3, gzip: Bool = false,
    labelOffset: Int = 0
  ) throws -> (images: String, labels: String) {
    let pixels = (0..<(count * rows * cols)).map { UInt8(($0 / (rows * cols) + 3 * ($0 % (rows * cols))) % 256) }
    var images = IDXWriter.bytes(uint8: pixels, dimensions: [count, rows, cols])
    var labels = IDXWriter.bytes(uint8: (0..<count).map { UInt8(($0 + labelOffset) % 10) }, dimensions: [count])
    var names = ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    if gzip {
      images = try systemGzip(images, level: 9, folder: folder)
      labels = try systemGzip(labels, level: 9, folder: folder)
      names = (names.0 + ".gz", names.1 + ".gz")
    }
    try Data(images).write(to: folder.appendingPathComponent(names.0))
    try Data(labels).write(to: folder.appendingPathComponent(names.1))
    return names
  }

  @Test(arguments: [false, true])
  func roundTripPlainAndGzip(gzip: Bool) throws {
    let folder = try makeTemporaryFolder()
    let train = try Self.writePair(in: folder, prefix: "train", count: 50, gzip: gzip)
    let test = try Self.writePair(in: folder, prefix: "t10k", count: 20, gzip: gzip, labelOffset: 3)
    let s = spec(.idx) {
      $0.images = train.images
      $0.labels = train.labels
      $0.test = test.images
      $0.testLabels = test.labels
      $0.validation = 0
      $0.scale = .none
    }
    let split = try load(s, base: folder)
    #expect(split.train.count == 50 && split.train.featureCount == 12 && split.train.outputCount == 10)
    // Row order is the file's; pixels are value/255.
    #expect(labels(split.train) == (0..<50).map { Int32($0 % 10) })
    for i in [0, 17, 49] {
      for j in 0..<12 { #expect(split.train.features[i * 12 + j] == Float((i + 3 * j) % 256) / 255) }
    }
    let t = try #require(split.test)
    #expect(t.count == 20 && labels(t) == (0..<20).map { Int32(($0 + 3) % 10) })
  }

  @Test func samplesKeepsTheFirstItemsAndValidationSplitsThem() throws {
    let folder = try makeTemporaryFolder()
    let train = try Self.writePair(in: folder, prefix: "train", count: 300)
    let split = try load(spec(.idx) { $0.images = train.images; $0.labels = train.labels; $0.samples = 100; $0.validation = 0.1; $0.scale = .none }, base: folder)
    #expect(split.train.count == 90 && split.validation?.count == 10)
    #expect(classCounts(try #require(split.validation)) == [Int](repeating: 1, count: 10))  // stratified
  }

  @Test func missingFileNamesBothPathsAndTheFetchScript() throws {
    let folder = try makeTemporaryFolder()
    let s = spec(.idx) { $0.images = "mnist/train-images-idx3-ubyte.gz"; $0.labels = "mnist/train-labels-idx1-ubyte.gz" }
    let problems = DataLoader.validate(s, baseDirectory: folder)
    #expect(problems.map(\.field) == ["data.images", "data.labels"])
    let p = problems[0]
    #expect(p.resolvedPath == folder.appendingPathComponent("mnist/train-images-idx3-ubyte.gz").standardizedFileURL.path)
    #expect(p.description.contains("no such file 'mnist/train-images-idx3-ubyte.gz'"))
    #expect(p.description.contains("looked for \(folder.standardizedFileURL.path)/mnist/train-images-idx3-ubyte.gz"))
    #expect(p.description.contains("resolved from the sweep file's folder (\(folder.standardizedFileURL.path))"))
    #expect(p.description.contains("fetch-mnist.sh"))
    #expect(problem { _ = try load(s, base: folder) } == p)
    // Missing images/labels keys entirely.
    #expect(DataLoader.validate(spec(.idx), baseDirectory: folder).map(\.field) == ["data.images", "data.labels"])
  }

  @Test func suggestsTheGzipSibling() throws {
    let folder = try makeTemporaryFolder()
    let train = try Self.writePair(in: folder, prefix: "train", count: 10, gzip: true)
    let s = spec(.idx) { $0.images = String(train.images.dropLast(3)); $0.labels = train.labels }
    let p = try #require(DataLoader.validate(s, baseDirectory: folder).first)
    #expect(p.description.contains("did you mean 'train-images-idx3-ubyte.gz'?"))
  }

  @Test func formatErrors() throws {
    let folder = try makeTemporaryFolder()
    let good = try Self.writePair(in: folder, prefix: "train", count: 10)
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
      try Data(bytes).write(to: folder.appendingPathComponent(name))
      return name
    }
    func failure(images: String, labels: String, _ configure: (inout DataSpec) -> Void = { _ in }) -> DataProblem? {
      problem { _ = try load(spec(.idx) { $0.images = images; $0.labels = labels; configure(&$0) }, base: folder) }
    }
    // Bad magic: a PNG header.
    let png = try write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "picture.png")
    let p1 = try #require(failure(images: png, labels: good.labels))
    #expect(p1.field == "data.images" && p1.message.contains("magic bytes 89 50 4e 47"))
    // Wrong dimension count: labels file given as images, and images as labels.
    let p2 = try #require(failure(images: good.labels, labels: good.images))
    #expect(p2.field == "data.images" && p2.message.contains("at least 2 dimensions") && p2.description.contains("swapped"))
    let threeD = try write(IDXWriter.bytes(uint8: [UInt8](repeating: 1, count: 20), dimensions: [10, 2]), "labels2d")
    let p3 = try #require(failure(images: good.images, labels: threeD))
    #expect(p3.field == "data.labels" && p3.message.contains("has 2 (") )
    // Mismatched counts.
    let nine = try write(IDXWriter.bytes(uint8: [UInt8](repeating: 1, count: 9), dimensions: [9]), "nine-labels")
    let p4 = try #require(failure(images: good.images, labels: nine))
    #expect(p4.field == "data.labels" && p4.message.contains("9 labels but 10 images"))
    // Size disagreeing with the header (truncated file).
    let cut = try write(Array(IDXWriter.bytes(uint8: [UInt8](repeating: 1, count: 120), dimensions: [10, 4, 3]).dropLast(5)), "cut")
    let p5 = try #require(failure(images: cut, labels: good.labels))
    #expect(p5.message.contains("115 bytes of data") && p5.message.contains("10×4×3"))
    // Label out of range for explicit classes.
    let p6 = try #require(failure(images: good.images, labels: good.labels) { $0.classes = 5 })
    #expect(p6.field == "data.labels" && p6.message.contains("label 5 of item 5 is out of range for 5 classes"))
    // Corrupt gzip.
    var gz = try systemGzip(IDXWriter.bytes(uint8: [UInt8](repeating: 7, count: 120), dimensions: [10, 4, 3]), folder: folder)
    gz[gz.count - 6] ^= 0xFF  // the CRC
    let bad = try write(gz, "bad.gz")
    let p7 = try #require(failure(images: bad, labels: good.labels))
    #expect(p7.field == "data.images" && p7.message.contains("CRC-32 mismatch"))
    // A test file needs its labels.
    #expect(DataLoader.validate(spec(.idx) { $0.images = good.images; $0.labels = good.labels; $0.test = good.images }, baseDirectory: folder).map(\.field) == ["data.test_labels"])
    // A folder is not a file.
    let p8 = try #require(failure(images: ".", labels: good.labels))
    #expect(p8.message.contains("is a folder"))
  }
}
