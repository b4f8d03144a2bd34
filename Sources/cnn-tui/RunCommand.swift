import ArgumentParser
import CNNEngine
import CNNModel
import CNNReport
import CNNZoo

extension CNNTUICommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a forward pass with cnn-tui's engine: top-5 classes and time, or outputs to a file.")

        @OptionGroup var selection: ModelSelection

        @Option(help: ArgumentHelp("Weights as safetensors with torchvision's state_dict names (default: He initialization).", valueName: "W.safetensors"))
        var weights: String?

        @Option(help: "Seed of the He initialization when no weights are given.")
        var seed: UInt64 = 42

        @Option(help: ArgumentHelp("The input: the tensor named `input`, shape [1,C,H,W] (default: a seeded random normal input).", valueName: "X.safetensors"))
        var tensor: String?

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
        }

        func run() throws {
            let (model, analysis) = try selection.analysis()
            if let threads { setBLASThreads(threads) }
            let weights: Weights
            do {
                if let path = self.weights {
                    weights = Weights(tensors: try Safetensors.read(path: path), origin: path)
                    try weights.validate(for: analysis)
                } else {
                    weights = .heInitialized(analysis, seed: seed)
                }
            } catch {
                throw UserError("\(error)")
            }
            let input = try loadInput(analysis)
            let executor = try engine { () throws(EngineError) in try Executor(analysis: analysis, weights: weights) }
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

            print("\(model.title) at \(analysis.input), weights: \(weights.origin)")
            if tensor == nil { print("input: random normal (seed \(seed))") }
            if let output {
                try write(executor, analysis: analysis, final: result, to: output)
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
            }
            let how = self.repeat > 1 ? "median of \(self.repeat)" : "one pass"
            print("forward pass: \(formatFixed(elapsed * 1e3, digits: 2)) ms (\(how); OpenBLAS \(blasCoreName()))")
            if profile { InferenceReport.renderProfile(timings, analysis: analysis).forEach { print($0) } }
        }

        private func loadInput(_ analysis: ModelAnalysis) throws -> Tensor {
            guard let path = tensor else {
                let t = Tensor(analysis.input)
                var random = NormalGenerator(seed: seed)
                for i in 0..<t.count { t[i] = random.next() }
                return t
            }
            let tensors: [String: Tensor]
            do { tensors = try Safetensors.read(path: path) } catch { throw UserError("\(error)") }
            guard let input = tensors["input"] else { throw UserError("\(path) has no tensor named 'input'") }
            guard input.shape == [1] + analysis.input.dims else {
                throw UserError("\(path): input has shape \(input.shape), \(analysis.graph.name) takes [1, \(analysis.input.dims.map(String.init).joined(separator: ", "))]")
            }
            return input
        }

        private func write(_ executor: Executor, analysis: ModelAnalysis, final: Tensor, to path: String) throws {
            var tensors = ["output": final]
            if let layers {
                let names = layers == "all" ? analysis.graph.layers.dropFirst().map(\.name) : layers.split(separator: ",").map(String.init)
                for name in names {
                    guard let layer = analysis.graph.layer(named: name) else {
                        throw UserError("\(analysis.graph.name) has no layer '\(name)' (see `cnn-tui summary \(analysis.graph.name)`)")
                    }
                    tensors[name] = executor.output(layer.id)
                }
            }
            do { try Safetensors.write(tensors, to: path) } catch { throw UserError("cannot write \(path): \(error.localizedDescription)") }
        }
    }
}

/// Runs engine setup, turning its errors into one-line user errors.
func engine<T>(_ body: () throws(EngineError) -> T) throws -> T {
    do { return try body() } catch { throw UserError("\(error)") }
}
