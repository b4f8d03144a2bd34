import ArgumentParser

@main
struct CNNTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn-tui",
        abstract: "Explore convolutional network architectures: shapes, parameters, mult-adds and receptive fields.",
        subcommands: [Open.self, List.self, Info.self, Summary.self, Run.self, Train.self, ReceptiveFields.self, Params.self, CompareRF.self],
        defaultSubcommand: Open.self
    )
}
