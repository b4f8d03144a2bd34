import ArgumentParser
import CNNData
import CNNEngine
import CNNModel
import Foundation
import CNNReport
import CNNRuntime
import CNNZoo

extension CNNTUICommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a forward pass with cnn-tui's engine: top-5 classes and time, or outputs to a file.")

        @OptionGroup var selection: ModelSelection

        @Option(help: ArgumentHelp("Weights as safetensors with torchvision's state_dict names (default: the model's shipped weights (lenet5) or fixed kernels (filters), else He initialization).", valueName: "W.safetensors"))
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

        @Option(help: "Time this many forward passes and print the median (after one warm-up pass).")
        var `repeat`: Int = 1

        func validate() throws {
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
            if self.repeat < 1 { throw ValidationError("--repeat must be at least 1") }
            if layers != nil && output == nil { throw ValidationError("--layers needs --output") }
            if untrained && weights != nil { throw ValidationError("give --weights or --untrained, not both") }
            if [tensor, image, sample].compactMap({ $0 }).count > 1 {
                throw ValidationError("give one input: --tensor, --image or --sample")
            }
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if let threads { setBLASThreads(threads) }
            let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment)
            let loaded: ModelWeights
            do { loaded = try ModelWeights.load(model, analysis: analysis, file: self.weights, seed: seed,
                                                        assets: untrained ? nil : assets) } catch {
                throw UserError("\(error)")
            }
            let weights = loaded.weights
            let (input, inputDescription) = try loadInput(analysis, labels: model.labels, assets: assets)
            // Layers written to --output keep their own values; the rest may be fused and share buffers.
            let requested = try requestedLayers(analysis)
            let executor = try engine { () throws(EngineError) in
                try Executor(analysis: analysis, weights: weights, fuse: layers != "all", keeping: Set(requested.map(\.id)))
            }
            var times: [Double] = []
            var timings: [LayerTiming] = []
            for pass in 0..<(self.repeat > 1 ? self.repeat + 1 : 1) {
                try engine { () throws(EngineError) in try executor.setInput(input) }
                let start = monotonicSeconds()
                if profile { timings = executor.runProfiled() } else { executor.run() }
                if self.repeat == 1 || pass > 0 { times.append(monotonicSeconds() - start) }
            }
            let elapsed = times.sorted()[times.count / 2]
            let last = analysis.graph.layers.count - 1
            let result = executor.output(last)

            print("\(model.title) at \(analysis.input), \(loaded.description)")
            print("input: \(inputDescription)")
            if let output {
                try write(executor, layers: requested, final: result, to: output)
                print("wrote \(output)")
            } else if analysis.layers[last].outputShape.isSpatial || result.count == 1 {
                // Not a classifier (a single module or a conv stack): describe the map instead.
                let v = result.values
                print("output \(analysis.layers[last].outputShape): min \(formatFixed(Double(v.min() ?? 0), digits: 4)), "
                      + "max \(formatFixed(Double(v.max() ?? 0), digits: 4)), mean \(formatFixed(Double(v.reduce(0, +)) / Double(max(v.count, 1)), digits: 4))")
            } else {
                let softmaxed = analysis.graph.layers[last].op == .activation(.softmax)
                let names = model.labels.flatMap { $0.names.count == result.count ? $0.names : nil }
                InferenceReport.renderTop(InferenceReport.top(result.values, alreadyProbabilities: softmaxed), names: names).forEach { print($0) }
                if !loaded.isTrained { print("  (random weights: an untrained network's classes mean nothing)") }
            }
            let how = self.repeat > 1 ? "median of \(self.repeat)" : "one pass"
            // Four decimals below a millisecond, so that LeNet-5's tens of microseconds keep three digits.
            let milliseconds = elapsed * 1e3
            print("forward pass: \(formatFixed(milliseconds, digits: milliseconds < 1 ? 4 : 2)) ms (\(how); OpenBLAS \(blasCoreName()))")
            if profile { InferenceReport.renderProfile(timings, analysis: analysis).forEach { print($0) } }
        }

        /// The input tensor and a line saying what it is.
        private func loadInput(_ analysis: ModelAnalysis, labels: LabelSet?, assets: SampleFiles?) throws -> (Tensor, String) {
            let shape = analysis.input
            if let image = self.image ?? nil {
                let picture: Image
                do { picture = try ImageFiles.read(path: image) } catch { throw UserError("\(error)") }
                return (ModelInput.tensor(picture, shape: shape, labels: labels), "\(image) (\(picture.width)x\(picture.height)), fed as \(shape): \(fitting(picture, shape))")
            }
            if let sample {
                guard let assets else {
                    throw UserError("cannot find the bundled samples (Assets/); set CNN_TUI_ASSETS to the folder")
                }
                let found: Sample
                do { found = try SampleCache(files: assets).sample(SampleID(parsing: sample)) } catch { throw UserError("\(error)") }
                let truth = found.label.map { label -> String in
                    let name = found.className.flatMap { $0 != String(label) ? " " + $0 : nil } ?? ""
                    return ", true class \(label)\(name)"
                } ?? ""
                return (ModelInput.tensor(found.image, shape: shape, labels: labels), "sample \(found.name)\(truth), fed as \(shape): \(fitting(found.image, shape))")
            }
            guard let path = tensor else {
                let t = Tensor(shape)
                var random = NormalGenerator(seed: seed)
                for i in 0..<t.count { t[i] = random.next() }
                return (t, "random normal (seed \(seed))")
            }
            let tensors: [String: Tensor]
            do { tensors = try Safetensors.read(path: path) } catch { throw UserError("\(error)") }
            guard let input = tensors["input"] else { throw UserError("\(path) has no tensor named 'input'") }
            guard input.shape == [1] + shape.dims else {
                throw UserError("\(path): input has shape \(input.shape), \(analysis.graph.name) takes [1, \(shape.dims.map(String.init).joined(separator: ", "))]")
            }
            return (input, path)
        }

        /// The layers named by --layers (none without it).
        private func requestedLayers(_ analysis: ModelAnalysis) throws -> [Layer] {
            guard let layers else { return [] }
            if layers == "all" { return Array(analysis.graph.layers.dropFirst()) }
            return try layers.split(separator: ",").map { name in
                guard let layer = analysis.graph.layer(named: String(name)) else {
                    throw UserError("\(analysis.graph.name) has no layer '\(name)' (see `cnn-tui summary \(analysis.graph.name)`)")
                }
                return layer
            }
        }

        private func fitting(_ image: Image, _ shape: TensorShape) -> String {
            ImageFitting.describe(width: image.width, height: image.height, channels: image.channels,
                                  inputChannels: shape.channels, inputWidth: shape.width, inputHeight: shape.height)
        }

        private func write(_ executor: Executor, layers: [Layer], final: Tensor, to path: String) throws {
            var tensors = ["output": final]
            for layer in layers { tensors[layer.name] = executor.output(layer.id) }
            do { try Safetensors.write(tensors, to: path) } catch { throw UserError("cannot write \(path): \(error.localizedDescription)") }
        }
    }
}

/// Runs engine setup, turning its errors into one-line user errors.
func engine<T>(_ body: () throws(EngineError) -> T) throws -> T {
    do { return try body() } catch { throw UserError("\(error)") }
}
