import ArgumentParser
import SweepSpec

extension PlanFormat: ExpressibleByArgument {}

extension Gradsweep {
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the runs a sweep expands into (id, axis values, seed) and their count.")

    @OptionGroup var sweep: SweepFileOptions

    @Option(help: "Output format: \(PlanFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: PlanFormat = .table

    func run() throws {
      let plan = try sweep.loadPlan()
      print(renderPlan(plan, format: format), terminator: "")
    }
  }
}
