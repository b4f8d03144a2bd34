import CNNModel

/// The torchinfo-style summary of an analysed model: one row per block and layer, nested as the
/// modules are, then the totals and the memory estimate.
public struct SummaryReport: Sendable {
    public struct Row: Hashable, Sendable {
        /// 1 for a top-level layer or block, 2 inside a top-level block, ...
        public let depth: Int
        public let label: String
        public let op: String
        public let shape: String
        public let params: String
        public let macs: String
        public let receptiveField: String
        public let jump: String
        public let isBlock: Bool
        /// The full dotted name (`layer1.0.conv1`) and the module type (`Conv2d`, `BasicBlock`).
        public let name: String
        public let type: String
        /// The counts as numbers, nil for a block row that is not folded (its layers have them).
        public let paramCount: Int?
        public let macCount: Int?
        /// Keras's "Connected to": the layers this one reads, named from its block (`branch1.relu`
        /// inside `inception3a`); empty for a block's row.
        public let connectedTo: String
        /// Whether the layer reads something other than the layer before it (a branch, a merge).
        public let branches: Bool
    }

    /// Whether a row shown reads other than the layer before it: then the tables add Keras's
    /// "Connected to" column (not for a plain chain, nor for blocks folded whole).
    public var branches: Bool { rows.contains(where: \.branches) }

    /// `layer`'s inputs, each named relative to the block `layer` is in where it is inside it.
    func connections(_ layer: Layer) -> String {
        let graph = analysis.graph
        let prefix = layer.block.map { graph.blocks[$0].name + "." } ?? ""
        return layer.inputs.map { id in
            let name = graph.layers[id].name
            return !prefix.isEmpty && name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
        }.joined(separator: ", ")
    }

    public let analysis: ModelAnalysis
    /// Blocks deeper than this are folded into their parent's row; nil shows every layer.
    public let maxDepth: Int?
    /// Whose parameter count the column and the totals show (torchinfo's by default, as the
    /// table is torchinfo's).
    public let paramConvention: ParamConvention

    public init(_ analysis: ModelAnalysis, maxDepth: Int? = nil, params: ParamConvention = .torchinfo) {
        self.analysis = analysis
        self.maxDepth = maxDepth
        self.paramConvention = params
    }

    /// Rows in execution order; a block's row comes before its layers and carries the block's
    /// output shape and, when folded, its totals.
    public var rows: [Row] {
        let graph = analysis.graph
        let lastLayerOfBlock = Self.lastLayers(graph)
        var rows: [Row] = []
        var open: [Int] = []
        for layer in graph.layers {
            if case .input = layer.op { continue }
            let path = graph.blockPath(layer.block).map(\.id)
            var common = 0
            while common < min(open.count, path.count) && open[common] == path[common] { common += 1 }
            open = Array(open.prefix(common))
            for block in path.dropFirst(common) {
                open.append(block)
                let b = graph.blocks[block]
                guard maxDepth.map({ b.depth <= $0 }) ?? true else { continue }
                let folded = maxDepth.map { b.depth == $0 } ?? false
                let cost = analysis.cost(ofBlock: block)
                let out = lastLayerOfBlock[block].map { analysis.layers[$0].outputShape }
                rows.append(
                    Row(
                        depth: b.depth, label: "\(Self.localName(b.name)) (\(b.type))", op: "",
                        shape: out.map(Display.shape) ?? "",
                        params: folded ? Display.count(paramConvention.params(cost)) : "--",
                        macs: folded ? Display.count(cost.macs) : "--",
                        receptiveField: folded ? (out != nil ? Display.receptiveField(analysis.layers[lastLayerOfBlock[block]!].receptiveField) : "") : "",
                        jump: folded ? (lastLayerOfBlock[block].map { Display.jump(analysis.layers[$0].receptiveField) } ?? "") : "",
                        isBlock: true, name: b.name, type: b.type, paramCount: folded ? paramConvention.params(cost) : nil,
                        macCount: folded ? cost.macs : nil, connectedTo: "", branches: false))
            }
            let depth = path.count + 1
            guard maxDepth.map({ depth <= $0 }) ?? true else { continue }
            let a = analysis.layers[layer.id]
            rows.append(
                Row(
                    depth: depth, label: "\(layer.localName) (\(layer.op.typeName))", op: layer.op.summary,
                    shape: Display.shape(a.outputShape), params: Display.count(a.params(paramConvention)), macs: Display.count(a.macs),
                    receptiveField: Display.receptiveField(a.receptiveField), jump: Display.jump(a.receptiveField),
                    isBlock: false, name: layer.name, type: layer.op.typeName, paramCount: a.params(paramConvention), macCount: a.macs,
                    connectedTo: connections(layer), branches: layer.inputs != [layer.id - 1]))
        }
        return rows
    }

