import CNNModel

/// Turns a decoded ONNX file into a cnn-tui network: each node becomes a layer of the graph (or,
/// when it only computes shapes and constants, is computed on the spot), the module hierarchy
/// comes back from the exporter's scopes, and the weights are renamed after their layers.
public enum ONNXImport {
    /// The network of `model`, read from `file` (named in messages), at `input` (C x H x W) or at
    /// the input size the file declares. A file with nodes cnn-tui cannot represent is one error
    /// that names every such op with a node using it.
    public static func network(_ model: ONNXModel, file: String, input: TensorShape? = nil) throws(ImportError) -> ImportedNetwork {
        var importer = ONNXImporter(model: model, file: file)
        return try importer.run(input: input)
    }

    /// The ops that become layers, and those computed while reading (shapes and constants).
    public static let supportedOps: [String] = ONNXImporter.layerOps + ONNXImporter.constantOps
}

/// The state of one import: the graph so far and what each ONNX value name stands for.
struct ONNXImporter {
    /// What an ONNX value is while reading.
    enum Value {
        /// The output of a layer.
        case layer(Int)
        /// Known now (an initializer, or computed from them).
        case constant(ConstantValue)
        /// A layer's output seen channels last (`Transpose` by `[0, 2, 3, 1]`, as ConvNeXt and
        /// tf2onnx files do): only channel-wise ops read it, until a transpose turns it back.
        case permuted(Int)
        /// Part of GELU as the TorchScript exporter spells it, `x * 0.5 * (1 + erf(x / sqrt(2)))`:
        /// `step` of the five nodes done on layer `x`.
        case geluStep(Int, step: Int, permuted: Bool)
        /// A layer's output reshaped to one dimension, batch included (torch.export's `as_strided`
        /// after a pooling: a `Gather` of every element in order brings it back).
        case raveled(Int)
        /// A layer's channels reshaped into `groups` rows (`[N, g, C/g, H, W]`), the rows and
        /// columns `swapped` after a transpose: the middle of a channel shuffle.
        case channelGroups(Int, groups: Int, swapped: Bool)
        /// A layer's values under a shape no layer has, batch included (`[1, C, 1]` between the
        /// two Unsqueezes of `x[:, :, None, None]`).
        case unsqueezed(Int, dims: [Int])
        /// Part of a layer norm spelled out with ReduceMean, Sub, Pow, ... (opsets below 17).
        case layerNormStep(LayerNormSteps)
        /// A flatten layer's values in the order of its input seen channels last (tf2onnx's
        /// Keras `Flatten`): a product reading it has its weight rows reordered to match.
        case flattenedChannelsLast(Int, source: TensorShape)
        /// Made by a node that could not be read; nodes reading it are skipped, not reported again.
        case unreadable
    }

    /// A node that could not be read, and why.
    struct Problem {
        let op: String
        let node: String
        let reason: String
    }

    static let layerOps = [
        "Conv", "BatchNormalization", "Relu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Gelu", "Softmax",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LeakyRelu", "ReduceMean", "Flatten", "Reshape", "Squeeze", "Gemm", "MatMul",
        "Add", "Sum", "Mul", "Concat", "Dropout", "Identity", "LRN", "Pad", "Slice", "LayerNormalization", "Transpose", "Erf",
        "Div", "Sub", "Split", "ReduceMax", "Unsqueeze", "Pow", "Sqrt",
    ]
    /// Ops that work the same on a channels-last view as on the map: they read `.permuted` values.
    static let channelwiseOps: Set<String> = [
        "LayerNormalization", "MatMul", "Add", "Sub", "Mul", "Div", "Erf", "Gelu", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid",
        "Clip", "Identity", "Dropout",
    ]
    static let constantOps = [
        "Constant", "Shape", "Gather", "Cast", "ConstantOfShape",
    ]

    let model: ONNXModel
    let file: String
    var layers: [Layer] = []
    var shapes: [TensorShape] = []
    var blocks: [Block] = []
    var blockIDs: [String: Int] = [:]
    var names: Set<String> = []
    var values: [String: Value] = [:]
    var weights: [String: ImportedTensor] = [:]
    var problems: [Problem] = []
    /// Layers (convolutions, dense) without a bias that an `Add` of a constant right after may give one.
    var biasless: Set<Int> = []
    /// Whether the node being read works on channels-last views of its layers.
    var channelsLast = false
    /// The map whose channels-last flattening the dense layer being read takes (its weight
    /// columns are reordered to the graph's channels-first flatten).
    var rowsChannelsLast: TensorShape?
    /// How many node inputs (and graph outputs) read each value.
    let readers: [String: Int]
    /// Scopes that hold other scopes: their own nodes are functional ops (a block's `+`).
    let containers: Set<String>
    /// The node being read, and its scope.
    var node = ONNXNode(name: "", opType: "", domain: "", inputs: [], outputs: [], attributes: [:], metadata: [:])
    var scope = ModuleScope.none

    init(model: ONNXModel, file: String) {
        self.model = model
        self.file = file
        var readers: [String: Int] = [:]
        var containers = Set<String>()
        for node in model.graph.nodes {
            for input in node.inputs where !input.isEmpty { readers[input, default: 0] += 1 }
            let paths = ModuleScope(node).paths
            containers.formUnion(paths.dropLast())
        }
        for output in model.graph.outputs { readers[output.name, default: 0] += 1 }
        self.readers = readers
        self.containers = containers
    }

