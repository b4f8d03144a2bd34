import CNNModel

/// Making layers: names and blocks from the node's scope, shapes as they are added, weights
/// under the layer's names.
extension ONNXImporter {
    /// A weight of a new layer, in PyTorch's layout.
    typealias Parameter = (role: ParameterTensor.Role, tensor: ImportedTensor)

    /// Adds a layer for the current node reading `inputs`, owning `parameters`; its output is the
    /// node's first output. Returns nil (and records why) when its shape is impossible.
    @discardableResult
    mutating func addLayer(_ op: Op, _ inputs: [Int], _ parameters: [Parameter] = []) -> Int? {
        let shape: TensorShape
        do {
            shape = try op.outputShape(inputs.map { shapes[$0] })
        } catch {
            fail(error.reason)
            return nil
        }
        let (name, module, block) = placement(for: op)
        let id = layers.count
        let layer = Layer(id: id, name: name, op: op, inputs: inputs, block: block, module: module)
        layers.append(layer)
        shapes.append(shape)
        for parameter in parameters { weights[ParameterTensor.name(parameter.role, in: layer)] = parameter.tensor }
        if let output = node.outputs.first { values[output] = .layer(id) }
        return id
    }

    /// Replaces layer `id`'s op (a peephole: MatMul + Add becomes one dense layer with a bias).
    mutating func replace(_ id: Int, with op: Op, adding parameters: [Parameter] = []) {
        let old = layers[id]
        let layer = Layer(id: id, name: old.name, op: op, inputs: old.inputs, block: old.block, module: old.module)
        layers[id] = layer
        if let shape = try? op.outputShape(old.inputs.map { shapes[$0] }) { shapes[id] = shape }
        for parameter in parameters { weights[ParameterTensor.name(parameter.role, in: layer)] = parameter.tensor }
    }

    /// The layer's unique name, its module (nil for a functional op) and its innermost block.
    ///
    /// A node in a leaf scope is that module's call (`layer1.0.conv1`); a node in a scope that
    /// holds others is a functional op of that block (`layer1.0.add`).
    mutating func placement(for op: Op) -> (name: String, module: String?, block: Int?) {
        let paths = scope.paths
        var blockPaths = paths
        var base: String
        var module: String?
        if let leaf = paths.last, !containers.contains(leaf) {
            blockPaths.removeLast()
            base = leaf
            module = leaf
        } else {
            let local = Self.localName(op, opType: node.opType)
            // A node outside any scope keeps a name a person gave it (`conv1`), not an exporter's
            // (`node_Conv_12` from torch.export, `/Flatten` from TorchScript).
            let generated = node.name.isEmpty || node.name.contains("/") || node.name.hasPrefix("node_")
            base = paths.last.map { $0 + "." + local } ?? (generated ? local : node.name)
        }
        var block: Int?
        for (depth, path) in blockPaths.enumerated() {
            block = blockID(path, type: depth < scope.types.count ? scope.types[depth] : "Module", parent: block, depth: depth + 1)
        }
        // A module that emits two layers (or is called twice) keeps its name on the first.
        var name = base
        var call = 1
        while names.contains(name) {
            call += 1
            name = "\(base):\(call)"
        }
        if call > 1 { module = nil }
        names.insert(name)
        return (name, module, block)
    }

    /// The block for `path`, made on first use.
    mutating func blockID(_ path: String, type: String, parent: Int?, depth: Int) -> Int {
        if let id = blockIDs[path] { return id }
        let id = blocks.count
        blocks.append(Block(id: id, name: path, type: type, parent: parent, depth: depth))
        blockIDs[path] = id
        return id
    }

    /// A functional layer's name in its block: what PyTorch code calls it (`flatten` for a
    /// reshape that flattens, `cat`, `add`, `mul`), else the ONNX op's (`globalaveragepool`).
    static func localName(_ op: Op, opType: String) -> String {
        switch op {
        case .flatten: return "flatten"
        case .reshape: return "view"
        case .channelShuffle: return "channel_shuffle"  // torchvision's function
        case .add: return "add"
        case .concat: return "cat"
        case .multiply: return "mul"
        default: return opType.lowercased()
        }
    }

    /// Records that the current node cannot be read, and marks what it makes unreadable.
    mutating func fail(_ reason: String) {
        problems.append(Problem(op: node.opType, node: node.name, reason: reason))
        for output in node.outputs { values[output] = .unreadable }
    }

    /// The current node's outputs are `value`.
    mutating func produce(_ value: ConstantValue) {
        if let output = node.outputs.first { values[output] = .constant(value) }
    }

    /// Makes every output of the current node stand for `id` (an identity, a folded reshape).
    mutating func alias(_ id: Int) {
        if let output = node.outputs.first { values[output] = .layer(id) }
    }
}
