import Foundation
import Testing

@testable import SweepSpec

/// Every kind of problem, with its exact message and position.
@Suite struct ValidationTests {
  // MARK: Rendering

  @Test func diagnosticRendersCompilerStyleWithCaret() throws {
    let diagnostics = problems("model:\n  activation: sigmiod\n", path: "configs/x.yaml")
    #expect(diagnostics.count == 1)
    #expect(
      diagnostics[0].description == """
        configs/x.yaml:2:15: error: unknown activation 'sigmiod' (did you mean 'sigmoid'?)
          activation: sigmiod
                      ^
        """)
  }

  @Test func notesFollowTheCaret() {
    let diagnostics = problems("model: {initializer: foo}\n")
    #expect(diagnostics.count == 1)
    #expect(diagnostics[0].description.hasPrefix("x.yaml:1:22: error: unknown initializer 'foo'\nmodel: {initializer: foo}\n                     ^\nnote: expected one of: standard, normal, uniform"))
  }

  @Test func caretKeepsTabsAligned() {
    let diagnostic = Diagnostic(file: "f", line: 1, column: 3, message: "m", sourceLine: "\tab")
    #expect(diagnostic.description == "f:1:3: error: m\n\tab\n\t ^")
  }

  // MARK: Unknown keys

  @Test func unknownKeyInSectionSuggestsTheClosest() {
    #expect(singleError("model:\n  widht: 3\n") == "2:3: unknown key 'widht' in model (did you mean 'width'?)")
    #expect(singleError("training: {lerning_rate: 0.1}") == "1:12: unknown key 'lerning_rate' in training (did you mean 'learning_rate'?)")
    #expect(singleError("data: {nosie: 0.1}") == "1:8: unknown key 'nosie' in data (did you mean 'noise'?)")
    #expect(singleError("log: {evry: 5}") == "1:7: unknown key 'evry' in log (did you mean 'every'?)")
    #expect(singleError("report: {panel: model.depth}") == "1:10: unknown key 'panel' in report (did you mean 'panels'?)")
  }

  @Test func keyInTheWrongSectionPointsToItsSection() {
    #expect(singleError("model: {learning_rate: 0.1}") == "1:9: unknown key 'learning_rate' in model (did you mean 'training.learning_rate'?)")
  }

  @Test func unknownKeyWithoutSuggestionListsTheKeys() {
    let diagnostics = problems("log: {colour: red}")
    #expect(diagnostics.map(\.message) == ["unknown key 'colour' in log"])
    #expect(
      diagnostics.first?.note
        == "log keys: every, validate, preact_grad_norm, correlation, jacobian, jacobian_every, weight_distance, spectral_norm, grad_quantiles")
  }

  @Test func unknownTopLevelKeys() {
    #expect(singleError("modle: {depth: 2}") == "1:1: unknown key 'modle' (did you mean 'model'?)")
    #expect(singleError("depth: 2") == "1:1: unknown key 'depth' (did you mean 'model.depth'?)")
    #expect(singleError("grid: {model.depth: [2]}") == "1:1: unknown key 'grid' (did you mean 'sweep.grid'?)")
    #expect(singleError("sweep:\n  grd: {model.depth: [2]}\n") == "2:3: unknown key 'grd' in sweep (did you mean 'grid'?)")
  }

  // MARK: Types

  @Test func wrongTypesNameTheExpectedType() {
    #expect(singleError("model: {width: abc}") == "1:16: model.width must be an integer, got 'abc'")
    #expect(singleError("model: {depth: 2.5}") == "1:16: model.depth must be an integer, got '2.5'")
    #expect(singleError("training: {learning_rate: fast}") == "1:27: training.learning_rate must be a number, got 'fast'")
    #expect(singleError("log: {validate: maybe}") == "1:17: log.validate must be true or false, got 'maybe'")
    #expect(singleError("model: {widths: 64}") == "1:17: model.widths must be a list, got '64'")
    #expect(singleError("model: {widths: [64, x]}") == "1:22: model.widths[1] must be an integer, got 'x'")
    #expect(singleError("model: {activation: [relu]}") == "1:21: model.activation must be an activation name, got a list")
    #expect(singleError("seed: -1") == "1:7: seed must be a non-negative integer, got '-1'")
    #expect(singleError("model: {depth: 99999999999999999999999}") == "1:16: model.depth is out of range, got '99999999999999999999999'")
    #expect(singleError("data: {samples: many}") == "1:17: data.samples must be an integer, got 'many'")
  }

  @Test func sectionsMustBeMappings() {
    #expect(singleError("model: 3") == "1:8: model must be a mapping of keys (model: {key: value, …}), got '3'")
    #expect(singleError("- a\n- b\n") == "1:1: a sweep file is a mapping of keys (name:, data:, model:, training:, sweep:, …), got a list")
  }

  @Test func nullIsNotAValueForRequiredFields() {
    #expect(singleError("model: {depth: null}") == "1:16: model.depth cannot be null (leave it out for the default, 4)")
  }

  // MARK: Names

  @Test func unknownNamesSuggestFromTheAcceptedNames() {
    #expect(singleError("model: {activation: sigmiod}") == "1:21: unknown activation 'sigmiod' (did you mean 'sigmoid'?)")
    #expect(singleError("model: {initializer: xavier_norml}") == "1:22: unknown initializer 'xavier_norml' (did you mean 'xavier_normal'?)")
    #expect(singleError("training: {optimizer: adamw}") == "1:23: unknown optimizer 'adamw' (did you mean 'adam'?)")
    #expect(singleError("training: {loss: crossentropy}") == "1:18: unknown loss 'crossentropy' (did you mean 'cross_entropy'?)")
    #expect(singleError("model: {output: softmx}") == "1:17: unknown output 'softmx' (did you mean 'softmax'?)")
    #expect(singleError("data: {name: mnst1d}") == "1:14: unknown data source 'mnst1d' (did you mean 'mnist1d'?)")
    #expect(singleError("data: {scale: minmx}") == "1:15: unknown scaling 'minmx' (did you mean 'minmax'?)")
  }

  @Test func aliasesAreAcceptedAndSpeltCanonically() throws {
    let plan = try plan("model: {activation: swish, initializer: kaiming_uniform}\ndata: {name: mnist_1d}\ntraining: {loss: bce, output: null}" .replacingOccurrences(of: ", output: null", with: ""))
    #expect(plan.runs[0].config.model.activation == .silu)
    #expect(plan.runs[0].config.model.initializer == .heUniform)
    #expect(plan.runs[0].config.data.name == .mnist1d)
    #expect(plan.runs[0].config.training.loss == .fixed(.binaryCrossEntropy))
  }

  // MARK: Ranges

  @Test func outOfRangeValues() {
    #expect(singleError("model: {depth: -1}") == "1:16: model.depth must be at least 0, got -1")
    #expect(singleError("model: {width: 0}") == "1:16: model.width must be at least 1, got 0")
    #expect(singleError("model: {widths: [8, 0]}") == "1:21: model.widths[1] must be at least 1, got 0")
    #expect(singleError("model: {widths: []}") == "1:17: model.widths must list at least one width (or be null to use width × depth)")
    #expect(singleError("training: {learning_rate: 0}") == "1:27: training.learning_rate must be greater than 0, got 0.0")
    #expect(singleError("training: {learning_rate: .inf}") == "1:27: training.learning_rate must be a finite number, got .inf")
    #expect(singleError("training: {batch_size: 0}") == "1:24: training.batch_size must be at least 1, got 0")
    #expect(singleError("training: {epochs: 0}") == "1:20: training.epochs must be at least 1, got 0")
    #expect(singleError("training: {steps: -5}") == "1:19: training.steps must be at least 0, got -5")
    #expect(singleError("training: {momentum: 1}") == "1:22: training.momentum must be in [0, 1), got 1.0")
    #expect(singleError("log: {every: -1}") == "1:14: log.every must be at least 0, got -1")
    #expect(singleError("data: {validation: 1}") == "1:20: data.validation must be a fraction in [0, 1), got 1.0")
    #expect(singleError("data: {validation: -0.1}") == "1:20: data.validation must be a fraction in [0, 1), got -0.1")
    #expect(singleError("replicates: 0") == "1:13: replicates must be at least 1, got 0")
  }

  /// The linear teacher's list is read as numbers and its problems point at the list.
  @Test func singularValuesAreLocatedAtTheirList() throws {
    let base = "data: {name: teacher, task: regression, features: 4, outputs: 4, singular_values: "
    #expect(try plan(base + "[3, 1]}").runs[0].config.data.singularValues == [3, 1])
    #expect(singleError(base + "[3, 0]}") == "1:83: singular values must be finite and > 0, got 0.0")
    #expect(singleError(base + "three}") == "1:83: data.singular_values must be a list, got 'three'")
  }

  @Test func logEveryZeroIsAllowed() throws {
    #expect(try plan("log: {every: 0}").runs[0].config.log.every == 0)
  }

  @Test func fileSourcesNeedTheirFiles() {
    #expect(singleError("data: {name: csv}") == "1:14: csv needs path: FILE.csv")
    #expect(singleError("data: {name: idx, images: a}") == "1:14: idx needs labels: PATH (e.g. train-labels-idx1-ubyte.gz)")
  }

  // MARK: Lengths

  @Test func epochsAndStepsTogetherAreAnError() {
    #expect(singleError("training: {epochs: 5, steps: 100}") == "1:30: both training.epochs and training.steps are set; set only one")
    #expect(singleError("training: {epochs: 5}\nsweep: {grid: {training.steps: [100]}}") == "2:33: both training.epochs and training.steps are set; set only one")
    #expect(singleError("sweep: {grid: {training.steps: [100], training.epochs: [3]}}") == "1:33: both training.epochs and training.steps are set; set only one")
  }

  // MARK: Axes

  @Test func emptyAxis() {
    #expect(singleError("sweep:\n  grid:\n    model.depth: []\n") == "3:18: empty axis: sweep.grid.model.depth has no values")
  }

  @Test func axisMustBeAList() {
    #expect(singleError("sweep:\n  grid:\n    model.depth: 4\n") == "3:18: sweep.grid.model.depth must be a list of values, e.g. [a, b], got '4'")
  }

  @Test func unknownAxisPath() {
    #expect(singleError("sweep:\n  grid:\n    model.activaton: [relu]\n") == "3:5: unknown axis 'model.activaton' (did you mean 'model.activation'?)")
    #expect(singleError("sweep:\n  grid:\n    depth: [2]\n") == "3:5: unknown axis 'depth' (did you mean 'model.depth'?)")
    #expect(singleError("sweep:\n  grid:\n    optimizer.momentum: [0.9]\n") == "3:5: unknown axis 'optimizer.momentum' (did you mean 'training.momentum'?)")
    #expect(singleError("sweep:\n  grid:\n    seed: [1, 2]\n") == "3:5: seed cannot be an axis")
  }

  @Test func axisValuesAreValidatedLikeTheField() {
    #expect(errorLines("sweep:\n  grid:\n    model.activation: [relu, sigmiod, tanh]\n    model.depth: [2, -1, x]\n") == [
      "3:30: unknown activation 'sigmiod' (did you mean 'sigmoid'?)",
      "4:22: model.depth must be at least 0, got -1",
      "4:26: model.depth must be an integer, got 'x'",
    ])
  }

  @Test func sameFieldTwiceIsAnError() {
    #expect(singleError("sweep:\n  grid: {model.depth: [2]}\n  zip: {model.depth: [4]}\n") == "3:9: model.depth is already an axis (line 2)")
  }

  @Test func zipListsMustHaveEqualLengths() {
    #expect(singleError("sweep:\n  zip:\n    model.activation: [relu, tanh]\n    model.initializer: [he_normal]\n") == "4:24: sweep.zip lists must have equal lengths: model.initializer has 1 values, model.activation has 2")
  }

  // MARK: Duplicates

  @Test func duplicateAxisValues() {
    #expect(singleError("sweep:\n  grid:\n    model.activation: [relu, tanh, relu]\n") == "3:36: duplicate value 'relu' for model.activation (line 3)")
    #expect(singleError("sweep:\n  grid:\n    model.initializer: [xavier_normal, glorot_normal]\n") == "3:40: duplicate value 'glorot_normal' for model.initializer: same as 'xavier_normal' (line 3)")
  }

  @Test func duplicateRunsFromIncludeAndZip() {
    #expect(singleError("sweep:\n  grid: {model.depth: [2, 4]}\n  include:\n    - {model.depth: 4}\n") == "4:7: duplicate run: model.depth=4 gives the same configuration as model.depth=4")
    #expect(singleError("sweep:\n  zip:\n    model.depth: [2, 2]\n    model.width: [8, 8]\n") == "4:22: duplicate run: model.depth=2, model.width=8 gives the same configuration as model.depth=2, model.width=8")
  }

  // MARK: Random

  @Test func randomDistributionsAreChecked() {
    #expect(singleError("sweep:\n  random:\n    samples: 3\n    axes: {training.learning_rate: {log_uniform: [0, 1]}}\n") == "4:51: log_uniform bounds must be greater than 0, got 0")
    #expect(singleError("sweep:\n  random:\n    samples: 3\n    axes: {model.depth: {uniform: [2, 8]}}\n") == "4:26: model.depth takes whole numbers: use int_uniform")
    #expect(singleError("sweep:\n  random:\n    samples: 3\n    axes: {model.activation: {uniform: [2, 8]}}\n") == "4:31: model.activation is not numeric: give a list of values instead of uniform")
    #expect(singleError("sweep:\n  random:\n    samples: 3\n    axes: {training.momentum: {normal: [0, 1]}}\n") == "4:32: unknown distribution 'normal'")
    #expect(singleError("sweep:\n  random:\n    samples: 3\n    axes: {training.momentum: {uniform: [0.5, 1.5]}}\n") == "4:47: training.momentum must be in [0, 1), got 1.5")
    #expect(singleError("sweep:\n  random:\n    samples: 5\n    axes: {model.activation: [relu, tanh]}\n") == "3:14: sweep.random.samples asks for 5 distinct combinations, but its axes allow only 2")
    #expect(singleError("sweep:\n  random:\n    axes: {model.activation: [relu, tanh]}\n") == "3:5: sweep.random needs samples: N (how many combinations to draw)")
  }

  // MARK: Exclude, include, report

  @Test func excludeMustNameAxes() {
    #expect(singleError("sweep:\n  grid: {model.depth: [2, 4]}\n  exclude:\n    - {model.width: 8}\n") == "4:8: exclude: model.width is not an axis of this sweep")
  }

  @Test func everythingExcluded() {
    #expect(singleError("sweep:\n  grid: {model.depth: [2]}\n  exclude:\n    - {model.depth: 2}\n") == "3:3: every run is excluded; nothing would run")
  }

  @Test func reportMustNameAxes() {
    #expect(singleError("report: {panels: model.dept}\nsweep: {grid: {model.depth: [2]}}") == "1:18: report.panels: 'model.dept' is not an axis of this sweep (did you mean 'model.depth'?)")
    #expect(singleError("report: {charts: [loss, gradient]}") == "1:25: unknown chart 'gradient' (did you mean 'gradients'?)")
    #expect(singleError("report: {heatmap: [model.depth]}\nsweep: {grid: {model.depth: [2]}}") == "1:19: report.heatmap names two axes [x, y], got 1")
  }

  /// Issue 18: `report.heatmap: <metric>` (a name, not a list) chooses what the heatmap colours.
  @Test func heatmapTakesAMetricByName() throws {
    #expect(try plan("report: {heatmap: test_accuracy}").report.heatmapMetric == "test_accuracy")
    #expect(try plan("report: {heatmap: test_accuracy}").report.heatmap == nil)
    let both = try plan("report: {heatmap: [model.depth, model.width], heatmap_metric: grad_ratio_init}\nsweep: {grid: {model.depth: [2, 4], model.width: [8, 16]}}").report
    #expect(both.heatmap == ["model.depth", "model.width"] && both.heatmapMetric == "grad_ratio_init")
    #expect(singleError("report: {heatmap: final_acuracy}") == "1:19: report.heatmap: unknown metric 'final_acuracy' (did you mean 'final_accuracy'?)")
    #expect(singleError("report:\n  heatmap_metric: loss") != nil)
  }

  // MARK: Cross-field

  @Test func headAndLossMustAgree() {
    #expect(singleError("model: {output: sigmoid}\ntraining: {loss: cross_entropy}") == "2:18: training.loss cross_entropy needs model.output softmax (or auto), got sigmoid")
    #expect(singleError("data: {name: teacher, task: regression}\ntraining: {loss: cross_entropy}") == "2:18: training.loss cross_entropy needs class labels, but data.task is regression")
    // Each run that contradicts is reported at the axis value that makes it so.
    #expect(errorLines("sweep: {grid: {model.output: [softmax, sigmoid, linear]}}\ntraining: {loss: binary_cross_entropy}") == [
      "1:31: training.loss binary_cross_entropy needs model.output sigmoid (or auto), got softmax",
      "1:49: training.loss binary_cross_entropy needs model.output sigmoid (or auto), got linear",
    ])
  }

  @Test func hugeModelsAreRefusedWithTheMemoryTheyNeed() {
    let lines = errorLines("model: {width: 65536, depth: 1000}")
    #expect(lines == [
      "1:16: model too large: 4,290,738,192,387 parameters would need 31968.5 GiB (weights, gradients and optimizer state as 32-bit floats); the limit is 2,147,483,648 parameters (2^31)"
    ])
  }

  // MARK: Header

  @Test func nameMustBeAFolderName() {
    #expect(singleError("name: ../etc") == "1:7: name '../etc' cannot name a results folder")
  }

  // MARK: YAML itself

  @Test func malformedYAMLIsReportedWithItsPosition() {
    let diagnostics = problems("model:\n  width: 3\n depth: 4\n")
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first.map { "\($0.line):\($0.column)" } != "0:0")
    #expect(diagnostics.first?.message.hasPrefix("invalid YAML: ") == true)
    let unclosed = problems("model: {width: 3\n")
    #expect(unclosed.first?.message.hasPrefix("invalid YAML: ") == true)
    #expect(unclosed.first?.line ?? 0 >= 1)
  }

  @Test func duplicateKeysPointAtTheRepeat() {
    #expect(singleError("model:\n  width: 3\n  depth: 2\n  width: 4\n") == "4:3: duplicate key 'width' in one mapping")
  }

  // MARK: Files

  @Test func missingAndNonUTF8Files() throws {
    let scratch = try ScratchDirectory()
    do {
      _ = try SweepLoader.load(path: scratch.path + "/none.yaml")
      Issue.record("loaded a missing file")
    } catch let error as SweepDiagnostics {
      #expect(error.diagnostics.map(\.message) == ["cannot read '\(scratch.path)/none.yaml': no such file"])
    }
    let binary = scratch.path + "/binary.yaml"
    _ = FileManager.default.createFile(atPath: binary, contents: Data("model:\n  w\u{e9}: 1\n".utf8.map { $0 == 0xC3 ? 0xFF : $0 }))
    do {
      _ = try SweepLoader.load(path: binary)
      Issue.record("loaded a non-UTF-8 file")
    } catch let error as SweepDiagnostics {
      #expect(error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == ["2:4: the file is not UTF-8 text (byte 0xFF)"])
    }
  }

  // MARK: All at once

  @Test func everyProblemOfAFileIsReported() throws {
    let text = """
      name: many-problems
      replicates: 0
      data: {name: spirals, validation: 1.5}
      model:
        activation: sigmiod
        widht: 32
        depth: -1
      training:
        optimizer: adamw
        learning_rate: -0.1
        batch_size: 0
        epochs: 5
        steps: 10
      log: {every: -1}
      sweep:
        grid:
          model.initializer: [xavier_normal, glorot_normal]
          model.dept: [2, 4]
          training.momentum: []

      """
    let diagnostics = problems(text, path: "configs/many.yaml")
    #expect(diagnostics.map { "\($0.line):\($0.column): \($0.message)" } == [
      "2:13: replicates must be at least 1, got 0",
      "3:35: data.validation must be a fraction in [0, 1), got 1.5",
      "5:15: unknown activation 'sigmiod' (did you mean 'sigmoid'?)",
      "6:3: unknown key 'widht' in model (did you mean 'width'?)",
      "7:10: model.depth must be at least 0, got -1",
      "9:14: unknown optimizer 'adamw' (did you mean 'adam'?)",
      "10:18: training.learning_rate must be greater than 0, got -0.1",
      "11:15: training.batch_size must be at least 1, got 0",
      "13:10: both training.epochs and training.steps are set; set only one",
      "14:14: log.every must be at least 0, got -1",
      "17:40: duplicate value 'glorot_normal' for model.initializer: same as 'xavier_normal' (line 17)",
      "18:5: unknown axis 'model.dept' (did you mean 'model.depth'?)",
      "19:24: empty axis: sweep.grid.training.momentum has no values",
    ])
    let error = try #require(try? { () throws -> SweepDiagnostics? in
      do { _ = try SweepLoader.load(text: text, path: "configs/many.yaml") } catch let e as SweepDiagnostics { return e }
      return nil
    }())
    #expect(error.description.hasSuffix("\n\n13 errors"))
    #expect(error.description.hasPrefix("configs/many.yaml:2:13: error: replicates must be at least 1, got 0\nreplicates: 0\n            ^\n"))
  }
}

