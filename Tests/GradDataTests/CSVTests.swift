import Foundation
import GradEngine
import Testing
@testable import GradData

@Suite struct CSVTests {
  static func write(_ text: String, _ name: String = "data.csv", in folder: URL) throws -> String {
    try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    return name
  }

  static func loadCSV(_ text: String, _ configure: (inout DataSpec) -> Void = { _ in }) throws -> DataSplit {
    let folder = try makeTemporaryFolder()
    let path = try write(text, in: folder)
    return try load(spec(.csv) { $0.path = path; $0.validation = 0; $0.scale = .none; configure(&$0) }, base: folder)
  }

  @Test func headerIsDetectedAndLabelsByNameAreSorted() throws {
    let text = "sepal,petal,\"species, common\"\n5.1,1.4,setosa\n6.3,4.9,virginica\r\n5.8,4.0,versicolor\n\n4.9,1.5,setosa\n"
    let d = try Self.loadCSV(text).train
    #expect(d.count == 4 && d.featureCount == 2 && d.outputCount == 3)
    #expect(d.features == [5.1, 1.4, 6.3, 4.9, 5.8, 4.0, 4.9, 1.5])
    #expect(labels(d) == [0, 2, 1, 0])  // setosa < versicolor < virginica
    // By header name (a quoted name with a comma; case-insensitive fallback) and by index.
    #expect(try Self.loadCSV(text) { $0.labelColumn = "species, common" }.train == d)
    #expect(try Self.loadCSV(text) { $0.labelColumn = "SPECIES, Common" }.train == d)
    #expect(try Self.loadCSV(text) { $0.labelColumn = "2" }.train == d)
    // Without a header row the same rows load from the first line.
    let bare = try Self.loadCSV("5.1,1.4,setosa\n6.3,4.9,virginica\n").train
    #expect(bare.count == 2 && labels(bare) == [0, 1])
  }

  @Test func labelColumnsByIndexFirstLastAndNumericLabels() throws {
    let text = "1,0.5,2.5\n0,1.5,3.5\n2,2.5,4.5\n1,3.5,5.5\n"
    let first = try Self.loadCSV(text) { $0.labelColumn = "first" }.train
    #expect(first.features == [0.5, 2.5, 1.5, 3.5, 2.5, 4.5, 3.5, 5.5] && labels(first) == [1, 0, 2, 1] && first.outputCount == 3)
    let index = try Self.loadCSV(text) { $0.labelColumn = "0" }.train
    #expect(index == first)
    // Non-negative integer labels are class indices: 0 absent still counts (classes = max + 1).
    let gaps = try Self.loadCSV("0.1,2\n0.2,5\n0.3,2\n").train
    #expect(labels(gaps) == [2, 5, 2] && gaps.outputCount == 6)
    // Negative or fractional labels are mapped in numeric order.
    let signs = try Self.loadCSV("0.1,-1\n0.2,1\n0.3,-1\n0.4,10\n").train
    #expect(labels(signs) == [0, 1, 0, 2] && signs.outputCount == 3)
    // header: false keeps a textual first row as data (here an error: it is not numeric).
    let forced = problem { _ = try Self.loadCSV("a,b\n1,2\n3,4\n") { $0.header = .false } }
    #expect(forced?.message.contains("line 1, column 0: 'a' is not a finite number") == true)
    // header: true drops a numeric first row.
    #expect(try Self.loadCSV("9,9\n1,0\n2,1\n") { $0.header = .true }.train.count == 2)
  }

  @Test func regressionTargets() throws {
    let d = try Self.loadCSV("x1,x2,y\n1,2,0.5\n3,4,-1.25\n") { $0.task = .regression }.train
    #expect(d.targets == .values([0.5, -1.25], outputCount: 1) && d.features == [1, 2, 3, 4])
  }

  @Test func separateTestFileSharesTheLabelMapping() throws {
    let folder = try makeTemporaryFolder()
    let train = try Self.write("f,label\n1,cat\n2,dog\n3,cat\n", "train.csv", in: folder)
    let test = try Self.write("f,label\n4,emu\n5,dog\n", "test.csv", in: folder)
    let split = try load(spec(.csv) { $0.path = train; $0.test = test; $0.validation = 0; $0.scale = .none }, base: folder)
    #expect(labels(split.train) == [0, 1, 0] && split.train.outputCount == 3)
    #expect(labels(try #require(split.test)) == [2, 1])
    let other = try Self.write("g,label\n4,emu\n", "other.csv", in: folder)
    let p = problem { _ = try load(spec(.csv) { $0.path = train; $0.test = other }, base: folder) }
    #expect(p?.field == "data.test" && p?.message.contains("feature columns (g) differ") == true)
  }

