/// One node of a `Graph`: an op applied to the outputs of earlier layers.
public struct Layer: Hashable, Sendable, Identifiable {
    /// Position in the graph's topological order.
    public let id: Int
    /// Unique within the graph: the module path (`layer1.0.conv1`); a parameter-free module that
    /// runs several times (torchvision's shared `relu`) gets `:2`, `:3` on its later calls.
    public let name: String
    public let op: Op
    /// Ids of the layers whose outputs this layer reads, in order.
    public let inputs: [Int]
    /// The innermost block the layer belongs to, an index into `Graph.blocks`.
    public let block: Int?
    /// The framework module this layer is a call of (torchvision `state_dict` prefix);
    /// nil for functional ops such as `torch.cat`, `+` or `torch.flatten`.
    public let module: String?

    public init(id: Int, name: String, op: Op, inputs: [Int], block: Int?, module: String?) {
        self.id = id
        self.name = name
        self.op = op
        self.inputs = inputs
        self.block = block
        self.module = module
    }

    /// The part of the name after the enclosing block's path: `conv1` for `layer1.0.conv1`.
    public var localName: String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}

/// A named group of layers (`layer1`, `layer1.0`, `inception3a`, `denseblock2`) that a browser can
/// collapse; blocks nest.
public struct Block: Hashable, Sendable, Identifiable {
    public let id: Int
    /// The full dotted path: `layer1.0`.
    public let name: String
    /// What kind of block it is, as the framework calls it: `Bottleneck`, `Sequential`, `Inception`.
    public let type: String
    public let parent: Int?
    /// 1 for a top-level block.
    public let depth: Int

    public init(id: Int, name: String, type: String, parent: Int?, depth: Int) {
        self.id = id
        self.name = name
        self.type = type
        self.parent = parent
        self.depth = depth
    }
}
