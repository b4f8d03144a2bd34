import ArgumentParser
import CNNReport

extension CNNTUICommand {
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a torchinfo-style summary: every layer with its output shape, params, mult-adds and receptive field.")

        @OptionGroup var selection: ModelSelection

        @Option(help: "Fold blocks nested deeper than N into one row (1 shows top-level blocks only).")
        var depth: Int?

        @Flag(help: "Print one JSON object instead of the table.")
        var json = false

        func validate() throws {
            if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if json {
                print(try SummaryJSON(analysis, maxDepth: depth).encoded())
            } else {
                let title = "\(model.title) (\(model.name))"
                SummaryReport(analysis, maxDepth: depth).render(title: title).forEach { print($0) }
            }
        }
    }
}
