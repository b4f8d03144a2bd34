import ArgumentParser
import CNNData
import CNNEngine
import CNNReport
import CNNRuntime
import Foundation

extension CNNTUICommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a forward pass with cnn-tui's engine: top-5 classes and time, or outputs to a file.")

        @OptionGroup var selection: ModelSelection

        @Option(
            help: ArgumentHelp(
                "Weights as safetensors with torchvision's state_dict names (default: the model's shipped weights (lenet5) or fixed kernels (filters), else He initialization).",
                valueName: "W.safetensors"))
        var weights: String?

        @Option(help: "Seed of the He initialization when no weights are given.")
        var seed: UInt64 = ModelWeights.defaultSeed

        @Flag(help: "Ignore the model's shipped trained weights (lenet5): random He initialization from --seed.")
        var untrained = false

        @Option(help: ArgumentHelp("The input: the tensor named `input`, shape [1,C,H,W] (default: a seeded random normal input).", valueName: "X.safetensors"))
        var tensor: String?

        @Option(help: ArgumentHelp("An image (PNG, PGM or PPM), fitted to the model's input: resized, made gray or RGB, normalized.", valueName: "FILE"))
        var image: String?

        @Option(help: ArgumentHelp("A bundled sample: mnist:N, cifar10:N, cifar100:N or imagenet:N.", valueName: "DATASET:N"))
        var sample: String?

        @Option(help: ArgumentHelp("Write the final output (as `output`) and the --layers outputs here.", valueName: "OUT.safetensors"))
        var output: String?

        @Option(help: ArgumentHelp("Layers whose outputs go into --output: all, or names separated by commas.", valueName: "all|NAME,..."))
        var layers: String?

        @Option(help: "Threads for OpenBLAS (default: OPENBLAS_NUM_THREADS, or all cores).")
        var threads: Int?

        @Flag(help: "Print per-layer time and GFLOP/s.")
        var profile = false

        @Flag(help: "Write JSON: the top-5 (for a classifier) and the time.")
        var json = false

        @Option(help: "Time this many forward passes and print the median (after one warm-up pass).")
        var `repeat`: Int = 1

        func validate() throws {
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
            if self.repeat < 1 { throw ValidationError("--repeat must be at least 1") }
            if layers != nil && output == nil { throw ValidationError("--layers needs --output") }
            if json && profile { throw ValidationError("give --json or --profile, not both") }
            if untrained && weights != nil { throw ValidationError("give --weights or --untrained, not both") }
            if [tensor, image, sample].compactMap({ $0 }).count > 1 {
                throw ValidationError("give one input: --tensor, --image or --sample")
            }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if let threads { EngineThreads.set(threads) }
            let bundled = try sample.map { try SampleID(parsing: $0) }
            let input: InferenceRun.Input = image.map { .image($0) } ?? bundled.map { .sample($0) } ?? tensor.map { .tensorFile($0) } ?? .random(seed: seed)
            let settings = InferenceRun.Settings(
                input: input, weightsFile: weights, seed: seed, untrained: untrained,
                outputFile: output, layers: layers, repeats: self.repeat, profile: profile)
            let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
            let result = try InferenceRun(model: model, analysis: analysis, settings: settings, assets: assets).run()

            let softmaxed = analysis.graph.layers.last?.op == .activation(.softmax)
            let names = model.labels.flatMap { $0.names.count == result.output.count ? $0.names : nil }
            let classifier = result.wrote == nil && !(result.outputShape.isSpatial || result.output.count == 1)
            if json {
                let top = classifier ? InferenceReport.top(result.output, alreadyProbabilities: softmaxed) : nil
                return print(
                    try JSONText.encode(
                        InferenceJSON(
                            model: model.name, input: analysis.input.dims, inputSource: "\(result.input)", weights: "\(result.weights)",
                            trained: result.isTrained, outputShape: result.outputShape.dims, top: top, names: names,
                            seconds: result.seconds, repeats: self.repeat, kernels: engineKernels(), wrote: result.wrote.map { "\($0)" })))
            }
            print("\(model.title) at \(analysis.input), \(result.weights)")
            print("input: \(result.input)")
            if let wrote = result.wrote {
                print("wrote \(wrote)")
            } else if result.outputShape.isSpatial || result.output.count == 1 {
                // Not a classifier (a single module or a conv stack): describe the map instead.
                print(InferenceReport.renderMap(result.output, shape: result.outputShape))
            } else {
                InferenceReport.renderTop(InferenceReport.top(result.output, alreadyProbabilities: softmaxed), names: names).forEach { print($0) }
                if !result.isTrained { print("  (random weights: an untrained network's classes mean nothing)") }
            }
            print(InferenceReport.renderTime(seconds: result.seconds, repeats: self.repeat, kernels: engineKernels()))
            if profile { InferenceReport.renderProfile(result.timings, analysis: analysis).forEach { print($0) } }
        }
    }
}
