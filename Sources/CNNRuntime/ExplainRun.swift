import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation

/// `cnn-tui explain`: what a unit of a layer sees, or what the prediction looks at, for one
/// input, by one method; the result as numbers and, on request, a tensor in a safetensors file.
public struct ExplainRun {
    public enum Method: String, CaseIterable, Sendable {
        /// The input gradient of one unit: its effective receptive field.
        case erf
        /// Grad-CAM at a layer, for a class.
        case gradcam
        /// Guided backpropagation of a class's score to the input.
        case guided
        /// The drop in a class's probability as a grey square covers each part of the input.
        case occlusion
        /// The bundled samples that excite a channel most, each cropped to its unit's field.
        case topPatches = "top-patches"
    }

    public struct Settings: Sendable {
        public var input: InferenceRun.Input
        public var weightsFile: String?
        public var seed: UInt64 = ModelWeights.defaultSeed
        public var untrained = false
        public var method: Method
        /// A layer or block name (a block means its output); nil: the method's default.
        public var layer: String?
        public var channel: Int?
        /// The unit's row and column; nil: the map's centre.
        public var unit: (y: Int, x: Int)?
        /// nil: the predicted class.
        public var classIndex: Int?
        public var patch = 8
        public var stride = 4
        public var outputFile: String?
        /// How many patches `top-patches` keeps.
        public var top = 9
        /// `erf`: more than 1 averages the unit's gradient magnitude over the first this many
        /// bundled samples of the input's data set (Luo et al. average over inputs too).
        public var samples = 1
        /// The bundled data set of `top-patches` and an averaged `erf`; nil: the input's own (the
        /// model's for an image or a tensor).
        public var dataset: BundledDataset?

        public init(input: InferenceRun.Input, method: Method) {
            self.input = input
            self.method = method
        }
    }

    /// One of the top patches: where in which sample, how strongly, and the input pixels its
    /// unit sees (rows and columns, inside the input).
    public struct Patch: Sendable, Codable {
        public let sample: String
        public let y: Int
        public let x: Int
        public let value: Float
        public let rows: ClosedRange<Int>
        public let columns: ClosedRange<Int>
    }

    public struct Result: Sendable {
        public internal(set) var weights = ""
        public internal(set) var isTrained = false
        public internal(set) var input = ""
        public let method: Method
        /// The layer explained (nil for guided backpropagation and occlusion).
        public let layer: String?
        /// The class explained and its probability, where the method has one.
        public let classIndex: Int?
        public let className: String?
        public let probability: Float?
        /// The unit (channel, row, column) of `erf`.
        public let unit: (channel: Int, y: Int, x: Int)?
        /// The channel of `erf` and `top-patches`.
        public let channel: Int?
        /// The method's tensor and its shape (`erf`, `guided`: [C,H,W]; `gradcam`: [H,W];
        /// `occlusion`: [rows, columns]); empty for `top-patches`.
        public let values: [Float]
        public let shape: [Int]
        /// `erf`: the theoretical field of the unit, and the share of it that holds 20%, 50%, 90%
        /// and 99% of the gradient's total magnitude.
        public let field: ReceptiveField?
        public let fieldShares: [(fraction: Double, share: Double)]
        /// `erf`: how many inputs the gradient's magnitude is averaged over (1: the input's own,
        /// signed gradient).
        public let averagedOver: Int
        public let patches: [Patch]
        public internal(set) var wrote: String?
    }

    public let model: ZooModel
    public let analysis: ModelAnalysis
    public let settings: Settings
    public let assets: SampleFiles?

    public init(model: ZooModel, analysis: ModelAnalysis, settings: Settings, assets: SampleFiles?) {
        self.model = model
        self.analysis = analysis
        self.settings = settings
        self.assets = assets
    }

