import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// A forward pass of a zoo model as `cnn-tui run` makes it: the weights and the input loaded,
/// the pass timed (the median of several, after a warm-up, when asked), and the final output
/// and chosen layers' outputs written to a safetensors file when asked.
public struct InferenceRun {
    /// Where the input comes from.
    public enum Input: Hashable, Sendable {
        /// A standard normal tensor from a seed.
        case random(seed: UInt64)
        /// The tensor named `input` of a safetensors file, shape `[1, C, H, W]`.
        case tensorFile(String)
        /// A PNG, PGM or PPM file, fitted to the model's input.
        case image(String)
        /// A bundled sample.
        case sample(SampleID)
    }

    public struct Settings: Sendable {
        public var input: Input
        /// Weights as safetensors; nil for the model's own (see `ModelWeights.load`).
        public var weightsFile: String?
        /// Seed of the He initialization when there are no weights to load.
        public var seed: UInt64
        /// Ignore the model's shipped trained weights.
        public var untrained: Bool
        /// Where to write the final output (as `output`) and the `layers` outputs.
        public var outputFile: String?
        /// Layers whose outputs go into `outputFile`: `all`, or names separated by commas.
        public var layers: String?
        /// Forward passes to time (the median is reported); more than one adds a warm-up pass.
        public var repeats: Int
        /// Time each layer.
        public var profile: Bool

        public init(
            input: Input, weightsFile: String? = nil, seed: UInt64 = ModelWeights.defaultSeed, untrained: Bool = false,
            outputFile: String? = nil, layers: String? = nil, repeats: Int = 1, profile: Bool = false
        ) {
            self.input = input
            self.weightsFile = weightsFile
            self.seed = seed
            self.untrained = untrained
            self.outputFile = outputFile
            self.layers = layers
            self.repeats = repeats
            self.profile = profile
        }
    }

    /// What a run found, as values.
    public struct Result: Sendable {
        /// Where the weights came from, in words, and whether they are trained.
        public let weights: String
        public let isTrained: Bool
        /// What the input is, in words: `sample mnist:3, true class 0, fed as 1x32x32: ...`.
        public let input: String
        /// The last layer's output.
        public let output: [Float]
        public let outputShape: TensorShape
        /// Seconds of one forward pass (the median when several were timed).
        public let seconds: Double
        /// Each layer's time in the last pass, when profiled.
        public let timings: [LayerTiming]
        /// The file written, if any.
        public let wrote: String?
    }

    public let model: ZooModel
    public let analysis: ModelAnalysis
    public let settings: Settings
    /// The bundled samples and shipped weights; nil when they cannot be found.
    public let assets: SampleFiles?

    public init(model: ZooModel, analysis: ModelAnalysis, settings: Settings, assets: SampleFiles?) {
        self.model = model
        self.analysis = analysis
        self.settings = settings
        self.assets = assets
    }

    /// Loads the weights and the input, runs the passes and writes the output file (checked
    /// first, so that a bad path fails before a large model's work).
    public func run() throws -> Result {
        let destination = settings.outputFile.map(OutputFile.init)
        try destination?.check()
        let loaded = try ModelWeights.load(
            model, analysis: analysis, file: settings.weightsFile, seed: settings.seed,
            assets: settings.untrained ? nil : assets)
        let (input, description) = try loadInput()
        // Layers written to the file keep their own values; the rest may be fused and share buffers.
        let requested = try requestedLayers()
        let executor = try Executor(
            analysis: analysis, weights: loaded.weights, fuse: settings.layers != "all",
            keeping: Set(requested.map(\.id)))
        var times: [Double] = []
        var timings: [LayerTiming] = []
        for pass in 0..<(settings.repeats > 1 ? settings.repeats + 1 : 1) {
            try executor.setInput(input)
            let start = monotonicSeconds()
            if settings.profile { timings = executor.runProfiled() } else { executor.run() }
            if settings.repeats == 1 || pass > 0 { times.append(monotonicSeconds() - start) }
        }
        let last = analysis.graph.layers.count - 1
        let final = executor.output(last)
        if let destination {
            var tensors = ["output": final]
            for layer in requested { tensors[layer.name] = executor.output(layer.id) }
            try destination.write { try Safetensors.write(tensors, to: $0) }
        }
        return Result(
            weights: loaded.description, isTrained: loaded.isTrained, input: description, output: final.values,
            outputShape: analysis.layers[last].outputShape, seconds: times.sorted()[times.count / 2],
            timings: timings, wrote: settings.outputFile)
    }

