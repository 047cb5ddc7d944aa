import Foundation

/// A sweep as a Slurm job array: what `gradsweep slurm` writes, as plain values.
///
/// Every path is absolute, because the scripts run on compute nodes in whatever
/// folder Slurm starts them. Optional settings left `nil` produce no `#SBATCH` line,
/// so the cluster's defaults apply.
package struct SlurmJob: Sendable, Equatable {
  /// The sweep's `name:`; the results go to `<outputRoot>/<sweepName>/`.
  package var sweepName: String
  /// How many runs the sweep expands into (stated in the script's header).
  package var runCount: Int
  /// The `gradsweep` executable the tasks call.
  package var executable: String
  /// The sweep file.
  package var sweepFile: String
  /// The folder given to `--out`.
  package var outputRoot: String
  /// Where the array script is written; the report script goes beside it.
  package var scriptPath: String
  /// Array tasks: task I runs shard I of `tasks`.
  package var tasks: Int
  package var partition: String?
  /// Wall-clock limit in one of Slurm's formats (see ``SlurmSettings/problem(time:)``).
  package var time: String?
  package var cpusPerTask: Int?
  /// Memory per node, e.g. `4G` (Slurm's `--mem`).
  package var memory: String?
  package var account: String?
  /// Whole `#SBATCH ...` lines added to both scripts after gradsweep's own (later
  /// lines override earlier ones in sbatch, so these can override ours).
  package var extraDirectives: [String]
  /// Command-line overrides (`path=value`) each task passes on after the sweep file.
  package var overrides: [String] = []

  package init(
    sweepName: String, runCount: Int, executable: String, sweepFile: String, outputRoot: String,
    scriptPath: String, tasks: Int, partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil,
    memory: String? = nil, account: String? = nil, extraDirectives: [String] = []
  ) {
    self.sweepName = sweepName
    self.runCount = runCount
    self.executable = executable
    self.sweepFile = sweepFile
    self.outputRoot = outputRoot
    self.scriptPath = scriptPath
    self.tasks = tasks
    self.partition = partition
    self.time = time
    self.cpusPerTask = cpusPerTask
    self.memory = memory
    self.account = account
    self.extraDirectives = extraDirectives
  }

  /// `<outputRoot>/<sweepName>`: the results folder the shards share.
  package var resultsFolder: String { SlurmScript.join(outputRoot, sweepName) }
  /// `<outputRoot>/slurm-logs`: Slurm's stdout/stderr files. Outside the results
  /// folder, so `gradsweep run --force` never deletes them and they never look like results.
  /// Slurm does not create it: whoever writes the scripts must.
  package var logFolder: String { SlurmScript.join(outputRoot, "slurm-logs") }
  /// The report script: the array script's path with `.report` before its extension.
  package var reportScriptPath: String { SlurmScript.reportScriptPath(forArrayScript: scriptPath) }
}

/// Why a script cannot be written for these settings.
package enum SlurmScriptError: Error, Equatable, CustomStringConvertible {
  /// sbatch reads `#SBATCH` values up to the end of the line and strips double quotes:
  /// a path with a newline or a `"` cannot be written there.
  case unwritablePath(String)

  package var description: String {
    switch self {
    case .unwritablePath(let path):
      "error: the path '\(path)' contains a double quote or a line break, which an #SBATCH line cannot hold; choose another --out folder"
    }
  }
}

