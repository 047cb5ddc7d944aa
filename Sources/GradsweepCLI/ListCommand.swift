import ArgumentParser

extension Gradsweep {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the names a sweep file accepts, one line each: activations, initializers, datasets, optimizers or metrics.",
      discussion: "The names are the ones the YAML, the CSV logs and the report use; aliases are accepted on input only.")

    @Argument(help: ArgumentHelp("What to list.", valueName: NameCatalog.Kind.allCases.map(\.rawValue).joined(separator: "|")))
    var kind: NameCatalog.Kind

    func run() {
      let entries = NameCatalog.entries(kind)
      let width = entries.map(\.name.count).max() ?? 0
      for entry in entries {
        let aliases = entry.aliases.isEmpty ? "" : " (alias \(entry.aliases.joined(separator: ", ")))"
        print(entry.name + String(repeating: " ", count: width - entry.name.count) + "  " + entry.summary + aliases)
      }
    }
  }
}

extension NameCatalog.Kind: ExpressibleByArgument {}
