/// Where an ONNX node sits in the module hierarchy of the network that was exported: the
/// scopes PyTorch's exporters record, as full dotted module paths (`layer1`, `layer1.0`,
/// `layer1.0.conv1`).
///
/// The TorchScript exporter names nodes by their scopes and op (`/layer1/layer1.0/conv1/Conv`);
/// the torch.export one writes the scopes into the node's metadata
/// (`pkg.torch.onnx.name_scopes`, a Python list) and the modules' classes beside them
/// (`pkg.torch.onnx.class_hierarchy`).
struct ModuleScope: Hashable, Sendable {
    /// Full dotted paths, outermost first.
    let paths: [String]
    /// The classes of the modules, outermost first, where the file says (`BasicBlock`).
    let types: [String]

    static let none = ModuleScope(paths: [], types: [])

    init(paths: [String], types: [String]) {
        self.paths = paths
        self.types = types
    }

    /// The scope of `node`: from its metadata when present, else from its name.
    init(_ node: ONNXNode) {
        if let listed = node.metadata["pkg.torch.onnx.name_scopes"].map(Self.pythonList), !listed.isEmpty {
            let classes = node.metadata["pkg.torch.onnx.class_hierarchy"].map(Self.pythonList) ?? []
            // The first entry is the root module (''), which has no path of its own.
            var elements = listed
            var types = classes
            if elements.first == "" {
                elements.removeFirst()
                if !types.isEmpty { types.removeFirst() }
            }
            // The last scope is the aten op the node computes (`relu_1`, class `aten.relu.default`),
            // not a module.
            while let last = types.last, last.hasPrefix("aten.") || last.hasPrefix("<built-in"), elements.count == types.count {
                elements.removeLast()
                types.removeLast()
            }
            self.init(paths: Self.fullPaths(elements), types: types.map(Self.className))
            return
        }
        // tf2onnx from a Keras SavedModel: `StatefulPartitionedCall/MODEL_1/LAYER_1/OP`, each scope
        // with the `_1` TensorFlow adds to a name already used (by the model's first call).
        let tensorFlow = node.name.split(separator: "/").map(String.init)
        if tensorFlow.count >= 4, tensorFlow[0] == "StatefulPartitionedCall" {
            let layer = tensorFlow[2]
            self.init(paths: [layer.hasSuffix("_1") ? String(layer.dropLast(2)) : layer], types: [])
            return
        }
        guard node.name.hasPrefix("/") else {
            self = .none
            return
        }
        // `/layer1/layer1.0/conv1/Conv`: the last part names the op, the rest are scopes.
        let parts = node.name.split(separator: "/").map(String.init)
        self.init(paths: Self.fullPaths(Array(parts.dropLast())), types: [])
    }

    /// Every node's scope; a node the exporter left without one (torch.export's Split of
    /// `chunk`) takes the scopes its readers share, so it sits in the block that uses it.
    static func all(_ nodes: [ONNXNode]) -> [ModuleScope] {
        var scopes = nodes.map(ModuleScope.init)
        var readers: [String: [Int]] = [:]
        for (i, node) in nodes.enumerated() {
            for input in node.inputs where !input.isEmpty { readers[input, default: []].append(i) }
        }
        let containers = Set(scopes.flatMap { $0.paths.dropLast() })
        // A name like `/Reshape` or scopes `['']` say the node is at the top; only a node that
        // says nothing is placed by its readers.
        func saysNothing(_ node: ONNXNode) -> Bool {
            node.metadata["pkg.torch.onnx.name_scopes"] == nil && !node.name.hasPrefix("/")
                && !node.name.hasPrefix("StatefulPartitionedCall/")
        }
        for i in nodes.indices.reversed() where scopes[i] == .none && saysNothing(nodes[i]) {
            // Where each reader runs: a module's call (a leaf scope) runs in the block around it.
            var shared: [ModuleScope] = []
            for reader in nodes[i].outputs.flatMap({ readers[$0] ?? [] }) where scopes[reader] != .none {
                let scope = scopes[reader]
                if let leaf = scope.paths.last, !containers.contains(leaf) {
                    shared.append(ModuleScope(paths: Array(scope.paths.dropLast()), types: Array(scope.types.prefix(scope.paths.count - 1))))
                } else {
                    shared.append(scope)
                }
            }
            guard var common = shared.first?.paths else { continue }
            for other in shared.dropFirst() {
                common = Array(zip(common, other.paths).prefix { $0 == $1 }.map(\.0))
            }
            let types = shared.first.map { Array($0.types.prefix(common.count)) } ?? []
            scopes[i] = ModuleScope(paths: common, types: types.count == common.count ? types : [])
        }
        return scopes
    }

    /// Joins scope names into full paths: a scope that already starts with its parent's path
    /// (`layer1.0` inside `layer1`) is one; a local one (`conv1`) is appended to it.
    static func fullPaths(_ elements: [String]) -> [String] {
        var paths: [String] = []
        for element in elements where !element.isEmpty {
            guard let parent = paths.last else {
                paths.append(element)
                continue
            }
            paths.append(element.hasPrefix(parent + ".") ? element : parent + "." + element)
        }
        return paths
    }

    /// The items of a Python list literal of strings: `['', 'layer1']` -> ["", "layer1"].
    static func pythonList(_ text: String) -> [String] {
        var items: [String] = []
        var current: String?
        var quote: Character?
        var escaped = false
        for ch in text {
            if let q = quote {
                if escaped {
                    current?.append(ch)
                    escaped = false
                } else if ch == "\\" {
                    escaped = true
                } else if ch == q {
                    items.append(current ?? "")
                    current = nil
                    quote = nil
                } else {
                    current?.append(ch)
                }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                current = ""
            }
        }
        return items
    }

    /// `torchvision.models.resnet.BasicBlock` -> `BasicBlock`.
    static func className(_ qualified: String) -> String {
        String(qualified.split(separator: ".").last ?? Substring(qualified))
    }
}
