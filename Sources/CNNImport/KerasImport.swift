import CNNModel

/// Turns a Keras architecture into a cnn-tui network. Each Keras layer becomes one layer of the
/// graph under its Keras name, with three exceptions: an `activation` inside a `Conv2D`,
/// `DepthwiseConv2D`, `SeparableConv2D` or `Dense` becomes a layer of its own after it, named
/// `<layer>_<activation>` (`predictions_softmax`, as the zoo's Keras models name them); a
/// `SeparableConv2D` becomes `<layer>_depthwise` and `<layer>_pointwise` (the zoo's NASNet); and
/// `InputLayer` becomes the graph's input. Keras's channels-last shapes (H x W x C) become
/// cnn-tui's C x H x W. The file holds no weights, so the network has none.
public enum KerasImport {
    /// The network of `model`, read from `file` (named in messages), at `input` (C x H x W) or
    /// at the size its input layer declares. Layer classes cnn-tui cannot represent are one
    /// error naming each with a layer using it.
    public static func network(_ model: KerasModel, file: String, input: TensorShape? = nil) throws(ImportError) -> ImportedNetwork {
        var importer = KerasImporter(model: model, file: file)
        return try importer.run(input: input)
    }

    /// The layer classes read.
    public static let supportedLayers = [
        "InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense", "BatchNormalization", "MaxPooling2D",
        "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "Reshape", "Dropout", "Concatenate", "Add", "Multiply", "Activation",
        "ReLU",
        "LeakyReLU", "ZeroPadding2D",
    ]

    /// Keras's activation names and cnn-tui's activations; `linear` is none.
    static let activations: [String: Activation] = [
        "relu": .relu, "relu6": .relu6, "sigmoid": .sigmoid, "tanh": .tanh, "softmax": .softmax, "swish": .silu,
        "silu": .silu, "hard_sigmoid": .hardSigmoid, "hard_swish": .hardSwish, "hard_silu": .hardSwish,
        "gelu": .gelu,  // keras.activations.gelu's default is the exact form (approximate=False)
        "leaky_relu": .leakyRelu(slope: 0.2),  // keras.activations.leaky_relu's default negative_slope
    ]
}

/// The state of one Keras import: the graph so far and which layer each Keras name ends in.
struct KerasImporter {
    let model: KerasModel
    let file: String
    var layers: [Layer] = []
    var shapes: [TensorShape] = []
    var names: Set<String> = []
    /// The graph layer whose output is each Keras layer's output.
    var outputs: [String: Int] = [:]
    /// The Keras layer being read.
    var layer = KerasLayer(className: "", name: "", config: .null, inbound: [], calls: 0)

    init(model: KerasModel, file: String) {
        self.model = model
        self.file = file
    }

    mutating func run(input requested: TensorShape?) throws(ImportError) -> ImportedNetwork {
        try checkClasses()
        var declared: TensorShape?
        for (index, keras) in model.layers.enumerated() {
            layer = keras
            guard keras.calls <= 1 else {
                throw fail("is called \(keras.calls) times (cnn-tui reads each layer called once, not shared layers)")
            }
            if keras.className == "InputLayer" {
                guard layers.isEmpty else { throw fail("is a second input (cnn-tui reads networks with one input)") }
                declared = try declaredInput(keras.config["batch_shape"] ?? keras.config["batch_input_shape"])
                try addInput(requested ?? declared)
                continue
            }
            if layers.isEmpty {
                // A Sequential model without an InputLayer declares its input on the first layer.
                let shape = keras.config["batch_shape"] ?? keras.config["batch_input_shape"]
                guard model.isSequential, index == 0, let shape else {
                    throw fail("comes before any InputLayer (the model's input is not declared)")
                }
                declared = try declaredInput(shape)
                try addInput(requested ?? declared, name: "input_layer")
            }
            try read(inputs: try inputLayers())
        }
        guard !layers.isEmpty else { throw ImportError(file: file, "has no layers") }
        let graph = Graph(name: model.name, layers: layers, blocks: [])
        let version = model.kerasVersion.map { "Keras \($0)" } ?? "Keras"
        let notes = [
            model.archivedWeights
                ? "the archive's weights (model.weights.h5) are not read, only its architecture: the network runs with random weights"
                : "the weights are not in the file (an architecture only): the network runs with random weights"
        ]
        return ImportedNetwork(graph: graph, input: declared, weights: [:], notes: notes, producer: "\(version), \(model.className)")
    }

