import Foundation
import Testing
@testable import GradData

@Suite struct DataSpecTests {
  @Test func emptyDocumentDecodesToTheDefaults() throws {
    let spec = try JSONDecoder().decode(DataSpec.self, from: Data("{}".utf8))
    #expect(spec == DataSpec())
    #expect(spec.name == .spirals && spec.samples == 2000 && spec.classes == 3 && spec.validation == 0.2)
    #expect(spec.scale == .standardize && spec.stratify && spec.testFraction == 0 && spec.seed == nil)
  }

  @Test func partialDocumentKeepsOtherDefaults() throws {
    let json = #"{"name": "csv", "path": "x.csv", "label_column": 3, "header": "true", "test_fraction": 0.1, "seed": 9}"#
    let spec = try JSONDecoder().decode(DataSpec.self, from: Data(json.utf8))
    #expect(spec.name == .csv && spec.path == "x.csv" && spec.labelColumn == "3" && spec.header == .true)
    #expect(spec.testFraction == 0.1 && spec.seed == 9 && spec.noise == 0.2 && spec.teacherWidth == 32)
  }

  @Test func namesAcceptAliasesAndBooleans() throws {
    let json = #"{"name": "blobs", "teacher_activation": "swish", "header": true, "scale": "standardise"}"#
    let spec = try JSONDecoder().decode(DataSpec.self, from: Data(json.utf8))
    #expect(spec.name == .gaussian && spec.teacherActivation == .silu && spec.header == .true && spec.scale == .standardize)
    do {
      _ = try JSONDecoder().decode(DataSpec.self, from: Data(#"{"name": "spiral"}"#.utf8))
      Issue.record("an unknown source name decoded")
    } catch let DecodingError.dataCorrupted(context) {
      #expect(context.debugDescription.contains("unknown name 'spiral'; expected one of spirals, moons"))
    }
  }

  @Test func encodingWritesEveryKeyAndRoundTrips() throws {
    var spec = DataSpec()
    spec.name = .teacher
    spec.task = .regression
    spec.outputs = 3
    spec.samples = 123
    let data = try JSONEncoder().encode(spec)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(object.keys) == Set(DataSpec.CodingKeys.allCases.map(\.rawValue)))
    #expect(object["teacher_depth"] as? Int == 2 && object["test_fraction"] as? Double == 0)
    #expect(try JSONDecoder().decode(DataSpec.self, from: data) == spec)
  }

  @Test func sourceDependentDefaultsResolve() throws {
    var spec = DataSpec()
    spec.name = .mnist1d
    #expect(spec.samples == 5000 && spec.classes == 10 && spec.testFraction == 0.2)
    spec.classes = 4  // fixed for mnist1d: ignored
    #expect(spec.classes == 10)
    spec.name = .moons
    #expect(spec.classes == 2 && spec.samples == 2000 && spec.testFraction == 0)
    spec.name = .idx
    spec.explicitClasses = nil
    #expect(spec.samples == 0 && spec.classes == 0)
    // What is encoded is what is used: mnist1d's resolved 5000 comes back explicit and equal in effect.
    var m = DataSpec()
    m.name = .mnist1d
    let back = try JSONDecoder().decode(DataSpec.self, from: JSONEncoder().encode(m))
    #expect(back.samples == 5000 && back.testFraction == 0.2)
  }
}

@Suite struct DataSpecEqualityTests {
  /// A non-default value for every key, so forgetting a field in `==` fails here.
  static let changed: [String: String] = [
    "name": "\"moons\"", "samples": "7", "classes": "5", "noise": "0.5", "turns": "2", "spread": "3",
    "features": "4", "factor": "0.25", "cells": "6", "teacher_depth": "4", "teacher_width": "8",
    "teacher_activation": "\"relu\"", "singular_values": "[3, 1]", "task": "\"regression\"", "outputs": "2", "images": "\"a\"",
    "labels": "\"b\"", "path": "\"c\"", "label_column": "\"first\"", "header": "\"false\"",
    "scale": "\"none\"", "validation": "0.1", "stratify": "false", "test": "\"d\"", "test_labels": "\"e\"",
    "test_fraction": "0.3", "seed": "11",
  ]

  @Test func everyKeyTakesPartInEquality() throws {
    #expect(Set(Self.changed.keys) == Set(DataSpec.CodingKeys.allCases.map(\.rawValue)))
    for (key, value) in Self.changed {
      let spec = try JSONDecoder().decode(DataSpec.self, from: Data("{\"\(key)\": \(value)}".utf8))
      #expect(spec != DataSpec(), "\(key)")
    }
  }

  @Test func resolvedValuesDecideEquality() {
    var a = DataSpec(), b = DataSpec()
    b.samples = 2000  // spirals' default, now explicit
    #expect(a == b && a.hashValue == b.hashValue)
    a.name = .moons
    b.name = .moons
    b.classes = 7  // moons always has 2 classes
    #expect(a == b && a.hashValue == b.hashValue)
  }
}
