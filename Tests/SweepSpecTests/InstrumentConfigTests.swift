import Foundation
import GradEngine
import Testing

@testable import SweepSpec

/// The instruments of `log:` (issue 16): decoded into the engine's switches, every bad
/// value or combination refused at load with its location.
@Suite struct InstrumentConfigTests {
  @Test func switchesReachThePlan() throws {
    let text = """
      data: {name: spirals, samples: 100}
      log: {every: 5, preact_grad_norm: true, correlation: 0.25, jacobian: true, jacobian_every: 10,
            weight_distance: true, spectral_norm: true, grad_quantiles: true}
      """
    let config = try plan(text).runs[0].config
    #expect(
      config.log.instruments
        == InstrumentOptions(
          preactGradNorm: true, correlation: 0.25, jacobian: true, jacobianEvery: 10, weightDistance: true,
          spectralNorm: true, gradQuantiles: true))
    let data = Dataset(features: [Float](repeating: 1, count: 20), featureCount: 2, targets: .classes(labels: Array(repeating: 0, count: 10), classCount: 2))
    #expect(config.trainingPlan(for: data).instruments == config.log.instruments)
    // Off by default, and the default run's id does not change.
    #expect(LogConfig().instruments.isEmpty)
    #expect(try plan("data: {name: spirals, samples: 100}").runs[0].config.log.instruments.isEmpty)
  }

  @Test func badValuesAndCombinationsAreLocatedErrors() {
    #expect(singleError("log: {correlation: 1.5}") == "1:20: log.correlation must be in [-1, 1], got 1.5")
    #expect(singleError("log: {jacobian_every: -1}")?.hasPrefix("1:23: log.jacobian_every must be") == true)
    let notOn = singleError("log: {every: 5, jacobian_every: 10}")
    #expect(notOn?.contains("log.jacobian_every needs log.jacobian: true") == true, "\(notOn ?? "")")
    let notMultiple = singleError("log: {every: 5, jacobian: true, jacobian_every: 12}")
    #expect(notMultiple?.contains("must be a multiple of log.every 5") == true, "\(notMultiple ?? "")")
    let normalized = singleError("model: {normalization: batch}\nlog: {jacobian: true}")
    #expect(normalized?.contains("log.jacobian measures a plain dense network, not one with model.normalization") == true, "\(normalized ?? "")")
    let residual = singleError("model: {residual: identity, depth: 4}\nlog: {correlation: 0.5, jacobian: true}")
    #expect(residual?.contains("log.correlation and log.jacobian measure a plain dense network") == true, "\(residual ?? "")")
    // The per-layer instruments need no plain network.
    #expect(errorLines("model: {normalization: batch}\nlog: {preact_grad_norm: true, grad_quantiles: true}").isEmpty)
  }
}
