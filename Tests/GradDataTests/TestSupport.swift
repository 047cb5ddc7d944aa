import Foundation
import GradEngine
@testable import GradData

/// A fresh empty folder under the system temporary directory for one test.
func makeTemporaryFolder(_ name: String = #function) throws -> URL {
  let safe = name.filter { $0.isLetter || $0.isNumber }
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("gradsweep-data-tests-\(safe)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Compresses `bytes` with the system's /usr/bin/gzip at `level` and returns the file's bytes.
func systemGzip(_ bytes: [UInt8], level: Int = 6, folder: URL) throws -> [UInt8] {
  let plain = folder.appendingPathComponent("gzip-input-\(UUID().uuidString)")
  try Data(bytes).write(to: plain)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
  process.arguments = ["-\(level)", "-f", plain.path]
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
  let packed = plain.appendingPathExtension("gz")
  return [UInt8](try Data(contentsOf: packed))
}

/// Deterministic pseudo-random bytes for test inputs.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
  var rng = Xoshiro256(seed: seed)
  return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// Text with repetition at many distances, so DEFLATE uses matches of every length.
func compressibleText(_ count: Int, seed: UInt64) -> [UInt8] {
  var rng = Xoshiro256(seed: seed)
  let words = ["gradient", "vanishing", "sigmoid", "relu", "layer", "depth", "0.25", "\n", " ", "tanh"]
  var out: [UInt8] = []
  while out.count < count {
    out.append(contentsOf: Array(words[rng.nextIndex(below: words.count)].utf8))
    if rng.nextIndex(below: 50) == 0 { out.append(UInt8(truncatingIfNeeded: rng.next())) }
  }
  return Array(out.prefix(count))
}

/// Mean and population standard deviation of column `column` of a data set.
func columnStatistics(_ data: Dataset, column: Int) -> (mean: Double, std: Double, min: Double, max: Double) {
  let n = data.count
  var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
  for r in 0..<n {
    let v = Double(data.features[r * data.featureCount + column])
    sum += v
    lo = min(lo, v)
    hi = max(hi, v)
  }
  let mean = sum / Double(n)
  var ss = 0.0
  for r in 0..<n {
    let d = Double(data.features[r * data.featureCount + column]) - mean
    ss += d * d
  }
  return (mean, (ss / Double(n)).squareRoot(), lo, hi)
}

/// Examples per class.
func classCounts(_ data: Dataset) -> [Int] {
  guard case .classes(let labels, let classCount) = data.targets else { return [] }
  var counts = [Int](repeating: 0, count: classCount)
  for l in labels { counts[Int(l)] += 1 }
  return counts
}

func labels(_ data: Dataset) -> [Int32] {
  guard case .classes(let labels, _) = data.targets else { return [] }
  return labels
}