    mutating func run(input requested: TensorShape?) throws(ImportError) -> ImportedNetwork {
        let graph = model.graph
        for (name, tensor) in graph.initializers { values[name] = .constant(ConstantValue(tensor)) }
        let inputs = graph.inputs.filter { graph.initializers[$0.name] == nil }
        guard inputs.count == 1, let first = inputs.first else {
            throw ImportError(file: file, "cnn-tui reads networks with one input; this one has \(inputs.count) (\(inputs.map(\.name).joined(separator: ", ")))")
        }
        // tf2onnx keeps Keras's channels-last input and transposes it to channels first at once.
        let readersOfInput = graph.nodes.filter { $0.inputs.contains(first.name) }
        let channelsLastInput =
            !readersOfInput.isEmpty
            && readersOfInput.allSatisfy { node in
                node.opType == "Transpose" && node.attributes["perm"].map { if case .ints([0, 3, 1, 2]) = $0 { true } else { false } } ?? false
            }
        let declared = Self.declaredInput(first, channelsLast: channelsLastInput)
        guard let input = requested ?? declared else {
            let dims = first.dims.map { $0.map(\.text).joined(separator: "x") } ?? "unknown"
            if let rank = first.dims?.count, rank != 4 {
                throw ImportError(file: file, "the input '\(first.name)' is \(dims); cnn-tui reads networks on images, N x C x H x W")
            }
            throw ImportError(file: file, "the input '\(first.name)' has dynamic or unknown sizes (\(dims)): give the size with --input CxHxW")
        }
        layers.append(Layer(id: 0, name: "input", op: .input, inputs: [], block: nil, module: nil))
        shapes.append(input)
        names.insert("input")
        values[first.name] = channelsLastInput ? .permuted(0) : .layer(0)

        let scopes = ModuleScope.all(graph.nodes)
        for (node, scope) in zip(graph.nodes, scopes) {
            self.node = node
            self.scope = scope
            read()
        }
        if !problems.isEmpty { throw ImportError(file: file, Self.describe(problems)) }
        let outputs = graph.outputs.compactMap { output -> Int? in
            switch values[output.name] {
            case .layer(let id), .permuted(let id): return id
            default: return nil
            }
        }
        guard !outputs.isEmpty else { throw ImportError(file: file, "no graph output is computed from the input") }
        let network = Graph(name: model.graph.name, layers: layers, blocks: blocks)
        return ImportedNetwork(graph: network, input: declared, weights: weights, notes: notes(), producer: producer)
    }

    /// `pytorch 2.15.0, ONNX opset 18`.
    var producer: String {
        (model.producer.isEmpty ? "" : model.producer + ", ") + "ONNX opset \(model.opsetVersion)"
    }

    /// What changes the numbers compared with the framework's own model.
    func notes() -> [String] {
        var notes: [String] = []
        let ops = Set(model.graph.nodes.map(\.opType))
        let biasedConvs = layers.filter {
            if case .conv2d(let c) = $0.op { return c.bias }
            return false
        }.count
        if !ops.contains("BatchNormalization"), biasedConvs > 0, model.producer.hasPrefix("pytorch") {
            notes.append(
                "no batchnorm layers: the exporter folded them into the convolutions before them (eval mode), "
                    + "so \(biasedConvs) convolution\(biasedConvs == 1 ? " has a bias" : "s have biases") and the counts "
                    + "are those of the folded network")
        }
        if model.producer.hasPrefix("tf2onnx") {
            if case .permuted(0) = values[model.graph.inputs.first { model.graph.initializers[$0.name] == nil }?.name ?? ""] {
                notes.append("the file's input is channels last (N x H x W x C, as Keras has it); cnn-tui reads it channels first")
            }
            let shifts = layers.filter { $0.op == .channelShift }.count
            if shifts > 0 {
                notes.append(
                    "the converter wrote \(shifts) batchnorm\(shifts == 1 ? "" : "s") as a product and a sum with one constant per channel "
                        + "(scale and shift layers of C parameters each: Keras's gamma and beta, the moving statistics folded in)")
            }
        }
        return notes
    }

    /// C x H x W from `[N, C, H, W]` (or `[N, H, W, C]`) with known sizes.
    static func declaredInput(_ info: ONNXValueInfo, channelsLast: Bool = false) -> TensorShape? {
        guard let dims = info.dims, dims.count == 4 else { return nil }
        var sizes: [Int] = []
        for dim in dims.dropFirst() {
            guard case .value(let n) = dim, n > 0, n <= ONNXImporter.largest else { return nil }
            sizes.append(n)
        }
        return channelsLast ? TensorShape(channels: sizes[2], height: sizes[0], width: sizes[1]) : TensorShape(sizes)
    }

    /// "unsupported ONNX ops: LayerNormalization (node /norm/LayerNormalization, 3 in all); ...".
    static func describe(_ problems: [Problem]) -> String {
        var order: [String] = []
        var byKey: [String: [Problem]] = [:]
        for p in problems {
            let key = p.op + "\u{0}" + p.reason
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(p)
        }
        let parts = order.map { key -> String in
            let group = byKey[key]!
            let first = group[0]
            let more = group.count > 1 ? ", \(group.count) in all" : ""
            return "\(first.op) (\(first.reason); node \(first.node.isEmpty ? "unnamed" : first.node)\(more))"
        }
        return "cannot read \(problems.count) node\(problems.count == 1 ? "" : "s"): " + parts.joined(separator: "; ")
    }
}

extension ONNXDim {
    /// `224`, `N` or `?`.
    var text: String {
        switch self {
        case .value(let n): return String(n)
        case .symbol(let s): return s
        case .unknown: return "?"
        }
    }
}