/// The text of the two batch scripts, generated from a ``SlurmJob`` alone (no file
/// system, no clock: the same job always gives the same bytes).
///
/// The array script runs, in task I of N,
/// `gradsweep run SWEEP --shard I/N --jobs ${SLURM_CPUS_PER_TASK:-1} --resume --out OUT --quiet`:
/// shards are a deterministic partition of the runs, so the N tasks together train each
/// run exactly once, and `--resume` makes a requeued or resubmitted task keep the runs
/// that already finished. The report script runs `gradsweep report OUT/NAME`; it is
/// submitted with `--dependency=afterany:<array job>` (see ``reportSubmission(arrayJobID:job:)``)
/// so it merges whatever the tasks left, even when some failed.
package enum SlurmScript {
  /// The sbatch script of the job array.
  package static func arrayScript(_ job: SlurmJob) throws -> String {
    let logStem = percentEscaped(join(job.logFolder, job.sweepName)) + "_%A_%a"
    var lines = [
      "#!/bin/bash",
      "# gradsweep: sweep '\(oneLine(job.sweepName))', \(job.runCount) runs as a job array of \(job.tasks) tasks;",
      "# task I runs shard I of \(job.tasks) into \(oneLine(job.resultsFolder))/.",
      "# Submit this and the report job that merges the shards when the array has ended",
      "# (`gradsweep slurm --submit` does both):",
      "#   jid=$(sbatch --parsable \(shellQuoted(oneLine(job.scriptPath))))",
      "#   sbatch --dependency=afterany:$jid \(shellQuoted(oneLine(job.reportScriptPath)))",
      "# A requeued or resubmitted task resumes: runs already finished are kept.",
      try directive("--job-name", "gradsweep-" + job.sweepName),
      "#SBATCH --array=0-\(job.tasks - 1)",
      try directive("--output", logStem + ".out"),
      try directive("--error", logStem + ".err"),
      "#SBATCH --open-mode=append",
      "#SBATCH --requeue",
      "#SBATCH --ntasks=1",
    ]
    lines += try commonDirectives(job, cpusPerTask: job.cpusPerTask, memory: job.memory)
    lines += job.extraDirectives
    lines += [
      "",
      "# One shard: the runs of this task, trained \(job.cpusPerTask.map { "\($0)" } ?? "1") at a time (--cpus-per-task).",
      runCommand(job),
      "",
    ]
    return lines.joined(separator: "\n")
  }

  /// The sbatch script of the report job that runs after the array.
  package static func reportScript(_ job: SlurmJob) throws -> String {
    let log = percentEscaped(join(job.logFolder, job.sweepName)) + "_report_%j.out"
    var lines = [
      "#!/bin/bash",
      "# gradsweep: merge the shards of sweep '\(oneLine(job.sweepName))' into summary.csv, report.md and",
      "# report.html, listing runs that are missing. Submit after the array job:",
      "#   sbatch --dependency=afterany:<array job id> \(shellQuoted(oneLine(job.reportScriptPath)))",
      try directive("--job-name", "gradsweep-" + job.sweepName + "-report"),
      try directive("--output", log),
      "#SBATCH --ntasks=1",
    ]
    lines += try commonDirectives(job, cpusPerTask: 1, memory: nil)
    lines += job.extraDirectives
    lines += [
      "",
      reportCommand(job),
      "",
    ]
    return lines.joined(separator: "\n")
  }

  /// The command each array task runs (the last line of the array script).
  package static func runCommand(_ job: SlurmJob) -> String {
    [
      ([shellQuoted(job.executable), "run", shellQuoted(job.sweepFile)] + job.overrides.map(shellQuoted)).joined(separator: " "),
      "--shard", "$SLURM_ARRAY_TASK_ID/\(job.tasks)",
      "--jobs", "${SLURM_CPUS_PER_TASK:-1}",
      "--resume", "--out", shellQuoted(job.outputRoot), "--quiet",
    ].joined(separator: " ")
  }

  /// The command of the report job.
  package static func reportCommand(_ job: SlurmJob) -> String {
    "\(shellQuoted(job.executable)) report \(shellQuoted(job.resultsFolder))"
  }

  /// sbatch's arguments for the array job: `--parsable` makes it print only the job id.
  package static func arraySubmission(_ job: SlurmJob) -> [String] {
    ["--parsable", job.scriptPath]
  }

  /// sbatch's arguments for the report job: it starts once every array task has
  /// ended, whatever their exit status (`afterany`), so a failed task still gets a report.
  package static func reportSubmission(arrayJobID: String, job: SlurmJob) -> [String] {
    ["--parsable", "--dependency=afterany:\(arrayJobID)", job.reportScriptPath]
  }

  /// The job id in `sbatch --parsable`'s output: `ID` or `ID;CLUSTER` on the first line.
  package static func jobID(fromParsable output: String) -> String? {
    let firstLine = output.split(whereSeparator: \.isNewline).first ?? ""
    let id = firstLine.split(separator: ";").first.map(String.init) ?? ""
    let trimmed = id.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else { return nil }
    return trimmed
  }

  /// `path` with `.report` before its extension: `x.sbatch` → `x.report.sbatch`,
  /// `x.sh` → `x.report.sh`, `x` → `x.report`.
  package static func reportScriptPath(forArrayScript path: String) -> String {
    let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
    let file = path[slash...]
    if let dot = file.lastIndex(of: "."), dot != file.startIndex {
      return String(path[..<dot]) + ".report" + String(path[dot...])
    }
    return path + ".report"
  }

  /// `s` as one word for a POSIX shell: in single quotes, each `'` written as `'\''`.
  /// Words made only of characters the shell never interprets stay bare, for readability.
  package static func shellQuoted(_ s: String) -> String {
    let plain = s.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+,:=@%".unicodeScalars.contains($0)
    }
    if plain && !s.isEmpty { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  // MARK: - Pieces

  /// Partition, account, time, CPUs and memory, when given.
  static func commonDirectives(_ job: SlurmJob, cpusPerTask: Int?, memory: String?) throws -> [String] {
    var lines: [String] = []
    if let p = job.partition { lines.append(try directive("--partition", p)) }
    if let a = job.account { lines.append(try directive("--account", a)) }
    if let t = job.time { lines.append(try directive("--time", t)) }
    if let c = cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(c)") }
    if let m = memory { lines.append(try directive("--mem", m)) }
    return lines
  }

  /// `#SBATCH --option=value`, the value in double quotes when it holds white space
  /// (sbatch's own parser removes them; it has no escape for a `"` inside).
  static func directive(_ option: String, _ value: String) throws -> String {
    guard !value.contains("\""), !value.contains(where: \.isNewline) else {
      throw SlurmScriptError.unwritablePath(value)
    }
    let needsQuotes = value.contains(where: { $0.isWhitespace }) || value.contains("#")
    return "#SBATCH \(option)=" + (needsQuotes ? "\"\(value)\"" : value)
  }

  /// Slurm expands `%A`, `%a`, `%j`, ... in log file names; a literal `%` is `%%`.
  static func percentEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "%", with: "%%")
  }

  /// Text for a comment line: line breaks would end the comment.
  static func oneLine(_ s: String) -> String {
    String(s.map { $0.isNewline ? " " : $0 })
  }

  static func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }
}