@Suite struct DataSectionTests {
  @Test func dataSeedDefaultsToTheSweepSeedExceptMNIST1D() throws {
    #expect(try plan("seed: 9\nreplicates: 2").runs.map(\.config.data.seed) == [9, 9])
    #expect(try plan("seed: 9\ndata: {name: mnist1d}").runs[0].config.data.seed == 42)
    #expect(try plan("seed: 9\ndata: {seed: 3}").runs[0].config.data.seed == 3)
  }

  @Test func fileSourcesAcceptZeroForAllRowsAndInferredClasses() throws {
    let plan = try plan("data: {name: csv, path: d.csv, samples: 0, classes: 0}", checkingDataFiles: false)
    #expect(plan.runs[0].config.data.samples == 0 && plan.runs[0].config.data.classes == 0)
    #expect(singleError("data: {samples: 0}") == "1:17: spirals needs at least 3 samples, got 0")
    #expect(singleError("data: {classes: 1}") == "1:17: spirals needs 2…10000 classes, got 1")
  }

  @Test func regressionNeedsATeacherOrCSV() {
    #expect(singleError("data: {name: moons, task: regression}") == "1:27: moons is a classification set; regression is available for teacher and csv")
  }

  @Test func axisValuesOfDataFieldsAreCheckedAgainstTheBase() {
    #expect(errorLines("sweep:\n  grid:\n    data.name: [spirals, csv, idx]\n") == [
      "3:26: csv needs path: FILE.csv",
      "3:31: idx needs images: PATH (e.g. train-images-idx3-ubyte.gz)",
      "3:31: idx needs labels: PATH (e.g. train-labels-idx1-ubyte.gz)",
    ])
  }
}
