import Foundation
import Testing

@testable import SweepResults

@Suite("status.json")
struct RunStatusTests {
  @Test func writesEveryKeyWithExplicitNulls() throws {
    let status = RunStatus(status: .completed, steps: 24, seconds: 1.5, finalLoss: 0.25, finalAccuracy: .nan)
    let object = try #require(try JSONSerialization.jsonObject(with: status.jsonData()) as? [String: Any])
    #expect(Set(object.keys) == [
      "status", "steps", "diverged_at_step", "error", "seconds", "final_loss", "final_accuracy",
      "final_val_loss", "final_val_accuracy", "test_loss", "test_accuracy",
    ])
    #expect(object["status"] as? String == "completed")
    #expect(object["diverged_at_step"] is NSNull)
    #expect(object["final_accuracy"] is NSNull, "JSON cannot spell NaN: it is written as null")
    #expect(object["final_loss"] as? Double == 0.25)
  }

  @Test func roundTripsAndReadsLooseNumbers() throws {
    let status = RunStatus(status: .diverged, steps: 7, divergedAtStep: 7, error: "loss is nan", seconds: 0.5)
    let back = try JSONDecoder().decode(RunStatus.self, from: status.jsonData())
    #expect(back == status)
    let loose = #"{"status": "stalled", "steps": 3.0, "final_loss": "inf", "final_val_loss": "nan"}"#
    let read = try JSONDecoder().decode(RunStatus.self, from: Data(loose.utf8))
    #expect(read.status.rawValue == "stalled")
    #expect(read.steps == 3)
    #expect(read.finalLoss == .infinity)
    #expect(read.finalValLoss?.isNaN == true)
    #expect(read.isResult)
    #expect(!RunStatus(status: .failed).isResult)
  }

  @Test func missingFileReadsAsNotFinished() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).json")
    #expect(try RunStatus.read(from: url) == nil)
  }
}
