import ArgumentParser
import CNNData
import CNNEngine
import CNNModel
import CNNReport
import CNNRuntime
import Foundation

extension ExplainRun.Method: ExpressibleByArgument {}

extension CNNTUICommand {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a unit sees or what a prediction looks at: effective receptive field, Grad-CAM, guided backprop, occlusion, top patches.")

        @OptionGroup var selection: ModelSelection

        @Option(help: "erf (a unit's input gradient), gradcam, guided, occlusion or top-patches.")
        var method: ExplainRun.Method

        @Option(help: "A layer or block name (a block means its output); gradcam defaults to the last feature map larger than 1x1.")
        var layer: String?

        @Option(help: "The unit's channel (erf, top-patches; default 0).")
        var channel: Int?

        @Option(help: ArgumentHelp("The unit's row and column (erf; default the map's centre).", valueName: "Y,X"))
        var unit: String?

        @Option(name: .customLong("class"), help: "The class to explain (gradcam, guided, occlusion; default the predicted one).")
        var classIndex: Int?

        @Option(help: "erf: average the gradient's magnitude over the first N bundled samples of the input's data set.")
        var samples: Int = 1

        @Option(help: "Occlusion: the grey square's size in input pixels.")
        var patch: Int = 8

        @Option(help: "Occlusion: how far the square moves each step.")
        var stride: Int = 4

        @Option(help: "Weights as safetensors (default: the model's own, else random He initialization).")
        var weights: String?

        @Option(help: ArgumentHelp("A bundled sample, DATASET:N (mnist, cifar10, cifar100, imagenet).", valueName: "DATASET:N"))
        var sample: String?

        @Option(help: "A PNG, PGM or PPM image.")
        var image: String?

        @Option(help: ArgumentHelp("A safetensors file with a tensor named input, [1,C,H,W].", valueName: "X.safetensors"))
        var tensor: String?

        @Option(help: ArgumentHelp("Write the result tensor (named after the method) to a safetensors file.", valueName: "OUT.safetensors"))
        var output: String?

        @Flag(help: "Write JSON.")
        var json = false

        func validate() throws {
            if [tensor, image, sample].compactMap({ $0 }).count != 1 {
                throw ValidationError("give one input: --sample DATASET:N, --image FILE or --tensor X.safetensors")
            }
            if let unit, parsedUnit(unit) == nil { throw ValidationError("--unit takes Y,X with whole numbers, e.g. 7,7; got '\(unit)'") }
            if patch < 1 || stride < 1 { throw ValidationError("--patch and --stride must be at least 1") }
            if samples < 1 { throw ValidationError("--samples must be at least 1") }
            if samples > 1 && method != .erf { throw ValidationError("--samples averages erf only") }
        }

        func parsedUnit(_ text: String) -> (y: Int, x: Int)? {
            let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let y = parts[0], let x = parts[1] else { return nil }
            return (y, x)
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            let bundled = try sample.map { try SampleID(parsing: $0) }
            var settings = ExplainRun.Settings(
                input: image.map { .image($0) } ?? bundled.map { .sample($0) } ?? .tensorFile(tensor!), method: method)
            settings.weightsFile = weights
            settings.layer = layer
            settings.channel = channel
            settings.unit = unit.flatMap(parsedUnit)
            settings.classIndex = classIndex
            settings.patch = patch
            settings.stride = stride
            settings.samples = samples
            settings.outputFile = output
            let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
            let result = try ExplainRun(model: model, analysis: analysis, settings: settings, assets: assets).run()
            if json {
                print(try JSONText.encode(ExplanationJSON(model: model.name, input: analysis.input.dims, result: result)))
            } else {
                result.lines(model: model.title, input: analysis.input).forEach { print($0) }
            }
        }
    }
}
