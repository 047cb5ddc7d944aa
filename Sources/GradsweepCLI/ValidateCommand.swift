import ArgumentParser
import SweepSpec

extension Gradsweep {
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a sweep file and report every problem with its line and column.",
      discussion: "Exits 0 when the file is valid, 2 when it is not. Writes nothing.")

    @OptionGroup var sweep: SweepFileOptions

    func run() throws {
      let plan = try sweep.loadPlan()
      print("\(sweep.file): ok, \(plan.runs.count) runs over \(plan.axisPaths.count) axes\(plan.axisPaths.isEmpty ? "" : " (" + plan.axisPaths.joined(separator: ", ") + ")")")
    }
  }
}