  @Test func errorsNameLineAndColumn() throws {
    let ragged = problem { _ = try Self.loadCSV("a,b,c\n1,2,0\n3,4\n5,6,1\n") }
    #expect(ragged?.field == "data.path" && ragged?.line == 3)
    #expect(ragged?.message == "line 3 has 2 fields, expected 3 as on line 1")
    let word = problem { _ = try Self.loadCSV("a,b,c\n1,2,0\n3,x4,1\n") }
    #expect(word?.message == "line 3, column 1 ('b'): 'x4' is not a finite number" && word?.line == 3)
    let empty = problem { _ = try Self.loadCSV("a,b,c\n1,,0\n3,4,1\n") }
    #expect(empty?.message == "line 2, column 1 ('b'): an empty field is not a finite number")
    #expect(problem { _ = try Self.loadCSV("") }?.message == "the file is empty")
    #expect(problem { _ = try Self.loadCSV("\n\n") }?.message == "the file is empty")
    #expect(problem { _ = try Self.loadCSV("a,b,label\n") }?.message == "the file has a header but no data rows")
    let name = problem { _ = try Self.loadCSV("a,b,label\n1,2,0\n3,4,1\n") { $0.labelColumn = "class" } }
    #expect(name?.field == "data.label_column" && name?.message.contains("no column named 'class'") == true)
    #expect(name?.description.contains("'a', 'b', 'label'") == true)
    let index = problem { _ = try Self.loadCSV("1,2,0\n3,4,1\n") { $0.labelColumn = "3" } }
    #expect(index?.message.contains("label_column 3 does not exist") == true && index?.message.contains("(0…2)") == true)
    let range = problem { _ = try Self.loadCSV("1,0\n2,4\n3,1\n") { $0.classes = 3 } }
    #expect(range?.message == "line 2: label 4 is out of range for classes: 3 (0…2)")
    let quote = problem { _ = try Self.loadCSV("1,2\n3,\"4\n") }
    #expect(quote?.message == "line 2, character 3: a quoted field opened here is never closed")
    let ids = problem { _ = try Self.loadCSV("1,0\n2,123456\n") }
    #expect(ids?.message.contains("the largest label is 123456") == true && ids?.description.contains("task: regression") == true)
    let oneClass = problem { _ = try Self.loadCSV("1,0\n2,0\n") }
    #expect(oneClass?.message.contains("at least 2 classes") == true)
    let missing = problem { _ = try load(spec(.csv) { $0.path = "nope.csv" }, base: URL(fileURLWithPath: "/tmp")) }
    #expect(missing?.description == "data.path: no such file 'nope.csv' (looked for /tmp/nope.csv); relative paths are resolved from the sweep file's folder (/tmp)")
  }

  @Test func quotingLineEndsAndLineNumbers() throws {
    // A quoted field spanning two lines shifts later line numbers; CR, CRLF and LF all end rows.
    let text = "name,x,label\r\n\"a \"\"b\"\"\nc\",1,0\r2,3,1\n\"q\",4,0\nz,oops,1\n"
    let p = problem { _ = try Self.loadCSV(text) { $0.labelColumn = "label" } }
    #expect(p?.message == "line 2, column 0 ('name'): 'a \"b\"\nc' is not a finite number")
    let ok = try Self.loadCSV("x,label\r\n\"1.5\",\"cat, black\"\r2,dog\n3,\"cat, black\"") .train
    #expect(ok.features == [1.5, 2, 3] && labels(ok) == [0, 1, 0])
    let late = problem { _ = try Self.loadCSV("x,label\n1,0\n\"2\"x,1\n") }
    #expect(late?.message.hasPrefix("line 3, character 4: text after a closing quote") == true)
  }

  @Test func gzipCompressedCSVAndBinaryFiles() throws {
    let folder = try makeTemporaryFolder()
    let packed = try systemGzip(Array("a,b\n1,0\n2,1\n".utf8), folder: folder)
    try Data(packed).write(to: folder.appendingPathComponent("d.csv.gz"))
    let split = try load(spec(.csv) { $0.path = "d.csv.gz"; $0.validation = 0; $0.scale = .none }, base: folder)
    #expect(split.train.features == [1, 2] && labels(split.train) == [0, 1])
    try Data([0, 0, 8, 1, 0, 0, 0, 2, 1, 2]).write(to: folder.appendingPathComponent("labels.idx"))
    let p = problem { _ = try load(spec(.csv) { $0.path = "labels.idx" }, base: folder) }
    #expect(p?.message == "looks like a binary file, not CSV text")
  }
}
