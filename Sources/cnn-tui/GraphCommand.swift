import ArgumentParser
import CNNReport

extension CNNTUICommand {
    struct GraphExport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Write the layer graph for Graphviz: `cnn-tui graph resnet18 --dot | dot -Tsvg > resnet18.svg`.")

        @OptionGroup var selection: ModelSelection

        @Flag(help: "Graphviz's DOT language (the one format there is; the flag says so in scripts).")
        var dot = false

        func run() throws {
            let (model, analysis) = try selection.analysis()
            GraphDOT(analysis).render(title: model.title).forEach { print($0) }
        }
    }
}
