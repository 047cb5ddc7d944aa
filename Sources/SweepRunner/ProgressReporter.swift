import Dispatch
import Foundation
import SweepResults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How progress is shown on stderr.
public enum ProgressMode: Sendable {
  /// A live one-line bar when stderr is a terminal, plain lines otherwise.
  case automatic
  /// Nothing (`--quiet`).
  case quiet
}

/// Counts runs as they start and end and shows `done/total, running, diverged,
/// failed, elapsed, ETA` on stderr: redrawn in place on a terminal, as a plain line
/// every few seconds (and at each 10 %) when stderr is a file or a pipe.
final class ProgressReporter: Sendable {
  private struct Counts {
    var done = 0
    var running = 0
    var diverged = 0
    var failed = 0
    var lastPlainLine = ContinuousClock.now
    var lastDecile = 0
  }

  private let total: Int
  private let skipped: Int
  private let mode: ProgressMode
  private let isTerminal: Bool
  private let started = ContinuousClock.now
  private let counts = Locked(Counts())
  /// Redraws the live bar; behind a lock because Dispatch's timer is not Sendable.
  private let timer = Locked<DispatchSourceTimer?>(nil)

  init(total: Int, skipped: Int, mode: ProgressMode) {
    self.total = total
    self.skipped = skipped
    self.mode = mode
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
      if status.status == .diverged { c.diverged += 1 }
      if status.status == .failed { c.failed += 1 }
      guard mode == .automatic, !isTerminal else { return nil }
      let decile = total == 0 ? 10 : c.done * 10 / total
      let now = ContinuousClock.now
      if status.status == .failed || decile > c.lastDecile || now - c.lastPlainLine > .seconds(5) || c.done == total {
        c.lastDecile = decile
        c.lastPlainLine = now
        var line = self.describe(c) + "\n"
        if status.status == .failed { line = "run \(runID) failed: \(status.error ?? "unknown error")\n" + line }
        return line
      }
      return nil
    }
    if let line { Self.emit(line) }
  }

  /// Stops the live bar and prints the final state.
  func finish() {
    timer.withLock { $0?.cancel() }
    if mode == .automatic && isTerminal { draw(final: true) }
  }

  private func draw(final: Bool) {
    let text = counts.withLock { describe($0) }
    Self.emit("\r\u{1B}[2K" + text + (final ? "\n" : ""))
  }

  private func describe(_ c: Counts) -> String {
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    var eta = "--"
    if c.done > 0 && c.done < total {
      eta = Self.clock(seconds / Double(c.done) * Double(total - c.done))
    } else if c.done == total {
      eta = "0s"
    }
    let width = 24
    let filled = total == 0 ? width : c.done * width / total
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    return "[\(bar)] \(c.done)/\(total) runs, \(c.running) running, \(c.diverged) diverged, \(c.failed) failed, elapsed \(Self.clock(seconds)), ETA \(eta)"
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
