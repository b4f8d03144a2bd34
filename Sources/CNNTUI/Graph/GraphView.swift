import CNNModel

/// The graph as the browser shows it: layers and collapsed blocks as nodes in execution order,
/// with a header row for every expanded block.
public struct GraphView: Sendable {
    public enum RowKind: Hashable, Sendable {
        /// A layer drawn as a node.
        case layer(Int)
        /// A collapsed block drawn as one node.
        case collapsedBlock(Int)
        /// The title row of an expanded block; no node.
        case blockHeader(Int)
    }

    public struct Row: Hashable, Sendable {
        public let kind: RowKind
        /// Nesting depth for indentation: 0 at the top level.
        public let depth: Int
        /// Index of the node among `nodes` (nil for headers).
        public let node: Int?
    }

    public struct Node: Hashable, Sendable {
        public let kind: RowKind
        /// Nodes this one reads from, in order.
        public var inputs: [Int]
        public var consumers: [Int]
    }

    public let rows: [Row]
    public let nodes: [Node]

    /// The view of `graph` with the blocks in `expanded` open and every other block collapsed
    /// (the input layer is not shown).
    public init(graph: Graph, expanded: Set<Int>) {
        // A block is visible-collapsed when its parent chain is expanded but it is not.
        func collapsedAncestor(of block: Int?) -> Int? {
            var chain: [Int] = []
            var current = block
            while let id = current {
                chain.append(id)
                current = graph.blocks[id].parent
            }
            // Outermost first: the first block on the path that is not expanded hides the rest.
            for id in chain.reversed() where !expanded.contains(id) { return id }
            return nil
        }

        var rows: [Row] = []
        var nodes: [Node] = []
        var nodeOfLayer = Array(repeating: -1, count: graph.layers.count)
        var nodeOfBlock: [Int: Int] = [:]
        var openHeaders: [Int] = []

        for layer in graph.layers {
            if case .input = layer.op { continue }
            let hidden = collapsedAncestor(of: layer.block)
            // The expanded blocks on the path down to the layer (or to its collapsed block).
            var path = graph.blockPath(layer.block).map(\.id)
            if let hidden, let cut = path.firstIndex(of: hidden) { path = Array(path[..<cut]) }
            var common = 0
            while common < min(openHeaders.count, path.count) && openHeaders[common] == path[common] { common += 1 }
            openHeaders = Array(openHeaders.prefix(common))
            for id in path.dropFirst(common) {
                openHeaders.append(id)
                rows.append(Row(kind: .blockHeader(id), depth: openHeaders.count - 1, node: nil))
            }
            if let hidden {
                if let existing = nodeOfBlock[hidden] {
                    nodeOfLayer[layer.id] = existing
                    continue
                }
                let id = nodes.count
                nodes.append(Node(kind: .collapsedBlock(hidden), inputs: [], consumers: []))
                nodeOfBlock[hidden] = id
                nodeOfLayer[layer.id] = id
                rows.append(Row(kind: .collapsedBlock(hidden), depth: path.count, node: id))
            } else {
                let id = nodes.count
                nodes.append(Node(kind: .layer(layer.id), inputs: [], consumers: []))
                nodeOfLayer[layer.id] = id
                rows.append(Row(kind: .layer(layer.id), depth: path.count, node: id))
            }
        }
        for layer in graph.layers {
            let target = nodeOfLayer[layer.id]
            guard target >= 0 else { continue }
            for input in layer.inputs {
                let source = nodeOfLayer[input]
                guard source >= 0, source != target, !nodes[target].inputs.contains(source) else { continue }
                nodes[target].inputs.append(source)
                nodes[source].consumers.append(target)
            }
        }
        self.rows = rows
        self.nodes = nodes
    }

    /// A flat list of `layers` in the order given (the layers sorted by size): no blocks, no
    /// edges.
    public init(flat layers: [Int]) {
        nodes = layers.map { Node(kind: .layer($0), inputs: [], consumers: []) }
        rows = layers.enumerated().map { Row(kind: .layer($1), depth: 0, node: $0) }
    }
}