    /// One error for every layer class (or activation) that cannot be read, before reading any.
    func checkClasses() throws(ImportError) {
        var order: [String] = []
        var users: [String: [String]] = [:]
        func note(_ what: String, _ name: String) {
            if users[what] == nil { order.append(what) }
            users[what, default: []].append(name)
        }
        for keras in model.layers {
            if ["Functional", "Sequential", "Model"].contains(keras.className) {
                note("\(keras.className) (a nested model: save the inner model's layers in the outer one)", keras.name)
            } else if !KerasImport.supportedLayers.contains(keras.className) {
                note(keras.className, keras.name)
            } else if let activation = keras.config["activation"], !activation.isNull, activation.string != "linear",
                KerasImport.activations[activation.string ?? ""] == nil
            {
                note("activation '\(activation.string ?? "a custom object")'", keras.name)
            }
        }
        guard !order.isEmpty else { return }
        let parts = order.map { what -> String in
            let group = users[what]!
            return "\(what) (layer \(group[0])\(group.count > 1 ? ", \(group.count) in all" : ""))"
        }
        throw ImportError(file: file, "unsupported Keras layers: " + parts.joined(separator: "; "))
    }

    /// The graph layers the current Keras layer reads: the previous layer in a Sequential model.
    func inputLayers() throws(ImportError) -> [Int] {
        if model.isSequential { return [layers.count - 1] }
        guard !layer.inbound.isEmpty else { throw fail("reads no layer (it has no inbound nodes)") }
        var ids: [Int] = []
        for name in layer.inbound {
            guard let id = outputs[name] else { throw fail("reads '\(name)', which no layer before it defines") }
            ids.append(id)
        }
        return ids
    }

    /// C x H x W from Keras's `[null, H, W, C]`.
    func declaredInput(_ shape: JSONValue?) throws(ImportError) -> TensorShape? {
        guard let dims = shape?.array else { return nil }
        guard dims.count == 4 else {
            throw fail("is an input of rank \(dims.count - 1) (cnn-tui reads networks on images, H x W x C)")
        }
        let sizes = dims.dropFirst().map(\.integer)
        if sizes.contains(where: { $0 == nil }) { return nil }
        let values = sizes.compactMap { $0 }
        guard values.allSatisfy(ONNXImporter.isSensible) else {
            throw fail("has input sizes \(values) (each from 1 to \(ONNXImporter.largest.grouped))")
        }
        return TensorShape(channels: values[2], height: values[0], width: values[1])
    }

    mutating func addInput(_ shape: TensorShape?, name: String? = nil) throws(ImportError) {
        guard let shape else {
            throw fail("has dynamic or unknown sizes: give the size with --input CxHxW")
        }
        let name = unique(name ?? layer.name)
        layers.append(Layer(id: 0, name: name, op: .input, inputs: [], block: nil, module: nil))
        shapes.append(shape)
        outputs[layer.name] = 0
    }

    /// Adds a graph layer named `name` (the Keras layer's own by default) and makes it the Keras
    /// layer's output.
    @discardableResult
    mutating func add(_ op: Op, _ inputs: [Int], name: String? = nil) throws(ImportError) -> Int {
        let shape: TensorShape
        do {
            shape = try op.outputShape(inputs.map { shapes[$0] })
        } catch {
            throw fail("cannot be computed: \(error.reason)")
        }
        let id = layers.count
        let local = unique(name ?? layer.name)
        layers.append(Layer(id: id, name: local, op: op, inputs: inputs, block: nil, module: local))
        shapes.append(shape)
        outputs[layer.name] = id
        return id
    }

    /// `name`, or `name_2`, `name_3`, ... when a layer already has it.
    mutating func unique(_ name: String) -> String {
        var candidate = name
        var n = 2
        while names.contains(candidate) {
            candidate = "\(name)_\(n)"
            n += 1
        }
        names.insert(candidate)
        return candidate
    }

    /// An error about the current layer: `layer 'conv1' (Conv2D): ...`.
    func fail(_ problem: String) -> ImportError {
        ImportError(file: file, "layer '\(layer.name)' (\(layer.className)) \(problem)")
    }
}
