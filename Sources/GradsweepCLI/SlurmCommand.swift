import ArgumentParser
import Foundation
import SweepRunner
import SweepSpec
import UserFacing

extension Gradsweep {
  struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write (and optionally submit) a Slurm job array that runs a sweep in shards, plus a job that merges the report.",
      discussion: """
        Writes two sbatch scripts. The array script has --tasks tasks; task I runs \
        `gradsweep run FILE --shard I/N --resume`, a deterministic part of the runs, into the shared \
        results folder <out>/<sweep name>/. A requeued or resubmitted task resumes: runs that finished \
        are kept. The report script runs `gradsweep report <out>/<sweep name>` and is submitted with \
        --dependency=afterany:<array job>, so it merges whatever the tasks left even if some failed. \
        Slurm's logs go to <out>/slurm-logs/. The compute nodes must see this gradsweep binary, the \
        sweep file and the --out folder at the same absolute paths (a shared file system).

        Without --submit, the command prints the two sbatch commands to run; with it, it runs them \
        and prints both job ids.
        """)

    @OptionGroup var sweep: SweepFileOptions

    @Option(help: ArgumentHelp("Array tasks (shards); at most the number of runs. Each task trains its share of the runs.", valueName: "N"))
    var tasks: Int

    @Option(help: "Slurm partition (default: the cluster's default partition).")
    var partition: String?

    @Option(help: ArgumentHelp("Time limit per array task, HH:MM:SS (or any Slurm format: MM, D-HH:MM, ...).", valueName: "HH:MM:SS"))
    var time: String?

    @Option(help: ArgumentHelp("CPUs per array task; the task trains this many runs at once (--jobs).", valueName: "C"))
    var cpusPerTask: Int?

    @Option(help: ArgumentHelp("Memory per array task, in Slurm's --mem format (e.g. 4G, 500M).", valueName: "M"))
    var mem: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Folder that receives <sweep name>/, the scripts and slurm-logs/.", valueName: "DIR"))
    var out: String = "results"

    @Option(help: "Slurm account to charge.")
    var account: String?

    // Unconditional: the value may itself start with dashes (`--extra --qos=short`).
    @Option(
      parsing: .unconditionalSingleValue,
      help: ArgumentHelp(
        "An extra line for both scripts, e.g. '#SBATCH --qos=short' or just '--qos=short' (repeatable; later lines override earlier ones).",
        valueName: "#SBATCH ..."))
    var extra: [String] = []

    /// The --extra values as #SBATCH lines: a bare option gets the prefix.
    var extraDirectives: [String] { extra.map { $0.hasPrefix("-") ? "#SBATCH " + $0 : $0 } }

    @Option(help: ArgumentHelp("Where to write the array script (default: <out>/<sweep name>.sbatch); the report script goes beside it as <name>.report.<ext>.", valueName: "PATH"), completion: .file())
    var script: String?

    @Flag(help: "Submit both scripts with sbatch (the report job after the array) and print the job ids.")
    var submit = false

    func validate() throws {
      // Every problem at once, so a long command line needs one round of fixes.
      var problems: [String] = []
      if tasks < 1 { problems.append("--tasks must be at least 1 (got \(tasks)).") }
      if let c = cpusPerTask, c < 1 { problems.append("--cpus-per-task must be at least 1 (got \(c)).") }
      problems += [
        time.flatMap { SlurmSettings.problem(time: $0) },
        mem.flatMap { SlurmSettings.problem(memory: $0) },
        partition.flatMap { SlurmSettings.problem(name: $0, option: "--partition") },
        account.flatMap { SlurmSettings.problem(name: $0, option: "--account") },
      ].compactMap { $0 }
      problems += extraDirectives.compactMap { SlurmSettings.problem(extraDirective: $0) }
      if let script, script.hasSuffix("/") {
        problems.append("--script '\(script)' names a folder; give a file path, e.g. \(script)sweep.sbatch")
      }
      if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() throws {
      let plan = try sweep.loadPlan()
      guard tasks <= plan.runs.count else {
        throw CommandFailure(
          .usage,
          "error: --tasks \(tasks) is more than the \(plan.runs.count) runs of sweep '\(plan.name)': use at most \(plan.runs.count) tasks (each task trains at least one run).")
      }
      let outputRoot = Self.absolute(out)
      var job = SlurmJob(
        sweepName: plan.name, runCount: plan.runs.count, executable: Self.executablePath(),
        sweepFile: Self.absolute(sweep.file), outputRoot: outputRoot,
        scriptPath: script.map(Self.absolute) ?? outputRoot + "/" + plan.name + ".sbatch",
        tasks: tasks, partition: partition, time: time, cpusPerTask: cpusPerTask, memory: mem,
        account: account, extraDirectives: extraDirectives)
      job.overrides = sweep.overrides

      let (arrayText, reportText) = (try SlurmScript.arrayScript(job), try SlurmScript.reportScript(job))
      try write(arrayText, to: job.scriptPath)
      try write(reportText, to: job.reportScriptPath)
      // Slurm opens the log files before the job starts and does not create their folder.
      try createFolder(job.logFolder)
      print("wrote \(job.scriptPath)  (\(tasks)-task array over \(plan.runs.count) runs)")
      print("wrote \(job.reportScriptPath)  (report, after the array)")

      guard submit else {
        print("""
          submit with:
            jid=$(sbatch --parsable \(SlurmScript.shellQuoted(job.scriptPath)))
            sbatch --dependency=afterany:$jid \(SlurmScript.shellQuoted(job.reportScriptPath))
          """)
        return
      }
      let sbatch = try Self.findSbatch()
      let arrayID = try Self.submit(sbatch, SlurmScript.arraySubmission(job), what: "the array job")
      let reportID: String
      do {
        reportID = try Self.submit(sbatch, SlurmScript.reportSubmission(arrayJobID: arrayID, job: job), what: "the report job")
      } catch let error as CommandFailure {
        throw CommandFailure(
          error.exitStatus,
          error.description
            + "\nnote: the array job \(arrayID) was submitted; merge its results with  gradsweep report \(SlurmScript.shellQuoted(job.resultsFolder))  when it ends, or cancel it with  scancel \(arrayID)")
      }
      print("array job: \(arrayID)")
      print("report job: \(reportID)")
      print("watch with  squeue -j \(arrayID),\(reportID);  results in \(job.resultsFolder)/, logs in \(job.logFolder)/")
    }

    // MARK: - Files

    func write(_ text: String, to path: String) throws {
      let url = URL(fileURLWithPath: path)
      do {
        try createFolder(url.deletingLastPathComponent().path)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
      } catch let error as CommandFailure {
        throw error
      } catch {
        throw CommandFailure(
          .failure,
          "error: cannot write '\(path)': \(error.localizedDescription); choose a writable --out folder or --script path")
      }
    }

    func createFolder(_ path: String) throws {
      do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      } catch {
        throw CommandFailure(
          .failure, "error: cannot create the folder '\(path)': \(error.localizedDescription); choose a writable --out folder")
      }
    }

    static func absolute(_ path: String) -> String {
      URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// This very executable, so the tasks run the same gradsweep that wrote the script.
    static func executablePath() -> String {
      #if os(Linux)
      if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return resolved
      }
      #endif
      if let url = Bundle.main.executableURL { return url.standardizedFileURL.path }
      return absolute(CommandLine.arguments[0])
    }

    // MARK: - Submitting

    /// `sbatch` from PATH, or a message that says what to do.
    static func findSbatch() throws -> URL {
      let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
      for folder in path.split(separator: ":") where !folder.isEmpty {
        let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("sbatch")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      }
      throw CommandFailure(
        .failure,
        """
        error: sbatch was not found in PATH, so --submit cannot submit the scripts. \
        Install Slurm's client (e.g. `apt-get install slurm-client`) and point it at your cluster, \
        or drop --submit and submit the scripts written above yourself.
        """)
    }

    /// Runs `sbatch ARGUMENTS` and returns the job id; a rejection shows Slurm's own message.
    static func submit(_ sbatch: URL, _ arguments: [String], what: String) throws -> String {
      let command = (["sbatch"] + arguments.map(SlurmScript.shellQuoted)).joined(separator: " ")
      // stderr goes to a file and stdout (one short line) to a pipe read to its end before
      // waiting: neither can fill up and block sbatch, with no second reader thread.
      let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("gradsweep-sbatch-\(UUID().uuidString).err")
      defer { try? FileManager.default.removeItem(at: errorFile) }
      let process = Process()
      process.executableURL = sbatch
      process.arguments = arguments
      let out = Pipe()
      process.standardOutput = out
      process.standardInput = FileHandle.nullDevice
      do {
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
          throw CocoaError(.fileWriteUnknown)
        }
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
      } catch {
        throw CommandFailure(.failure, "error: cannot run \(command): \(error.localizedDescription)")
      }
      let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      let message = ((try? String(contentsOf: errorFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
      guard process.terminationStatus == 0 else {
        throw CommandFailure(
          .failure,
          "error: Slurm rejected \(what) (\(command) exited with status \(process.terminationStatus)):\n\(message.isEmpty ? "(no message)" : message)")
      }
      guard let id = SlurmScript.jobID(fromParsable: output) else {
        throw CommandFailure(
          .failure,
          "error: \(command) printed no job id (output: '\(output.trimmingCharacters(in: .whitespacesAndNewlines))'\(message.isEmpty ? "" : "; message: \(message)"))")
      }
      if !message.isEmpty { printError(message) }  // warnings about an accepted job, e.g. about limits
      return id
    }
  }
}
