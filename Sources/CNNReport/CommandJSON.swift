import CNNModel
import CNNZoo
import Foundation

/// Pretty-printed JSON with sorted keys, as every `--json` writes it.
public enum JSONText {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// `cnn-tui info MODEL --json`.
public struct ModelInfoJSON: Encodable, Sendable {
    public let name: String
    public let title: String
    public let year: Int?
    public let paper: String?
    public let file: String?
    public let description: String
    public let input: [Int]
    public let defaultInput: [Int]
    /// By parameter convention: torchinfo, keras.
    public let params: [String: Int]
    /// Multiply-adds by counting convention.
    public let macs: [String: Int]
    public let depth: Int
    public let layers: Int
    public let published: ZooListJSON.Published?

    public init(_ model: ZooModel, analysis a: ModelAnalysis) {
        name = model.name
        title = model.title
        year = model.file == nil ? model.year : nil
        paper = model.file == nil ? model.paper : nil
        file = model.file
        description = model.description
        input = a.input.dims
        defaultInput = model.defaultInput.dims
        params = Dictionary(uniqueKeysWithValues: ParamConvention.allCases.map { ($0.rawValue, a.params($0)) })
        macs = ZooListJSON.macsByConvention(model, a)
        depth = a.depth
        layers = a.graph.layers.count - 1
        published = model.published.map(ZooListJSON.Published.init)
    }
}

/// `cnn-tui rf MODEL --json`: every layer's receptive field.
public struct ReceptiveFieldsJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public let name: String
        public let type: String
        public let outputShape: [Int]
        public let receptiveField: SummaryJSON.ReceptiveFieldJSON
    }

    public let model: String
    public let input: [Int]
    public let layers: [Entry]

    public init(_ a: ModelAnalysis) {
        model = a.graph.name
        input = a.input.dims
        layers = a.graph.layers.map { layer in
            Entry(
                name: layer.name, type: layer.op.typeName, outputShape: a.layers[layer.id].outputShape.dims,
                receptiveField: SummaryJSON.ReceptiveFieldJSON(a.layers[layer.id].receptiveField))
        }
    }
}

/// `cnn-tui params ... --json`: one layer counted by hand.
public struct CalculatorJSON: Encodable, Sendable {
    public let op: String
    public let input: [Int]
    public let output: [Int]
    public let params: Int
    public let paramsRule: String
    public let paramsFormula: String
    public let macs: Int
    public let macsFormula: String?
    /// The hand count without the bias, for a convolution with one.
    public let macsWithoutBias: String?
    public let activations: Int

    public init(_ r: Calculator.Result) {
        op = r.op.summary
        input = r.input.dims
        output = r.output.dims
        params = r.params
        paramsRule = r.rule
        paramsFormula = r.formula
        macs = r.macs
        macsFormula = r.op.macsFormula(input: r.input, output: r.output, cost: r.analysis.cost)
        macsWithoutBias = r.op.macsWithoutBiasFormula(input: r.input, output: r.output)
        activations = r.analysis.activations
    }
}

/// `cnn-tui params depthwise-separable ... --json`.
public struct SeparableJSON: Encodable, Sendable {
    public let depthwise: CalculatorJSON
    public let pointwise: CalculatorJSON
    public let standard: CalculatorJSON
    public let separableParams: Int
    public let separableMacs: Int

    public init(_ c: Calculator.SeparableComparison) {
        depthwise = CalculatorJSON(c.depthwise)
        pointwise = CalculatorJSON(c.pointwise)
        standard = CalculatorJSON(c.standard)
        separableParams = c.separableParams
        separableMacs = c.separableMacs
    }
}

/// `cnn-tui compare-rf --json`: each stack against its one large kernel.
public struct KernelStackJSON: Encodable, Sendable {
    public struct Side: Encodable, Sendable {
        public let count: Int
        public let kernel: Int
        public let receptiveField: Int
        public let growth: [Int]
        public let params: Int
        public let macs: Int
        public let nonLinearities: Int
        public let output: [Int]

        init(_ s: KernelStackComparison.Side) {
            (count, kernel, receptiveField, growth) = (s.count, s.kernel, s.receptiveField, s.growth)
            (params, macs, nonLinearities, output) = (s.params, s.macs, s.nonLinearities, s.output.dims)
        }
    }

    public struct Pair: Encodable, Sendable {
        public let channels: Int
        public let size: [Int]
        public let stack: Side
        public let single: Side
    }

    public let comparisons: [Pair]

    public init(_ comparisons: [KernelStackComparison]) {
        self.comparisons = comparisons.map {
            Pair(channels: $0.channels, size: [$0.size.h, $0.size.w], stack: Side($0.stack), single: Side($0.single))
        }
    }
}

/// `cnn-tui run MODEL --json`: the top-5 (or the output's shape) and the time.
public struct InferenceJSON: Encodable, Sendable {
    public struct Prediction: Encodable, Sendable {
        public let index: Int
        public let label: String?
        public let probability: Double
    }

    public let model: String
    public let input: [Int]
    public let inputSource: String
    public let weights: String
    public let trained: Bool
    public let outputShape: [Int]
    /// For a classifier; absent for a network whose output is a map.
    public let top: [Prediction]?
    /// The median of the timed passes, in milliseconds, and how many.
    public let milliseconds: Double
    public let repeats: Int
    public let kernels: String
    public let wrote: String?

    public init(
        model: String, input: [Int], inputSource: String, weights: String, trained: Bool, outputShape: [Int],
        top: [(index: Int, probability: Double)]?, names: [String]?, seconds: Double, repeats: Int, kernels: String, wrote: String?
    ) {
        (self.model, self.input, self.inputSource, self.weights, self.trained) = (model, input, inputSource, weights, trained)
        self.outputShape = outputShape
        self.top = top?.map { Prediction(index: $0.index, label: names?[$0.index], probability: $0.probability) }
        (milliseconds, self.repeats, self.kernels, self.wrote) = (seconds * 1000, repeats, kernels, wrote)
    }
}
