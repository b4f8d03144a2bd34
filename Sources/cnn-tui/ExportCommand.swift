import ArgumentParser
import CNNData
import CNNImport
import CNNRuntime
import Foundation

extension CNNTUICommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a model (zoo, ONNX, Keras or model file) as a cnn-tui model file to edit by hand, or as ONNX with its weights.",
            discussion: """
                The model file has one layer per line: NAME: KIND key=value ... [< INPUT, ...]; blocks as \
                block NAME TYPE { ... }. See the README's "Model files" for the kinds and their settings.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case model, onnx
        }

        @OptionGroup var selection: ModelSelection

        @Option(help: "model: cnn-tui's model file; onnx: an ONNX file (opset 17) with the model's weights, random where it has none (needs --out).")
        var format: Format = .model

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE.cnn"))
        var out: String?

        func validate() throws {
            if format == .onnx && out == nil { throw ValidationError("--format onnx writes a binary file: give --out FILE.onnx") }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if format == .onnx, let out {
                let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
                let (data, weights) = try ModelFile.onnx(model, analysis: analysis, assets: assets)
                let file = OutputFile(out)
                try file.check()
                try file.write { temporary in try data.write(to: URL(fileURLWithPath: temporary)) }
                print("wrote \(out): \(analysis.graph.layers.count - 1) layers, ONNX opset \(ONNXWriter.opset(for: analysis.graph)), \(weights)")
                return
            }
            let text = ModelText.write(analysis.graph, input: analysis.input, title: model.title)
            guard let out else { return print(text, terminator: "") }
            let file = OutputFile(out)
            try file.check()
            try file.write { temporary in try text.write(toFile: temporary, atomically: false, encoding: .utf8) }
        }
    }
}
