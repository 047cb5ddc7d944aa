import Foundation
import GradData
import GradEngine
import GradKernels
import SweepResults
import SweepSpec

/// `gradsweep rerun`: repeats one run from its folder alone and says whether the new
/// logs are identical to the old ones.
///
/// The folder holds everything needed: `config.yaml` is the fully resolved config
/// (seed and data seed included) and `provenance.json` names the sweep file, whose
/// folder relative data paths are resolved against. The run is trained by the same
/// `RunExecutor` as in a sweep, so a rerun exercises exactly the code that made the
/// original.
package enum RunReplay {
  package struct Outcome: Sendable {
    /// `<output root>/runs/<run_id>`: the new run.
    package let newFolder: URL
    package let oldStatus: RunStatus?
    package let newStatus: RunStatus
    /// The first difference between the old and the new logs; nil when identical.
    package let difference: RunLogComparison.Difference?
    package var identical: Bool { difference == nil }
  }

  /// Trains the run saved in `runFolder` again, into `outputRoot/runs/<run_id>`.
  ///
  /// - Throws: `ResultsError` when the folder is not a run's, `DataCatalogError` when
  ///   its data cannot be built again, `SchedulerError` when the model does not fit in
  ///   memory or the output cannot be written.
  package static func rerun(
    _ runFolder: URL, into outputRoot: URL, stop: StopFlag, version: String,
    memoryLimit: UInt64 = ProcessInfo.processInfo.physicalMemory
  ) throws -> Outcome {
    let runFolder = runFolder.standardizedFileURL
    let runID = runFolder.lastPathComponent
    let configURL = runFolder.appendingPathComponent(ResultsLayout.configFile)
    let configText: String
    do {
      configText = try String(contentsOf: configURL, encoding: .utf8)
    } catch {
      throw ResultsError.missingFile(
        path: configURL.path, what: "the run's resolved config (a run folder is results/<name>/runs/<run_id>)")
    }
    let config: RunConfig
    do {
      config = try RunConfig(yaml: configText)
    } catch {
      throw ResultsError.unreadable(path: configURL.path, reason: "\(error)")
    }
    let provenanceURL = runFolder.appendingPathComponent(ResultsLayout.provenanceFile)
    let provenance = FileManager.default.fileExists(atPath: provenanceURL.path) ? try Provenance.read(from: provenanceURL) : nil
    let oldStatus = try RunStatus.read(from: runFolder.appendingPathComponent(ResultsLayout.statusFile))

    // The data: the config's own data seed (always set in a planned run), else the one
    // provenance recorded; files relative to the sweep file's folder.
    let sweepFolder = runFolder.deletingLastPathComponent().deletingLastPathComponent()
    let baseDirectory = provenance?.environment.sweepDirectory ?? sweepFolder
    let dataSeed = DataLoader.dataSeed(config.data, defaultSeed: provenance?.seeds?.data ?? config.seed)
    let problems = DataLoader.validate(config.data, baseDirectory: baseDirectory)
    guard problems.isEmpty else {
      throw DataCatalogError(messages: problems.map { "\(configURL.path): error: \($0) (relative paths are resolved against \(baseDirectory.path))" })
    }
    let data: DataSplit
    do {
      data = try DataLoader.load(config.data, baseDirectory: baseDirectory, defaultSeed: dataSeed)
    } catch {
      throw DataCatalogError(messages: ["\(configURL.path): error: \(error)"])
    }

    let run = PreparedRun(PlannedRun(index: 0, id: runID, axisValues: [], config: config, replicate: 0), data: data)
    if let message = config.training.totalStepsProblem(trainingRows: data.train.count) {
      throw SchedulerError.tooLarge("\(configURL.path): error: \(message)")
    }
    let bytes = MemoryCheck.bytesNeeded(run)
    if bytes > 0, UInt64(bytes) > memoryLimit {
      throw SchedulerError.tooLarge(
        "\(configURL.path): error: the run needs \(MemoryCheck.gibibytes(bytes)) of memory for its model, more than the \(MemoryCheck.gibibytes(Int(clamping: memoryLimit))) this machine has")
    }

    let layout = ResultsLayout(root: outputRoot.standardizedFileURL)
    let newFolder = layout.runFolder(runID).standardizedFileURL
    guard newFolder.path != runFolder.path else {
      throw SchedulerError.cannotWrite(path: newFolder.path, reason: "that is the run being repeated; choose another --out")
    }
    guard !FileManager.default.fileExists(atPath: newFolder.path) else {
      throw SchedulerError.cannotWrite(path: newFolder.path, reason: "it already exists; choose another --out or remove it")
    }
    do {
      try FileManager.default.createDirectory(at: layout.runsFolder, withIntermediateDirectories: true)
    } catch {
      throw SchedulerError.cannotWrite(path: layout.root.path, reason: OutputErrors.reason(error))
    }
    let sweepText = (try? String(contentsOf: sweepFolder.appendingPathComponent(ResultsLayout.sweepFile), encoding: .utf8)) ?? ""
    let environment = Provenance.Environment.current(
      version: version, sweepText: sweepText, sweepPath: provenance?.environment.sweepFile,
      kernelFamily: KernelFamily.active.rawValue)
    let prediction = RunPrediction(model: config.model, input: InputStatistics(training: data.train))
      .file(model: config.model, batchSize: config.training.batchSize)
    let executor = RunExecutor(
      layout: layout, stop: stop, environment: environment, dataSeed: { _ in dataSeed },
      predictions: [runID: prediction])
    let execution = executor.execute(run)
    if let problem = execution.outputProblem {
      throw SchedulerError.cannotWrite(path: layout.root.path, reason: problem)
    }
    let difference = try RunLogComparison.firstDifference(old: runFolder, new: newFolder)
    return Outcome(newFolder: newFolder, oldStatus: oldStatus, newStatus: execution.status, difference: difference)
  }
}
