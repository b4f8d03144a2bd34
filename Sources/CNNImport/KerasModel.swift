/// A Keras model's architecture as `model.to_json()` writes it (and the `config.json` of a
/// `.keras` archive): the layers in order, each with its class, configuration and the layers it
/// reads. Keras 3's and Keras 2's ways of writing the connections are both read.
public struct KerasModel: Sendable {
    /// `Sequential` or `Functional` (Keras 2 also writes `Model`).
    public let className: String
    public let name: String
    public let layers: [KerasLayer]
    /// `3.15.1`, or nil when the file does not say.
    public let kerasVersion: String?
    /// Whether the file is a `.keras` archive with weights (`model.weights.h5`), which are not read.
    public var archivedWeights = false

    /// True for a Sequential model: each layer reads the one before it.
    public var isSequential: Bool { className == "Sequential" }
}

/// One layer of a `KerasModel`.
public struct KerasLayer: Sendable {
    public let className: String
    public let name: String
    /// The layer's `config`, as written.
    let config: JSONValue
    /// The layers whose outputs this layer reads (empty in a Sequential model), in order.
    public let inbound: [String]
    /// How many times the layer is called (its inbound nodes); more than one is a shared layer.
    public let calls: Int
}

extension KerasModel {
    /// The model in a parsed `to_json()` document; `file` names it in errors.
    init(_ json: JSONValue, version: String?, file: String) throws(ImportError) {
        guard let className = json["class_name"]?.string, let config = json["config"] else {
            throw ImportError(file: file, "is not a Keras model (no \"class_name\" and \"config\" at the top)")
        }
        guard ["Sequential", "Functional", "Model"].contains(className) else {
            throw ImportError(file: file, "is a Keras \(className), not a Sequential or Functional model")
        }
        guard let entries = config["layers"]?.array else {
            throw ImportError(file: file, "is not a Keras model (its config has no \"layers\" list)")
        }
        var layers: [KerasLayer] = []
        for (index, entry) in entries.enumerated() {
            guard let layerClass = entry["class_name"]?.string, let layerConfig = entry["config"],
                let name = entry["name"]?.string ?? layerConfig["name"]?.string
            else {
                throw ImportError(file: file, "layer \(index + 1) has no \"class_name\", \"config\" or \"name\"")
            }
            let nodes = entry["inbound_nodes"]?.array ?? []
            var inbound: [String] = []
            for node in nodes.prefix(1) {
                guard let names = Self.inboundLayers(node) else {
                    throw ImportError(file: file, "layer '\(name)' has inbound nodes in neither Keras 3's nor Keras 2's form")
                }
                inbound = names
            }
            layers.append(KerasLayer(className: layerClass, name: name, config: layerConfig, inbound: inbound, calls: nodes.count))
        }
        self.init(
            className: className, name: config["name"]?.string ?? "keras_model", layers: layers,
            kerasVersion: version ?? json["keras_version"]?.string)
    }

    /// The layer names one inbound node reads: Keras 3's `{"args": [...], "kwargs": {...}}` with
    /// `__keras_tensor__` values whose `keras_history` is `[layer, node, tensor]`, or Keras 2's
    /// `[["layer", 0, 0, {}], ...]`.
    static func inboundLayers(_ node: JSONValue) -> [String]? {
        if let args = node["args"] {
            var names: [String] = []
            collectTensors(args, into: &names)
            return names
        }
        guard let calls = node.array else { return nil }
        var names: [String] = []
        for call in calls {
            guard let name = call.array?.first?.string else { return nil }
            names.append(name)
        }
        return names
    }

    /// Every `keras_history` layer name in `value`, depth first (a Concatenate's args are a list).
    private static func collectTensors(_ value: JSONValue, into names: inout [String]) {
        switch value {
        case .array(let items):
            for item in items { collectTensors(item, into: &names) }
        case .object:
            if value["class_name"]?.string == "__keras_tensor__" {
                if let name = value["config"]?["keras_history"]?.array?.first?.string { names.append(name) }
            } else if let nested = value["config"] {
                collectTensors(nested, into: &names)
            }
        default:
            break
        }
    }
}
