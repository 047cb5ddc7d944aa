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
      let runs = plan.runs.count == 1 ? "1 run" : "\(plan.runs.count) runs"
      let axes =
        switch plan.axisPaths.count {
        case 0: "no axes (replicates only)"
        case 1: "1 axis (\(plan.axisPaths[0]))"
        default: "\(plan.axisPaths.count) axes (" + plan.axisPaths.joined(separator: ", ") + ")"
        }
      print("\(sweep.file): ok, \(runs) over \(axes)")
    }
  }
}