    /// The layer `name` names, or a block's last layer.
    public static func layer(named name: String, in graph: Graph) throws -> Int {
        if let layer = graph.layer(named: name) { return layer.id }
        if let block = graph.block(named: name), let last = graph.lastLayer(ofBlock: block.id) { return last.id }
        throw UnknownLayerError(name, in: graph, blocks: true)
    }

    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        let destination = settings.outputFile.map(OutputFile.init)
        try destination?.check()
        let loaded = try ModelWeights.load(
            model, analysis: analysis, file: settings.weightsFile, seed: settings.seed, assets: settings.untrained ? nil : assets)
        let inference = InferenceRun(
            model: model, analysis: analysis, settings: InferenceRun.Settings(input: settings.input), assets: assets)
        let (input, description) = try inference.loadInput()
        let explainer: Explainer
        // Every layer's activations and gradients are kept for each sample of a batch: one sample
        // but for occlusion, whose copies go a few at a time (VGG-16 took 5 GB at 16).
        let batch = settings.method == .occlusion ? 4 : 1
        do { explainer = try Explainer(analysis: analysis, weights: loaded.weights, batchSize: batch) } catch {
            throw ExplainRunError.cannotExplain(error)
        }
        explainer.run(input.values)
        var result = try compute(explainer, progress: progress)!
        if let destination, !result.values.isEmpty {
            let (values, shape) = (result.values, result.shape)
            try destination.write { try Safetensors.write([settings.method.rawValue: Tensor(shape: shape, values: values)], to: $0) }
            result.wrote = settings.outputFile
        }
        (result.weights, result.isTrained, result.input) = (loaded.description, loaded.isTrained, description)
        return result
    }

    /// The method's numbers for the input `explainer` ran last (for `cnn-tui explain` and the
    /// browser alike); nil when `isCancelled` stopped it. `cache` keeps each layer's top patches
    /// (every channel's) for the explainer's weights.
    public func compute(
        _ explainer: Explainer, cache: TopPatchCache? = nil, isCancelled: () -> Bool = { false },
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result? {
        let input = explainer.input
        let layer = try settings.layer.map { try Self.layer(named: $0, in: analysis.graph) }
        let predicted = explainer.probabilities.enumerated().max { $0.element < $1.element }!.offset
        let classIndex = settings.classIndex ?? predicted
        guard classIndex < explainer.classes else { throw ExplainRunError.noSuchClass(classIndex, classes: explainer.classes) }
        let className = model.labels.flatMap { $0.names.indices.contains(classIndex) ? $0.names[classIndex] : nil }
        let probability = explainer.probabilities[classIndex]
        var values: [Float] = [], shape: [Int] = []
        var unit: (channel: Int, y: Int, x: Int)?
        var field: ReceptiveField?
        var shares: [(Double, Double)] = []
        var patches: [Patch] = []
        var averaged = 1
        var explained = layer
        switch settings.method {
        case .erf:
            let id = try layer ?? { throw ExplainRunError.needsLayer(settings.method) }()
            let u = try self.unit(of: id)
            if settings.samples > 1 {
                guard let mean = try meanGradient(explainer, ofUnit: u, layer: id, isCancelled: isCancelled, progress: progress) else {
                    return nil
                }
                (values, averaged) = mean
            } else {
                values = explainer.inputGradient(ofUnit: id, channel: u.channel, y: u.y, x: u.x)
            }
            shape = analysis.input.dims
            unit = u
            field = analysis.layers[id].receptiveField
            let box = field!.inputPixels(ofUnit: u.y, u.x, height: analysis.input.height, width: analysis.input.width)
            shares = Self.fieldShares(values, input: analysis.input, box: box)
        case .gradcam:
            guard let id = layer ?? analysis.lastMapLayer else { throw ExplainRunError.needsLayer(settings.method) }
            explained = id
            values = explainer.gradCAM(layer: id, classIndex: classIndex)
            let s = analysis.layers[id].outputShape
            shape = [s.height, s.width]
        case .guided:
            values = explainer.guidedBackpropagation(classIndex: classIndex)
            shape = analysis.input.dims
            explained = nil
        case .occlusion:
            let grid = explainer.occlusionGrid(patch: settings.patch, stride: settings.stride)
            guard grid.rows > 0 else { throw ExplainRunError.patchTooLarge(settings.patch, input: analysis.input) }
            guard
                let drops = explainer.occlusion(
                    classIndex: classIndex, patch: settings.patch, stride: settings.stride, isCancelled: isCancelled, progress: progress)
            else { return nil }
            values = drops
            shape = [grid.rows, grid.columns]
            explained = nil
        case .topPatches:
            let id = try layer ?? { throw ExplainRunError.needsLayer(settings.method) }()
            let channel = settings.channel ?? 0
            guard channel < analysis.layers[id].outputShape.channels else {
                throw ExplainRunError.noSuchUnit(layer: analysis.graph.layers[id].name, shape: analysis.layers[id].outputShape)
            }
            let key = TopPatchCache.Key(dataset: inputDataset, layer: id, top: settings.top)
            if let found = cache?.patches[key] {
                patches = found[channel]
            } else {
                guard let found = try topPatches(explainer, layer: id, isCancelled: isCancelled, progress: progress) else { return nil }
                cache?.patches[key] = found
                patches = found[channel]
                explainer.run(input)  // back on the image itself
            }
        }
        return Result(
            method: settings.method, layer: explained.map { analysis.graph.layers[$0].name },
            classIndex: settings.method == .erf || settings.method == .topPatches ? nil : classIndex, className: className,
            probability: probability, unit: unit, channel: settings.method == .topPatches ? settings.channel ?? 0 : unit?.channel,
            values: values, shape: shape, field: field, fieldShares: shares,
            averagedOver: averaged, patches: patches)
    }

    /// The unit asked for, checked against the layer's map; the centre by default.
    private func unit(of layer: Int) throws -> (channel: Int, y: Int, x: Int) {
        let s = analysis.layers[layer].outputShape
        let (channel, y, x) = (settings.channel ?? 0, settings.unit?.y ?? s.height / 2, settings.unit?.x ?? s.width / 2)
        guard s.isSpatial, channel >= 0, channel < s.channels, y >= 0, y < s.height, x >= 0, x < s.width else {
            throw ExplainRunError.noSuchUnit(layer: analysis.graph.layers[layer].name, shape: s)
        }
        return (channel, y, x)
    }

    /// How much of the theoretical field holds `fraction` of the gradient: the fewest pixels
    /// (largest |gradient| summed over channels first) whose magnitudes reach that fraction of
    /// the total, over the field's area inside the input. The ERF papers' measure.
    static func fieldShares(
        _ gradient: [Float], input: TensorShape, box: (rows: ClosedRange<Int>, columns: ClosedRange<Int>)
    ) -> [(Double, Double)] {
        let (h, w) = (input.height, input.width)
        var magnitude = [Double](repeating: 0, count: h * w)
        for c in 0..<input.channels { for p in 0..<(h * w) { magnitude[p] += Double(abs(gradient[c * h * w + p])) } }
        let total = magnitude.reduce(0, +)
        let area = Double(box.rows.count * box.columns.count)
        guard total > 0, area > 0 else { return [] }
        let sorted = magnitude.sorted(by: >)
        return [0.2, 0.5, 0.9, 0.99].map { fraction in
            var sum = 0.0, pixels = 0
            while pixels < sorted.count, sum < fraction * total {
                sum += sorted[pixels]
                pixels += 1
            }
            return (fraction, Double(pixels) / area)
        }
    }

    /// The data set the bundled samples come from: the input's, or the one suited to the model.
    private var inputDataset: BundledDataset {
        if let dataset = settings.dataset { return dataset }
        if case .sample(let id) = settings.input { return id.dataset }
        return .suited(for: analysis.input)
    }

    /// The bundled samples `body` goes through, first to last; false when cancelled.
    private func forEachSample(
        limit: Int = .max, isCancelled: () -> Bool, progress: (Int, Int) -> Void, _ body: (Sample, [Float]) throws -> Void
    ) throws -> Bool {
        guard let assets else { throw InferenceRunError.noBundledSamples }
        let cache = SampleCache(files: assets)
        let count = min(cache.count(inputDataset), limit)
        for index in 0..<count {
            if isCancelled() { return false }
            let sample = try cache.sample(SampleID(inputDataset, index))
            try body(sample, ModelInput.tensor(sample.image, shape: analysis.input, labels: model.labels).values)
            progress(index + 1, count)
        }
        return true
    }

    /// The unit's gradient magnitude `|∂u/∂x|` averaged over the first `settings.samples`
    /// bundled samples (fewer when the data set has fewer: ImageNet's 20), and how many; the
    /// explainer is left on the input it had.
    private func meanGradient(
        _ explainer: Explainer, ofUnit u: (channel: Int, y: Int, x: Int), layer: Int, isCancelled: () -> Bool,
        progress: (Int, Int) -> Void
    ) throws -> (values: [Float], samples: Int)? {
        let original = explainer.input
        var sum = [Double](repeating: 0, count: original.count), n = 0
        let finished = try forEachSample(limit: settings.samples, isCancelled: isCancelled, progress: progress) { _, input in
            explainer.run(input)
            let g = explainer.inputGradient(ofUnit: layer, channel: u.channel, y: u.y, x: u.x)
            for i in g.indices { sum[i] += Double(abs(g[i])) }
            n += 1
        }
        explainer.run(original)
        guard finished else { return nil }
        guard n > 0 else { throw InferenceRunError.noBundledSamples }
        return (sum.map { Float($0 / Double(n)) }, n)
    }

    /// For every channel of `layer`, the bundled samples of the input's data set (the model's own
    /// by default) that excite it most: each sample's strongest unit, the best `top` of them.
    private func topPatches(_ explainer: Explainer, layer: Int, isCancelled: () -> Bool, progress: (Int, Int) -> Void) throws -> [[Patch]]? {
        let s = analysis.layers[layer].outputShape
        let pixels = s.height * s.width
        let field = analysis.layers[layer].receptiveField
        var best = [[Patch]](repeating: [], count: s.channels)
        let finished = try forEachSample(isCancelled: isCancelled, progress: progress) { sample, input in
            explainer.run(input)
            let output = explainer.output(of: layer)
            for channel in 0..<s.channels {
                var (offset, value) = (0, -Float.infinity)
                for p in 0..<pixels where output[channel * pixels + p] > value { (offset, value) = (p, output[channel * pixels + p]) }
                // Only a value that would enter the channel's list is worth a patch.
                if best[channel].count == settings.top, let last = best[channel].last, value <= last.value { continue }
                let (y, x) = (offset / max(s.width, 1), offset % max(s.width, 1))
                let box = field.inputPixels(ofUnit: y, x, height: analysis.input.height, width: analysis.input.width)
                best[channel].append(Patch(sample: sample.name, y: y, x: x, value: value, rows: box.rows, columns: box.columns))
                best[channel] = Array(best[channel].sorted { $0.value > $1.value }.prefix(settings.top))
            }
        }
        return finished ? best : nil
    }
}

