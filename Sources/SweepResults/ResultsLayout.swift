import Foundation

/// The file names of a results folder. Other tools read exactly these names, so they
/// are defined once here (the report module has its own reader of the same layout).
package struct ResultsLayout: Sendable {
  /// `<out>/<sweep name>`.
  package let root: URL

  package init(root: URL) { self.root = root }

  package var sweepCopy: URL { root.appendingPathComponent(Self.sweepFile) }
  package var manifest: URL { root.appendingPathComponent(Self.manifestFile) }
  package var summary: URL { root.appendingPathComponent(Self.summaryFile) }
  package var runsFolder: URL { root.appendingPathComponent(Self.runsFolderName, isDirectory: true) }
  package var provenance: URL { root.appendingPathComponent(Self.provenanceFile) }
  package var lockFile: URL { root.appendingPathComponent(".gradsweep.lock") }

  /// The finished folder of a run.
  package func runFolder(_ runID: String) -> URL {
    runsFolder.appendingPathComponent(runID, isDirectory: true)
  }

  /// Where a run is written while it trains. The leading dot keeps it out of globs
  /// like `runs/*/metrics.csv`; the pid keeps two processes apart.
  package func temporaryRunFolder(_ runID: String) -> URL {
    runsFolder.appendingPathComponent(".tmp-\(runID)-\(getpid())", isDirectory: true)
  }

  // The sweep's own top-level names (OwnedFolder.ownNames is made of these).
  package static let sweepFile = "sweep.yaml"
  package static let manifestFile = "manifest.json"
  package static let summaryFile = "summary.csv"
  package static let runsFolderName = "runs"
  /// The report (SweepReport writes these; `--force` replaces them).
  package static let reportMarkdownFile = "report.md"
  package static let reportHTMLFile = "report.html"
  package static let reportFindingImage = "report-finding.svg"
  /// scripts/plot.py's output folder.
  package static let plotsFolderName = "plots"

  package static let configFile = "config.yaml"
  package static let metricsFile = "metrics.csv"
  package static let layersFile = "layers.csv"
  package static let statusFile = "status.json"
  package static let provenanceFile = "provenance.json"

  /// The issue-3 contract's columns first, then additions (readers go by name).
  package static let metricsHeader = [
    "step", "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "grad_norm", "elapsed_s",
    "learning_rate",
  ]
  package static let layersHeader = [
    "step", "layer", "grad_w_norm", "grad_w_mean_abs", "grad_b_norm", "weight_norm", "update_ratio",
    "preact_mean", "preact_std", "act_mean", "act_std", "deriv_mean", "saturated_frac", "dead_frac",
    // Empty unless the layer has them: PReLU's learned slope, and normalisation's γ, β.
    "prelu_slope", "grad_gamma_norm", "grad_beta_norm", "gamma_norm", "beta_norm",
  ]
}
