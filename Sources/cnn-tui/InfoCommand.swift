import ArgumentParser
import CNNReport

extension CNNTUICommand {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a model: what it introduced and its paper (or the file it was read from), and its headline numbers.")

        @OptionGroup var selection: ModelSelection

        @Flag(help: "Write JSON.")
        var json = false

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if json { return print(try JSONText.encode(ModelInfoJSON(model, analysis: analysis))) }
            ModelInfoReport.render(model, analysis: analysis).forEach { print($0) }
        }
    }
}