/// Checks of the user's Slurm settings, each returning what is wrong (nil when fine),
/// so the command line can refuse them before writing anything.
package enum SlurmSettings {
  /// Slurm's time formats: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S` (all digits).
  package static func problem(time: String) -> String? {
    let dayAndRest = time.split(separator: "-", omittingEmptySubsequences: false)
    let clock: Substring
    let maxParts: Int
    switch dayAndRest.count {
    case 1: clock = dayAndRest[0]; maxParts = 3
    case 2:
      guard isDigits(dayAndRest[0]) else { return timeMessage(time) }
      clock = dayAndRest[1]; maxParts = 3
    default: return timeMessage(time)
    }
    let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
    guard (1...maxParts).contains(parts.count), parts.allSatisfy(isDigits) else { return timeMessage(time) }
    // Minutes and seconds after the first field are clock digits.
    guard parts.dropFirst().allSatisfy({ Int($0)! < 60 }) else { return timeMessage(time) }
    return nil
  }

  /// `--mem`: a whole number with an optional unit K, M, G or T (megabytes without one).
  package static func problem(memory: String) -> String? {
    var digits = Substring(memory)
    if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
    guard isDigits(digits), Int(digits).map({ $0 > 0 }) == true else {
      return "--mem '\(memory)' is not a memory size: give a whole number with an optional unit, e.g. 4000, 4G or 512M"
    }
    return nil
  }

  /// A partition or account name: one word, no quotes.
  package static func problem(name: String, option: String) -> String? {
    guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "#" }) else {
      return "\(option) '\(name)' is not a Slurm name: give one word without spaces or quotes"
    }
    return nil
  }

  /// An `--extra` line: one line starting with `#SBATCH `.
  package static func problem(extraDirective line: String) -> String? {
    guard line.hasPrefix("#SBATCH "), line.count > 8, !line.contains(where: \.isNewline) else {
      return "--extra '\(line)' is not an #SBATCH line: give one line such as '#SBATCH --qos=short'"
    }
    return nil
  }

  static func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }

  static func timeMessage(_ time: String) -> String {
    "--time '\(time)' is not a Slurm time limit: use HH:MM:SS (e.g. 02:00:00), MM, MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"
  }
}
