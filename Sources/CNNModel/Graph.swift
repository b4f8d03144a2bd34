/// A CNN architecture: a directed acyclic graph of layers in topological order, with the block
/// hierarchy they belong to. It holds no sizes: shapes come from `ModelAnalysis` for a given input.
public struct Graph: Hashable, Sendable {
    public let name: String
    public let layers: [Layer]
    public let blocks: [Block]

    public init(name: String, layers: [Layer], blocks: [Block]) {
        self.name = name
        self.layers = layers
        self.blocks = blocks
    }

    /// Layers whose output no other layer reads: the classifier, and auxiliary heads if present.
    public var outputs: [Int] {
        var read = Set<Int>()
        for layer in layers { read.formUnion(layer.inputs) }
        return layers.map(\.id).filter { !read.contains($0) }
    }

    /// For each layer, the ids of the layers that read its output.
    public var consumers: [[Int]] {
        var result = Array(repeating: [Int](), count: layers.count)
        for layer in layers {
            for input in layer.inputs { result[input].append(layer.id) }
        }
        return result
    }

    public func layer(named name: String) -> Layer? {
        layers.first { $0.name == name }
    }

    /// The chain of blocks from the outermost to `block`.
    public func blockPath(_ block: Int?) -> [Block] {
        var path: [Block] = []
        var current = block
        while let id = current {
            path.append(blocks[id])
            current = blocks[id].parent
        }
        return path.reversed()
    }

    public func block(named name: String) -> Block? {
        blocks.first { $0.name == name }
    }

    /// The last layer (in execution order) inside `block`, nested blocks included: its output
    /// is the block's output.
    public func lastLayer(ofBlock block: Int) -> Layer? {
        layers.last { isLayer($0, inside: block) }
    }

    /// Whether `layer` lies inside `block` (directly or in a nested block).
    public func isLayer(_ layer: Layer, inside block: Int) -> Bool {
        var current = layer.block
        while let id = current {
            if id == block { return true }
            current = blocks[id].parent
        }
        return false
    }
}
