import ArgumentParser
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation

@main
struct CNNTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn-tui",
        abstract: "Explore convolutional network architectures: shapes, parameters, mult-adds and receptive fields.",
        version: "cnn-tui 0.2.0",
        subcommands: [
            Open.self, List.self, Info.self, Summary.self, GraphExport.self, Export.self, Run.self, Train.self, ReceptiveFields.self,
            Params.self,
            CompareRF.self, Compare.self, Explain.self,
        ],
        defaultSubcommand: Open.self
    )

    /// A first word that is neither a command nor a model is a typo, not a model for `open`
    /// (which would answer a misspelt `summary` with open's usage).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), Zoo.model(named: first) == nil, !ModelFile.isFile(first),
            !(configuration.subcommands.map { $0._commandName } + ["help"]).contains(first)
        {
            exit(withError: UnknownCommandError(first, commands: configuration.subcommands.map { $0._commandName }))
        }
        main(arguments)
    }
}

/// A first word that names no command and no model, with the closest of either.
struct UnknownCommandError: Error, CustomStringConvertible, LocalizedError {
    let word: String
    let suggestions: [String]

    init(_ word: String, commands: [String]) {
        self.word = word
        suggestions = NameSuggestions.closest(to: word, among: commands + Zoo.all.map(\.name))
    }

    var description: String {
        "unknown command or model '\(word)'; "
            + (suggestions.isEmpty
                ? "see `cnn-tui --help` for the commands and `cnn-tui list` for the models"
                : "did you mean \(NameSuggestions.quotedList(suggestions))?")
    }

    var errorDescription: String? { description }
}
