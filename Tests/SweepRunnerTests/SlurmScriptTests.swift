import Foundation
import Testing

@testable import SweepRunner

/// The sbatch scripts `gradsweep slurm` writes, read back line by line and run by bash
/// with a stand-in for the gradsweep binary that prints the arguments it received.
@Suite("Slurm scripts")
struct SlurmScriptTests {
  static let job = SlurmJob(
    sweepName: "depth-sweep", runCount: 24, executable: "/opt/gradsweep/bin/gradsweep",
    sweepFile: "/home/ana/configs/depth.yaml", outputRoot: "/scratch/ana/results",
    scriptPath: "/scratch/ana/results/depth-sweep.sbatch", tasks: 3)

  /// The `#SBATCH` lines as sbatch reads them: from the top of the script up to the
  /// first line that is neither a comment nor blank.
  static func directives(_ script: String) -> [String] {
    var found: [String] = []
    for line in script.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { continue }
      guard text.hasPrefix("#") else { break }
      if text.hasPrefix("#SBATCH ") { found.append(text) }
    }
    return found
  }

  /// Non-comment, non-blank lines: what bash executes.
  static func commands(_ script: String) -> [String] {
    script.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
  }

  @Test func arrayScriptHasTheArrayTheLogsAndRequeue() throws {
    let script = try SlurmScript.arrayScript(Self.job)
    #expect(script.hasPrefix("#!/bin/bash\n"))
    #expect(Self.directives(script) == [
      "#SBATCH --job-name=gradsweep-depth-sweep",
      "#SBATCH --array=0-2",
      "#SBATCH --output=/scratch/ana/results/slurm-logs/depth-sweep_%A_%a.out",
      "#SBATCH --error=/scratch/ana/results/slurm-logs/depth-sweep_%A_%a.err",
      "#SBATCH --open-mode=append",
      "#SBATCH --requeue",
      "#SBATCH --ntasks=1",
    ])
    #expect(Self.commands(script) == [
      "/opt/gradsweep/bin/gradsweep run /home/ana/configs/depth.yaml --shard $SLURM_ARRAY_TASK_ID/3 "
        + "--jobs ${SLURM_CPUS_PER_TASK:-1} --resume --out /scratch/ana/results --quiet"
    ])
  }

  @Test func optionalSettingsBecomeDirectivesAndExtrasComeLast() throws {
    var job = Self.job
    job.tasks = 8
    job.partition = "short"
    job.account = "proj42"
    job.time = "02:00:00"
    job.cpusPerTask = 4
    job.memory = "8G"
    job.extraDirectives = ["#SBATCH --qos=low", "#SBATCH --mail-type=END"]
    let array = Self.directives(try SlurmScript.arrayScript(job))
    #expect(array.contains("#SBATCH --array=0-7"))
    #expect(Array(array.suffix(7)) == [
      "#SBATCH --partition=short", "#SBATCH --account=proj42", "#SBATCH --time=02:00:00",
      "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --qos=low", "#SBATCH --mail-type=END",
    ])
    #expect(Self.commands(try SlurmScript.arrayScript(job)).last!.contains("--shard $SLURM_ARRAY_TASK_ID/8 "))

    // The report job: same partition, account, time limit and extras, one CPU, no array, no memory request.
    let report = Self.directives(try SlurmScript.reportScript(job))
    #expect(report == [
      "#SBATCH --job-name=gradsweep-depth-sweep-report",
      "#SBATCH --output=/scratch/ana/results/slurm-logs/depth-sweep_report_%j.out",
      "#SBATCH --ntasks=1",
      "#SBATCH --partition=short", "#SBATCH --account=proj42", "#SBATCH --time=02:00:00",
      "#SBATCH --cpus-per-task=1", "#SBATCH --qos=low", "#SBATCH --mail-type=END",
    ])
  }

  @Test func reportScriptMergesTheResultsFolder() throws {
    let script = try SlurmScript.reportScript(Self.job)
    #expect(Self.commands(script) == ["/opt/gradsweep/bin/gradsweep report /scratch/ana/results/depth-sweep"])
    #expect(!script.contains("--array"))
  }

  @Test func reportIsSubmittedAfterAnyEndOfTheArray() {
    #expect(SlurmScript.arraySubmission(Self.job) == ["--parsable", "/scratch/ana/results/depth-sweep.sbatch"])
    #expect(SlurmScript.reportSubmission(arrayJobID: "1234", job: Self.job) == [
      "--parsable", "--dependency=afterany:1234", "/scratch/ana/results/depth-sweep.report.sbatch",
    ])
    // The header tells a user who submits by hand the same two steps.
    let script = try! SlurmScript.arrayScript(Self.job)
    #expect(script.contains("#   jid=$(sbatch --parsable /scratch/ana/results/depth-sweep.sbatch)\n"))
    #expect(script.contains("#   sbatch --dependency=afterany:$jid /scratch/ana/results/depth-sweep.report.sbatch\n"))
  }

  @Test func reportScriptSitsBesideTheArrayScript() {
    #expect(SlurmScript.reportScriptPath(forArrayScript: "/a/x.sbatch") == "/a/x.report.sbatch")
    #expect(SlurmScript.reportScriptPath(forArrayScript: "/a/x.sh") == "/a/x.report.sh")
    #expect(SlurmScript.reportScriptPath(forArrayScript: "/a.b/x") == "/a.b/x.report")
    #expect(SlurmScript.reportScriptPath(forArrayScript: "/a/.hidden") == "/a/.hidden.report")
  }

  @Test func jobIDsFromParsableOutput() {
    #expect(SlurmScript.jobID(fromParsable: "1234\n") == "1234")
    #expect(SlurmScript.jobID(fromParsable: "1234;cluster-a\n") == "1234")
    #expect(SlurmScript.jobID(fromParsable: "") == nil)
    #expect(SlurmScript.jobID(fromParsable: "Submitted batch job 12") == nil)
  }

  @Test func pathsWithSpacesAndQuotesAreQuoted() throws {
    var job = Self.job
    job.executable = "/Users/Ana María/bin/grad sweep"
    job.sweepFile = "/Users/Ana María/it's here/depth.yaml"
    job.outputRoot = "/Users/Ana María/100% results"
    job.scriptPath = "/Users/Ana María/100% results/depth-sweep.sbatch"
    let script = try SlurmScript.arrayScript(job)
    #expect(Self.commands(script) == [
      "'/Users/Ana María/bin/grad sweep' run '/Users/Ana María/it'\\''s here/depth.yaml' --shard $SLURM_ARRAY_TASK_ID/3 "
        + "--jobs ${SLURM_CPUS_PER_TASK:-1} --resume --out '/Users/Ana María/100% results' --quiet"
    ])
    // sbatch strips the double quotes; `%` is Slurm's pattern character, so a literal one is doubled.
    #expect(Self.directives(script).contains(
      "#SBATCH --output=\"/Users/Ana María/100%% results/slurm-logs/depth-sweep_%A_%a.out\""))
    #expect(Self.commands(try SlurmScript.reportScript(job)) == [
      "'/Users/Ana María/bin/grad sweep' report '/Users/Ana María/100% results/depth-sweep'"
    ])
  }

  @Test func aDoubleQuoteInALogPathIsRefused() {
    var job = Self.job
    job.outputRoot = "/tmp/say \"hi\""
    #expect(throws: SlurmScriptError.unwritablePath("/tmp/say \"hi\"/slurm-logs/depth-sweep_%A_%a.out")) {
      try SlurmScript.arrayScript(job)
    }
  }

  /// Runs the generated script with bash as task 1 of 3, the executable replaced by a
  /// script that prints each argument on its own line: the arguments must arrive intact.
  @Test func bashPassesEachArgumentIntact() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slurm script \(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let fake = folder.appendingPathComponent("grad sweep 'fake'")
    try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)

    var job = Self.job
    job.executable = fake.path
    job.sweepFile = folder.appendingPathComponent("it's $HOME `x`.yaml").path
    job.outputRoot = folder.appendingPathComponent("out dir").path
    for (script, cpus, expected) in [
      (try SlurmScript.arrayScript(job), "4", [
        "run", job.sweepFile, "--shard", "1/3", "--jobs", "4", "--resume", "--out", job.outputRoot, "--quiet",
      ]),
      (try SlurmScript.arrayScript(job), nil, [
        "run", job.sweepFile, "--shard", "1/3", "--jobs", "1", "--resume", "--out", job.outputRoot, "--quiet",
      ]),
      (try SlurmScript.reportScript(job), nil, ["report", job.outputRoot + "/depth-sweep"]),
    ] {
      let file = folder.appendingPathComponent("job.sbatch")
      try script.write(to: file, atomically: true, encoding: .utf8)
      let bash = Process()
      bash.executableURL = URL(fileURLWithPath: "/bin/bash")
      bash.arguments = [file.path]
      var environment = ProcessInfo.processInfo.environment
      environment["SLURM_ARRAY_TASK_ID"] = "1"
      environment["SLURM_CPUS_PER_TASK"] = cpus
      bash.environment = environment
      let out = Pipe()
      bash.standardOutput = out
      try bash.run()
      let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      bash.waitUntilExit()
      #expect(bash.terminationStatus == 0)
      #expect(printed.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == expected)
    }
  }

  @Test func sameJobSameBytes() throws {
    #expect(try SlurmScript.arrayScript(Self.job) == SlurmScript.arrayScript(Self.job))
  }

  @Test func settingsChecks() {
    for good in ["30", "30:00", "02:00:00", "1-0", "1-12:00", "2-00:30:00", "120:00:00"] {
      #expect(SlurmSettings.problem(time: good) == nil, "\(good)")
    }
    for bad in ["", "2h", "1:2:3:4", "01:75:00", "-1", "a-10", "1-2-3", "1:"] {
      #expect(SlurmSettings.problem(time: bad)?.contains("HH:MM:SS") == true, "\(bad)")
    }
    for good in ["4000", "4G", "512M", "1T", "64k"] { #expect(SlurmSettings.problem(memory: good) == nil, "\(good)") }
    for bad in ["", "4GB", "G", "0", "-4G", "1.5G"] { #expect(SlurmSettings.problem(memory: bad) != nil, "\(bad)") }
    #expect(SlurmSettings.problem(name: "gpu-short", option: "--partition") == nil)
    #expect(SlurmSettings.problem(name: "my part", option: "--partition")?.hasPrefix("--partition 'my part'") == true)
    #expect(SlurmSettings.problem(extraDirective: "#SBATCH --qos=low") == nil)
    #expect(SlurmSettings.problem(extraDirective: "--qos=low") != nil)
    #expect(SlurmSettings.problem(extraDirective: "#SBATCH ") != nil)
    #expect(SlurmSettings.problem(extraDirective: "#SBATCH --qos=low\necho hi") != nil)
  }
}
