import ArgumentParser
import Foundation
import SweepResults
import SweepSpec
import UserFacing

extension Gradsweep {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a commented starter sweep file, ready to run.",
      discussion: """
        Writes NAME.yaml (default: my-sweep.yaml) in the current folder: every section with its common \
        fields and a grid of activation × depth on built-in data, a minute on 2 cores. Edit it, check it \
        with `gradsweep validate`, run it with `gradsweep run`. Never overwrites a file.
        """)

    @Argument(help: "The sweep's name (letters, digits, '.', '_', '-'); also the file name.")
    var name: String = "my-sweep"

    func validate() throws {
      let stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
      guard SweepLoader.isSweepName(stem) else {
        throw ValidationError("'\(UserText.escaped(name))' cannot name a sweep: use letters, digits, '.', '_' and '-', not starting with '.'")
      }
    }

    func run() throws {
      let stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
      let file = stem + ".yaml"
      let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw CommandFailure(
          .invalidInput,
          "error: cannot write '\(file)': \(String(cString: strerror(errno))); choose another name (gradsweep init NAME)")
      }
      let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
      try handle.write(contentsOf: Data(Self.starter(name: stem).utf8))
      try handle.close()
      print("wrote \(file); check it with  gradsweep validate \(file)  and run it with  gradsweep run \(file)")
    }

    /// The starter sweep: valid as written (a test runs it), every section shown.
    static func starter(name: String) -> String {
      """
      # A gradsweep sweep file (docs/sweep-file.md lists every field, its default and range).
      # Check it:  gradsweep validate \(name).yaml      Run it:  gradsweep run \(name).yaml
      name: \(name)                       # the results folder: results/\(name)/
      description: >-
        Which activations keep their gradient as depth grows? Watch grad_ratio_init in
        summary.csv: layer 1's gradient over the last hidden layer's, at initialisation.
      seed: 1
      replicates: 2                        # seeds 1 and 2: every combination runs twice

      data:                                # gradsweep list datasets
        name: spirals
        samples: 2000
        classes: 3
        noise: 0.2
        validation: 0.2                    # fraction held out for val_loss / val_accuracy

      model:                               # a dense network: input → depth × width → output
        width: 32
        depth: 6
        activation: sigmoid                # gradsweep list activations
        initializer: xavier_normal         # gradsweep list initializers
        # weight_variance: 1.0             # σ_w²: W ~ N(0, σ_w²/fan_in), replaces the initializer

      training:
        optimizer: sgd                     # gradsweep list optimizers
        learning_rate: 0.1
        batch_size: 32
        epochs: 20                         # or steps: N (steps: 0 measures at initialisation only)

      log:
        every: 10                          # per-layer statistics every 10 steps (layers.csv)

      sweep:                               # any field above can be an axis, by its dotted path
        grid:
          model.activation: [sigmoid, tanh, relu]
          model.depth: [2, 6, 12]
        # zip, random, exclude and include: docs/sweep-file.md

      report:
        panels: model.activation           # one chart panel per activation
        lines: model.depth                 # one line per depth

      """
    }
  }
}
