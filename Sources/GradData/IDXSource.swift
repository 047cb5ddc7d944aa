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

  /// Reads and cross-checks one images/labels pair: both headers first (shapes,
  /// counts and sizes are checked before any value is read), then the values.
  static func readPair(images: FileLocation, labels: FileLocation) throws -> (
    features: [Float], itemSize: Int, labels: [Int32]
  ) {
    let (imageFile, imageHeader) = try open(images)
    let (labelFile, labelHeader) = try open(labels)
    guard imageHeader.dimensions.count >= 2 else {
      throw images.problem(
        "an images file needs at least 2 dimensions (count × values per item), this one has \(imageHeader.dimensions.count) (\(imageHeader.dimensions))",
        suggestion: labelHeader.dimensions.count >= 2 ? "images and labels look swapped" : nil)
    }
    guard labelHeader.dimensions.count == 1 else {
      throw labels.problem(
        "a labels file has 1 dimension (count), this one has \(labelHeader.dimensions.count) (\(labelHeader.dimensions))",
        suggestion: imageHeader.dimensions.count == 1 ? "images and labels look swapped" : "is this an images file?")
    }
    guard labelHeader.type.isInteger else { throw labels.problem("labels must be integers, this file holds floating-point values") }
    guard imageHeader.count == labelHeader.count else {
      throw labels.problem(
        "\(labelHeader.count) labels but \(imageHeader.count) images in '\(images.written)'",
        suggestion: "pair the images and labels of the same split (train with train, t10k with t10k)")
    }
    guard imageHeader.count > 0, imageHeader.itemSize > 0 else { throw images.problem("the file holds no examples") }
    let features = try reading(images) {
      try imageHeader.features(from: imageFile.source, reserve: imageFile.inflater == nil)
    }
    let labelValues = try reading(labels) { try labelHeader.labels(from: labelFile.source) }
    return (features, imageHeader.itemSize, labelValues)
  }

  /// Opens an IDX file and reads its header. A plain file must then be exactly as long
  /// as the header says (checked from its size, before reading on); a compressed one is
  /// capped at that length, so it is never inflated further than one byte past it.
  static func open(_ location: FileLocation) throws -> (FileLocation.Opened, IDXHeader) {
    let largest = 4 + 4 * 255 + DataLimits.maxValues * 8
    let file = try location.open(inflatedLimit: largest)
    let header = try reading(location) { try IDXHeader(from: file.source) }
    let total = header.headerSize + header.payloadSize
    if let inflater = file.inflater {
      inflater.limit = total
    } else if file.fileSize != total {
      throw location.problem(
        header.sizeMismatch(found: String(file.fileSize - header.headerSize)).message,
        suggestion: "give an IDX file such as train-images-idx3-ubyte[.gz]")
    }
    return (file, header)
  }

  /// `body`'s result, its format and read errors turned into problems about `location`.
  static func reading<T>(_ location: FileLocation, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as FormatError {
      // A value's error (error.line: its item) is not a wrong file type.
      throw location.problem(
        error.message, line: error.line,
        suggestion: error.line == nil ? "give an IDX file such as train-images-idx3-ubyte[.gz]" : nil)
    } catch let error as InflateError where error.exceededLimit != nil {
      throw location.problem(
        "the file inflates to more than the \(error.exceededLimit!) bytes its IDX header declares",
        suggestion: "give an IDX file such as train-images-idx3-ubyte[.gz]")
    } catch {
      throw location.readProblem(error)
    }
  }
}