    /// The last layer (in execution order) inside each block: its output is the block's output.
    static func lastLayers(_ graph: Graph) -> [Int: Int] {
        var result: [Int: Int] = [:]
        for layer in graph.layers {
            var block = layer.block
            while let id = block {
                result[id] = layer.id
                block = graph.blocks[id].parent
            }
        }
        return result
    }

    static func localName(_ dotted: String) -> String {
        dotted.split(separator: ".").last.map(String.init) ?? dotted
    }

    /// The tree prefix torchinfo draws: `├─` at the top level, `│    └─` one level down.
    static func treePrefix(depth: Int) -> String {
        depth <= 1 ? "├─" : String(repeating: "│    ", count: depth - 1) + "└─"
    }

    /// The whole report as lines.
    public func render(title: String? = nil) -> [String] {
        let rows = self.rows  // built once: the column depends on them
        let connected = rows.contains(where: \.branches)
        var table = TextTable(
            [
                .init("Layer (type)"), .init("Op"), .init("Output Shape"), .init("Param # (\(paramConvention.title))", .right),
                .init("Mult-Adds (torchinfo)", .right), .init("RF", .right), .init("Jump", .right),
            ] + (connected ? [.init("Connected to")] : []))
        table.append([title ?? analysis.graph.name, "", Display.shape(analysis.input), "--", "--", "1", "1"] + (connected ? [""] : []))
        for row in rows {
            table.append(
                [
                    Self.treePrefix(depth: row.depth) + row.label, row.op, row.shape, row.params, row.macs,
                    row.receptiveField, row.jump,
                ] + (connected ? [row.connectedTo] : []))
        }
        var lines = table.render()
        let width = lines[0].count
        let rule = String(repeating: "=", count: width)
        lines += totals()
        lines.append(rule)
        lines += memory()
        lines.append(rule)
        return lines
    }

    /// The totals block, each count labelled with its convention; where the other parameter
    /// convention counts differently, its count and why.
    public func totals() -> [String] {
        let a = analysis, convention = paramConvention
        let total = a.params(convention), other = a.params(convention.other)
        let nonTrainable = convention == .keras ? a.nonTrainableParams : 0
        var lines = [
            "Total params (\(convention.title)): \(total.grouped)",
            "Trainable params: \(a.trainableParams.grouped)",
            "Non-trainable params: \(nonTrainable.grouped)",
        ]
        if other != total {
            let difference = "\(a.nonTrainableParams.grouped) batchnorm running means and variances"
            lines.append(
                convention == .torchinfo
                    ? "Keras counts \(other.grouped): with the \(difference) (non-trainable weights to Keras, buffers to PyTorch)"
                    : "torchinfo counts \(other.grouped): without the \(difference) (buffers to PyTorch, not parameters)")
        }
        return lines + [
            "Total mult-adds (torchinfo): \(a.macs.grouped) (\(a.macs.abbreviated))",
            "Depth (weight layers on the longest path): \(a.depth)",
        ]
    }

    /// torchinfo's size estimate for one float32 sample.
    public func memory() -> [String] {
        let m = analysis.memory
        return [
            "Input size (MB): \(Display.megabytes(m.inputBytes))",
            "Forward/backward pass size (MB): \(Display.megabytes(m.forwardBackwardBytes))",
            "Params size (MB): \(Display.megabytes(m.paramBytes))",
            "Estimated Total Size (MB): \(Display.megabytes(m.totalBytes))",
        ]
    }
}