/// Each layer's top patches for every channel, kept for one set of weights (the browser's
/// session): switching channels then costs nothing. Used by one thread.
public final class TopPatchCache {
    struct Key: Hashable {
        let dataset: BundledDataset
        let layer: Int
        let top: Int
    }

    var patches: [Key: [[ExplainRun.Patch]]] = [:]

    public init() {}
}

/// Why an explanation cannot be made, in one line.
public enum ExplainRunError: Error, Sendable, CustomStringConvertible, LocalizedError {
    case cannotExplain(TrainingError)
    case needsLayer(ExplainRun.Method)
    case noSuchUnit(layer: String, shape: TensorShape)
    case noSuchClass(Int, classes: Int)
    case patchTooLarge(Int, input: TensorShape)

    public var description: String {
        switch self {
        case .cannotExplain(let error): return "cannot take gradients of this network: \(error)"
        case .needsLayer(let method): return "--method \(method.rawValue) needs --layer NAME (a layer or block from `cnn-tui summary`)"
        case .noSuchUnit(let layer, let shape): return "\(layer) has no such unit: its output is \(shape) (--channel C --unit Y,X)"
        case .noSuchClass(let k, let classes): return "class \(k) does not exist: the model has \(classes) classes (0 to \(classes - 1))"
        case .patchTooLarge(let patch, let input): return "a \(patch)x\(patch) patch does not fit the \(input) input"
        }
    }

    public var errorDescription: String? { description }
}
