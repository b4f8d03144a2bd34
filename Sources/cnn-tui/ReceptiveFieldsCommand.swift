import ArgumentParser
import CNNReport

extension CNNTUICommand {
    struct ReceptiveFields: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rf",
            abstract: "Print the receptive field (size, jump, start) of every layer, or the detail of one.")

        @OptionGroup var selection: ModelSelection

        @Option(help: "Show only this layer or block (its end), in detail: a name from `cnn-tui summary`.")
        var layer: String?

        @Flag(help: "List every layer, also those that leave the field unchanged.")
        var all = false

        @Flag(help: "Write JSON: every layer's field.")
        var json = false

        func validate() throws {
            if json && layer != nil { throw ValidationError("--json lists every layer; leave out --layer") }
        }

        func run() throws {
            let (_, analysis) = try selection.analysis()
            if json { return print(try JSONText.encode(ReceptiveFieldsJSON(analysis))) }
            let report = ReceptiveFieldReport(analysis)
            if let layer {
                try report.detail(layer: layer).forEach { print($0) }
            } else {
                report.render(all: all).forEach { print($0) }
            }
        }
    }
}
