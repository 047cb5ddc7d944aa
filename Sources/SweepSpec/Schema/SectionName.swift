/// The sections of a run's config that fields can be swept in.
enum SectionName: String, CaseIterable {
  case data, model, training, log

  var keys: [String] {
    switch self {
    case .data: return DataSpecSupport.keyNames
    case .model: return ModelConfig.keyNames
    case .training: return TrainingConfig.keyNames
    case .log: return LogConfig.keyNames
    }
  }

  /// Every sweepable dotted path, section by section.
  static var allPaths: [String] {
    allCases.flatMap { section in section.keys.map { section.rawValue + "." + $0 } }
  }
}
