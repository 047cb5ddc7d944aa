import Dispatch
import Foundation
import SweepResults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How progress is shown on stderr.
package enum ProgressMode: Sendable {
  /// A live one-line bar when stderr is a terminal, plain lines otherwise.
  case automatic
  /// Nothing (`--quiet`).
  case quiet
}

/// Counts runs as they start and end and shows `done/total, running, diverged,
/// stalled, failed, elapsed, ETA` on stderr: redrawn in place on a terminal (cut to
/// its width, so it never wraps), as a plain line every few seconds (and at each 10 %)
/// when stderr is a file or a pipe. The ETA weighs runs by their expected cost (the
/// scheduler starts the heaviest first, so a count-based ETA overestimates early and
/// jumps later); after a stop, the last line names the interrupted runs.
final class ProgressReporter: Sendable {
  struct Counts {
    var done = 0
    var running = 0
    var diverged = 0
    var stalled = 0
    var failed = 0
    var interrupted: [String] = []
    var doneCost = 0.0
    var lastPlainLine = ContinuousClock.now
    var lastDecile = 0
  }

  private let total: Int
  private let skipped: Int
  private let mode: ProgressMode
  private let isTerminal: Bool
  private let costs: [String: Double]
  private let totalCost: Double
  private let started = ContinuousClock.now
  private let counts = Locked(Counts())
  /// Redraws the live bar; behind a lock because Dispatch's timer is not Sendable.
  private let timer = Locked<DispatchSourceTimer?>(nil)

  /// `costs`: each run's expected cost by id (any unit; missing runs count as the mean).
  init(total: Int, skipped: Int, mode: ProgressMode, costs: [String: Double] = [:]) {
    self.total = total
    self.skipped = skipped
    self.mode = mode
    self.costs = costs
    totalCost = costs.values.reduce(0, +)
    isTerminal = isatty(STDERR_FILENO) != 0
    if mode == .automatic && isTerminal {
      timer.withLock { slot in
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "gradsweep.progress"))
        source.schedule(deadline: .now(), repeating: .milliseconds(250))
        source.setEventHandler { [weak self] in self?.draw(final: false) }
        source.resume()
        slot = source
      }
    }
    if mode == .automatic && skipped > 0 {
      Self.emit("resuming: \(skipped) finished runs kept, \(total) to run\n")
    }
  }

  func started(_ runID: String) {
    counts.withLock { $0.running += 1 }
  }

  func finished(_ runID: String, status: RunStatus) {
    let line: String? = counts.withLock { c in
      c.running -= 1
      c.done += 1
      c.doneCost += costs[runID] ?? (total > 0 ? totalCost / Double(total) : 0)
      switch status.status {
      case .diverged: c.diverged += 1
      case .stalled: c.stalled += 1
      case .failed: c.failed += 1
      case .interrupted: c.interrupted.append(runID)
      default: break
      }
      guard mode == .automatic, !isTerminal else { return nil }
      let decile = total == 0 ? 10 : c.done * 10 / total
      let now = ContinuousClock.now
      if status.status == .failed || decile > c.lastDecile || now - c.lastPlainLine > .seconds(5) || c.done == total {
        c.lastDecile = decile
        c.lastPlainLine = now
        var line = self.describe(c, width: nil) + "\n"
        if status.status == .failed { line = "run \(runID) failed: \(status.error ?? "unknown error")\n" + line }
        return line
      }
      return nil
    }
    if let line { Self.emit(line) }
  }

  /// Stops the live bar and prints the final state, then the interrupted runs.
  func finish() {
    timer.withLock { $0?.cancel() }
    guard mode == .automatic else { return }
    if isTerminal { draw(final: true) }
    let interrupted = counts.withLock { $0.interrupted }
    if !interrupted.isEmpty {
      let shown = interrupted.prefix(10).joined(separator: ", ")
      let more = interrupted.count > 10 ? " and \(interrupted.count - 10) more" : ""
      Self.emit("interrupted (saved, trained again by --resume): \(shown)\(more)\n")
    }
  }

  private func draw(final: Bool) {
    let width = Self.terminalWidth()
    let text = counts.withLock { describe($0, width: width) }
    Self.emit("\r\u{1B}[2K" + text + (final ? "\n" : ""))
  }

  /// The line, shortened to `width` columns when given: the bar goes first, then the
  /// words, then the counts that are zero; a last resort cuts the text.
  func describe(_ c: Counts, width: Int?) -> String {
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let eta = Self.eta(elapsed: seconds, done: c.done, total: total, doneCost: c.doneCost, totalCost: totalCost)
    let barWidth = 24
    let filled = total == 0 ? barWidth : c.done * barWidth / total
    let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "] "
    var counts = ["\(c.running) running", "\(c.diverged) diverged"]
    if c.stalled > 0 { counts.append("\(c.stalled) stalled") }
    counts.append("\(c.failed) failed")
    if !c.interrupted.isEmpty { counts.append("\(c.interrupted.count) interrupted") }
    let full = "\(c.done)/\(total) runs, " + counts.joined(separator: ", ") + ", elapsed \(Self.clock(seconds)), ETA \(eta)"
    let candidates = [
      bar + full, full,
      "\(c.done)/\(total), \(c.running) run, \(c.diverged) div, \(c.failed) fail, ETA \(eta)",
      "\(c.done)/\(total) ETA \(eta)",
    ]
    guard let width else { return candidates[0] }
    // One column spare: a line that exactly fills the terminal wraps on some of them.
    return candidates.first { $0.count < width } ?? String(candidates[candidates.count - 1].prefix(max(1, width - 1)))
  }

  /// Remaining time: elapsed × remaining cost / finished cost (by run count when no
  /// costs are known); "--" before the first run ends.
  static func eta(elapsed: Double, done: Int, total: Int, doneCost: Double, totalCost: Double) -> String {
    if done >= total { return "0s" }
    guard done > 0 else { return "--" }
    if totalCost > 0, doneCost > 0 {
      return clock(elapsed * max(0, totalCost - doneCost) / doneCost)
    }
    return clock(elapsed / Double(done) * Double(total - done))
  }

  /// Columns of the terminal on stderr; nil when unknown.
  static func terminalWidth() -> Int? {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
  }

  static func emit(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
