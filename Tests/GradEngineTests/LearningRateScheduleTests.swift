import Foundation
import Testing
@testable import GradEngine

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
  @Test("constant returns the learning rate itself")
  func constant() {
    let schedule = LearningRateSchedule()
    for t in [0, 1, 99, 1000] { #expect(schedule.learningRate(at: t, base: 0.1, totalSteps: 100) == 0.1) }
  }

  @Test("step: η·γ^⌊t/S⌋; S defaults to ⌈T/3⌉")
  func step() {
    let schedule = LearningRateSchedule(.step, stepSize: 10, gamma: 0.5)
    let values = [0, 9, 10, 19, 20, 25, 99].map { schedule.learningRate(at: $0, base: 0.8, totalSteps: 100) }
    #expect(values == [0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.8 / 512])
    let automatic = LearningRateSchedule(.step)  // γ = 0.1, S = ⌈10/3⌉ = 4
    #expect(automatic.resolvedStepSize(totalSteps: 10) == 4)
    #expect(automatic.resolvedStepSize(totalSteps: 0) == 1)
    #expect((0..<10).map { automatic.learningRate(at: $0, base: 1, totalSteps: 10) }
      == [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1])
  }

  @Test("cosine: η_min + ½(η − η_min)(1 + cos(πt/T)), η_min beyond T")
  func cosine() {
    let schedule = LearningRateSchedule(.cosine, minLearningRate: 0.1)
    func rate(_ t: Int) -> Double { schedule.learningRate(at: t, base: 1, totalSteps: 100) }
    #expect(rate(0) == 1)
    #expect(abs(rate(50) - 0.55) < 1e-15)
    #expect(abs(rate(25) - (0.1 + 0.45 * (1 + 0.5.squareRoot()))) < 1e-15)  // 0.868198…
    #expect(abs(rate(75) - (0.1 + 0.45 * (1 - 0.5.squareRoot()))) < 1e-15)
    #expect(abs(rate(100) - 0.1) < 1e-15 && abs(rate(150) - 0.1) < 1e-15)
    #expect(zip((0...100).map(rate), (1...100).map(rate)).allSatisfy { $0 >= $1 }, "non-increasing")
    #expect(LearningRateSchedule(.cosine).learningRate(at: 0, base: 0.3, totalSteps: 0) == 0.3)
  }

  @Test("warmup_cosine: η(t + 1)/W for t < W, then the cosine over T − W; W defaults to ⌈T/10⌉")
  func warmupCosine() {
    let schedule = LearningRateSchedule(.warmupCosine, minLearningRate: 0, warmupSteps: 10)
    func rate(_ t: Int) -> Double { schedule.learningRate(at: t, base: 2, totalSteps: 110) }
    #expect(rate(0) == 0.2 && rate(4) == 1 && rate(9) == 2 && rate(10) == 2)
    #expect(abs(rate(60) - 1) < 1e-15)  // half-way through the 100 cosine steps
    #expect(abs(rate(110)) < 1e-15)
    #expect(LearningRateSchedule(.warmupCosine).resolvedWarmupSteps(totalSteps: 95) == 10)
    let noWarmup = LearningRateSchedule(.warmupCosine, warmupSteps: 0)
    let cosine = LearningRateSchedule(.cosine)
    #expect((0...20).allSatisfy { noWarmup.learningRate(at: $0, base: 1, totalSteps: 20) == cosine.learningRate(at: $0, base: 1, totalSteps: 20) })
  }

  @Test("the fixed-operation cosine and power agree with libm")
  func elementaryFunctions() {
    for i in 0...1000 {
      let u = Double(i) / 1000
      #expect(abs(cosineOfPiTimes(u) - cos(Double.pi * u)) < 4e-16)
    }
    for n in 0...40 { #expect(abs(power(0.7, n) - pow(0.7, Double(n))) <= 1e-15 * pow(0.7, Double(n))) }
  }
}
