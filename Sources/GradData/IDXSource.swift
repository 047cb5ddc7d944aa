import Foundation
import GradEngine

/// `{name: idx, images: PATH, labels: PATH[, test: PATH, test_labels: PATH]}` — MNIST,
/// Fashion-MNIST, KMNIST and any IDX pair: images N × … (each item flattened to one
/// row; bytes become value/255 ∈ [0, 1]) and integer labels N. `samples: N` keeps the
/// first N training items (0 = all). Classes: `classes` when given (every label must
/// be below it), else the largest label (train and test) + 1.
enum IDXSource {
  static func load(_ spec: DataSpec, baseDirectory: URL) throws -> DataLoader.SourceData {
    guard let imagesPath = spec.images, let labelsPath = spec.labels else {
      throw DataProblem(field: "data.images", message: "idx needs images: PATH and labels: PATH")
    }
    let images = FileLocation(field: "data.images", written: imagesPath, baseDirectory: baseDirectory)
    let labels = FileLocation(field: "data.labels", written: labelsPath, baseDirectory: baseDirectory)
    var train = try readPair(images: images, labels: labels)
    var test: (features: [Float], itemSize: Int, labels: [Int32])? = nil
    if let t = spec.test, let tl = spec.testLabels {
      let testImages = FileLocation(field: "data.test", written: t, baseDirectory: baseDirectory)
      let testLabels = FileLocation(field: "data.test_labels", written: tl, baseDirectory: baseDirectory)
      let pair = try readPair(images: testImages, labels: testLabels)
      guard pair.itemSize == train.itemSize else {
        throw testImages.problem(
          "test items have \(pair.itemSize) values each but training items have \(train.itemSize)",
          suggestion: "use the test file of the same data set")
      }
      test = pair
    }
    if spec.samples > 0 && spec.samples < train.labels.count {
      train.features = Array(train.features.prefix(spec.samples * train.itemSize))
      train.labels = Array(train.labels.prefix(spec.samples))
    }

    let largest = max(train.labels.max() ?? 0, test?.labels.max() ?? 0)
    let classCount = spec.classes > 0 ? spec.classes : Int(largest) + 1
    var checks = [(labels, train.labels)]
    if let test, let tl = spec.testLabels {
      checks.append((FileLocation(field: "data.test_labels", written: tl, baseDirectory: baseDirectory), test.labels))
    }
    for (location, list) in checks {
      if let i = list.firstIndex(where: { $0 >= classCount }) {
        throw location.problem(
          "label \(list[i]) of item \(i) is out of range for \(classCount) classes (0…\(classCount - 1))",
          suggestion: spec.explicitClasses != nil ? "raise classes, or remove it to infer the count" : nil)
      }
    }
    guard classCount >= 2 else {
      throw labels.problem("every label is 0: a classification set needs at least 2 classes")
    }
    func dataset(_ part: (features: [Float], itemSize: Int, labels: [Int32])) -> Dataset {
      Dataset(features: part.features, featureCount: part.itemSize, targets: .classes(labels: part.labels, classCount: classCount))
    }
    return DataLoader.SourceData(examples: dataset(train), test: test.map(dataset))
  }

  /// Reads and cross-checks one images/labels pair.
  static func readPair(images: FileLocation, labels: FileLocation) throws -> (
    features: [Float], itemSize: Int, labels: [Int32]
  ) {
    let imageArray = try parse(images)
    let labelArray = try parse(labels)
    guard imageArray.dimensions.count >= 2 else {
      throw images.problem(
        "an images file needs at least 2 dimensions (count × values per item), this one has \(imageArray.dimensions.count) (\(imageArray.dimensions))",
        suggestion: labelArray.dimensions.count >= 2 ? "images and labels look swapped" : nil)
    }
    guard labelArray.dimensions.count == 1 else {
      throw labels.problem(
        "a labels file has 1 dimension (count), this one has \(labelArray.dimensions.count) (\(labelArray.dimensions))",
        suggestion: imageArray.dimensions.count == 1 ? "images and labels look swapped" : "is this an images file?")
    }
    guard labelArray.type.isInteger else { throw labels.problem("labels must be integers, this file holds floating-point values") }
    guard imageArray.count == labelArray.count else {
      throw labels.problem(
        "\(labelArray.count) labels but \(imageArray.count) images in '\(images.written)'",
        suggestion: "pair the images and labels of the same split (train with train, t10k with t10k)")
    }
    guard imageArray.count > 0, imageArray.itemSize > 0 else { throw images.problem("the file holds no examples") }
    var labelValues = [Int32]()
    labelValues.reserveCapacity(labelArray.count)
    for i in 0..<labelArray.count {
      let v = labelArray.value(i)
      guard v >= 0, v < 10_000 else {
        throw labels.problem("label \(Int(v)) of item \(i) is out of range (labels are class indices 0, 1, 2, …)")
      }
      labelValues.append(Int32(v))
    }
    return (imageArray.features(rows: imageArray.count), imageArray.itemSize, labelValues)
  }

  static func parse(_ location: FileLocation) throws -> IDXArray {
    let bytes = try location.read()
    do {
      return try IDXArray(bytes: bytes)
    } catch let error as FormatError {
      throw location.problem(error.message, suggestion: "give an IDX file such as train-images-idx3-ubyte[.gz]")
    } catch let error as InflateError {
      throw location.problem(error.description, suggestion: "download the file again")
    }
  }
}