    /// The input tensor and a line saying what it is.
    func loadInput() throws -> (Tensor, String) {
        let shape = analysis.input
        switch settings.input {
        case .image(let path):
            let picture = try ImageFiles.read(path: path)
            return (
                ModelInput.tensor(picture, shape: shape, labels: model.labels),
                "\(path) (\(picture.width)x\(picture.height)), fed as \(shape): \(fitting(picture))"
            )
        case .sample(let id):
            guard let assets else { throw InferenceRunError.noBundledSamples }
            let sample = try SampleCache(files: assets).sample(id)
            // Digits are their own names: "true class 7", not "true class 7 7". A class of another
            // label set than the model's says whose it is: a CIFAR-10 "airplane" is not digit 0.
            let truth =
                sample.label.map { label in
                    let name = sample.className.map { $0 != String(label) ? " " + $0 : "" } ?? ""
                    if sample.label(in: model.labels) != nil || model.labels == nil { return ", true class \(label)\(name)" }
                    return ", \(id.dataset.displayName) class \(label)\(name) (not one of \(model.labels!.name))"
                } ?? ""
            return (
                ModelInput.tensor(sample.image, shape: shape, labels: model.labels),
                "sample \(sample.name)\(truth), fed as \(shape): \(fitting(sample.image))"
            )
        case .random(let seed):
            let t = Tensor(shape)
            var random = NormalGenerator(seed: seed)
            for i in 0..<t.count { t[i] = random.next() }
            return (t, "random normal (seed \(seed))")
        case .tensorFile(let path):
            guard let input = try Safetensors.read(path: path)["input"] else { throw InferenceRunError.noInputTensor(file: path) }
            guard input.shape == [1] + shape.dims else {
                throw InferenceRunError.wrongInputShape(file: path, got: input.shape, model: analysis.graph.name, takes: [1] + shape.dims)
            }
            return (input, path)
        }
    }

    /// The layers named by `layers` (none without it).
    private func requestedLayers() throws -> [Layer] {
        guard let layers = settings.layers else { return [] }
        let graph = analysis.graph
        if layers == "all" { return Array(graph.layers.dropFirst()) }
        return try layers.split(separator: ",").map { name in
            guard let layer = graph.layer(named: String(name)) else { throw UnknownLayerError(String(name), in: graph) }
            return layer
        }
    }

    private func fitting(_ image: Image) -> String {
        let shape = analysis.input
        return ImageFitting.describe(
            width: image.width, height: image.height, channels: image.channels,
            inputChannels: shape.channels, inputWidth: shape.width, inputHeight: shape.height)
    }
}

/// Why a run cannot start, in one line.
public enum InferenceRunError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    case noBundledSamples
    case noInputTensor(file: String)
    case wrongInputShape(file: String, got: [Int], model: String, takes: [Int])

    public var description: String {
        switch self {
        case .noBundledSamples:
            return "cannot find the bundled samples (Assets/); set CNN_TUI_ASSETS to the folder"
        case .noInputTensor(let file):
            return "\(file) has no tensor named 'input'"
        case .wrongInputShape(let file, let got, let model, let takes):
            return "\(file): input has shape \(got), \(model) takes \(takes)"
        }
    }

    public var errorDescription: String? { description }
}
