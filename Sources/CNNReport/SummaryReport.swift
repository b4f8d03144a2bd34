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
        /// The first quantity of the summary's counting convention (torchinfo's mult-adds by
        /// default; torch-scan's FLOPs), `*` after a count the tool gives 0 for want of a rule.
        public let macs: String
        /// torch-scan's MACs and DMAs, after its FLOPs; empty for the other conventions.
        public let moreCounts: [String]
        public let receptiveField: String
        public let jump: String
        public let isBlock: Bool
        /// The full dotted name (`layer1.0.conv1`) and the module type (`Conv2d`, `BasicBlock`).
        public let name: String
        public let type: String
        /// The counts as numbers, nil for a block row that is not folded (its layers have them).
        public let paramCount: Int?
        public let macCount: Int?
        /// Every quantity of the convention as numbers (torch-scan's three), nil like `macCount`.
        public let counts: [Int]?
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

    /// The layers counted under the convention the table shows (torchinfo's by default).
    public let counting: ConventionCount
    /// The PyTorch module settings the counts took (`ZooModel.torchFlags`).
    public let flags: TorchModuleFlags

    public init(
        _ analysis: ModelAnalysis, maxDepth: Int? = nil, params: ParamConvention = .torchinfo,
        count: CountConvention = .torchinfo, flags: TorchModuleFlags = TorchModuleFlags()
    ) {
        self.analysis = analysis
        self.maxDepth = maxDepth
        self.paramConvention = params
        self.counting = analysis.count(count, flags: flags)
        self.flags = flags
    }

    /// The convention's quantities as the column headings name them: `Mult-Adds (torchinfo)`.
    public var countHeadings: [String] {
        let c = counting.convention
        switch c {
        case .torchinfo: return ["Mult-Adds (torchinfo)"]
        case .fvcore: return ["Flops (fvcore)"]
        case .ptflops, .thop: return ["MACs (\(c.title))"]
        case .paper: return ["Mult-Adds (paper rule)"]
        case .torchscan: return c.quantities.map { "\($0.title) (torch-scan)" }
        }
    }

    /// The counts of the layers `ids` summed, one per quantity, and whether the tool lacks a
    /// rule for one of them (nil: a layer these rules do not model).
    func counts(of ids: [Int]) -> (values: [Int], unsupported: Bool)? {
        var values = [Int](repeating: 0, count: counting.convention.quantities.count)
        var unsupported = false
        for id in ids {
            guard let c = counting.layers[id] else { return nil }
            for (i, q) in counting.convention.quantities.enumerated() { values[i] &+= c[q] }
            unsupported = unsupported || !c.supported
        }
        return (values, unsupported)
    }

    /// Text cells for `counts(of:)`.
    func countCells(_ counts: (values: [Int], unsupported: Bool)?) -> [String] {
        guard let counts else { return [String](repeating: "?", count: counting.convention.quantities.count) }
        return counts.values.map { Display.count($0) + (counts.unsupported && $0 == 0 ? "*" : "") }
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
                let counted = folded ? counts(of: graph.layers.filter { graph.isLayer($0, inside: block) }.map(\.id)) : nil
                let cells = folded ? countCells(counted) : countHeadings.map { _ in "--" }
                let out = lastLayerOfBlock[block].map { analysis.layers[$0].outputShape }
                rows.append(
                    Row(
                        depth: b.depth, label: "\(Self.localName(b.name)) (\(b.type))", op: "",
                        shape: out.map(Display.shape) ?? "",
                        params: folded ? Display.count(paramConvention.params(cost)) : "--",
                        macs: cells[0], moreCounts: Array(cells.dropFirst()),
                        receptiveField: folded ? (out != nil ? Display.receptiveField(analysis.layers[lastLayerOfBlock[block]!].receptiveField) : "") : "",
                        jump: folded ? (lastLayerOfBlock[block].map { Display.jump(analysis.layers[$0].receptiveField) } ?? "") : "",
                        isBlock: true, name: b.name, type: b.type, paramCount: folded ? paramConvention.params(cost) : nil,
                        macCount: folded ? counted?.values[0] : nil, counts: folded ? counted?.values : nil, connectedTo: "",
                        branches: false))
            }
            let depth = path.count + 1
            guard maxDepth.map({ depth <= $0 }) ?? true else { continue }
            let a = analysis.layers[layer.id]
            let counted = counts(of: [layer.id]), cells = countCells(counted)
            rows.append(
                Row(
                    depth: depth, label: "\(layer.localName) (\(layer.op.typeName))", op: layer.op.summary,
                    shape: Display.shape(a.outputShape), params: Display.count(a.params(paramConvention)), macs: cells[0],
                    moreCounts: Array(cells.dropFirst()),
                    receptiveField: Display.receptiveField(a.receptiveField), jump: Display.jump(a.receptiveField),
                    isBlock: false, name: layer.name, type: layer.op.typeName, paramCount: a.params(paramConvention),
                    macCount: counted?.values[0], counts: counted?.values,
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
            ] + countHeadings.map { .init($0, .right) } + [.init("RF", .right), .init("Jump", .right)]
                + (connected ? [.init("Connected to")] : []))
        table.append(
            [title ?? analysis.graph.name, "", Display.shape(analysis.input), "--"] + countHeadings.map { _ in "--" } + ["1", "1"]
                + (connected ? [""] : []))
        for row in rows {
            table.append(
                [Self.treePrefix(depth: row.depth) + row.label, row.op, row.shape, row.params, row.macs] + row.moreCounts
                    + [row.receptiveField, row.jump] + (connected ? [row.connectedTo] : []))
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
        return lines + countTotals() + ["Depth (weight layers on the longest path): \(a.depth)"]
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

extension SummaryReport {
    /// The counting convention's totals, what its zeros mean, and the other conventions' totals
    /// in one line.
    public func countTotals() -> [String] {
        let c = counting.convention
        var lines: [String] = []
        switch c {
        case .torchscan:
            for q in c.quantities {
                let value = counting.total(q)
                lines.append(
                    "Total \(q.title) (torch-scan): " + (value.map { "\($0.grouped) (\($0.abbreviated))" } ?? "too large to count")
                        + (counting.isPartial ? ", partial" : ""))
            }
        default:
            let name =
                c == .fvcore ? "flops (fvcore; one flop = one multiply-add)" : c == .paper ? "mult-adds (the papers' rule)" : "\(c.quantityName) (\(c.title))"
            let value = counting.total(.macs)
            lines.append("Total \(name): " + (value.map { "\($0.grouped) (\($0.abbreviated))" } ?? "too large to count"))
        }
        if !counting.unsupported.isEmpty {
            let kinds = counting.unsupported.map { "\($0.count) \($0.type)" }.joined(separator: ", ")
            let why =
                c == .torchscan
                ? "torch-scan has no formula for them and calls the total partial" : "\(c.title) has no handle for them: its \"unsupported operators\""
            lines.append("* counted 0: \(kinds) (\(why))")
        }
        if !counting.unmodelled.isEmpty {
            let kinds = counting.unmodelled.map { "\($0.count) \($0.type)" }.joined(separator: ", ")
            lines.append("? not counted: \(kinds) (how \(c.title) counts them is not modelled here)")
        }
        let others = CountConvention.allCases.filter { $0 != c }.compactMap { other -> String? in
            guard let total = analysis.count(other, flags: flags).total(.macs) else { return nil }
            return "\(other.title) \(total.abbreviated)"
        }
        lines.append("Other conventions (multiply-adds): " + others.joined(separator: " · ") + " (--count all, --reconcile)")
        return lines
    }
}

extension SummaryReport {
    /// The layers from the largest down by `order` (the first `top`), as a flat table with each
    /// one's share of the model's total.
    public func sorted(by order: LayerOrder, top: Int?, title: String? = nil) -> [String] {
        let ids = order.sorted(analysis, params: paramConvention, counts: counting)
        let shown = top.map { Array(ids.prefix($0)) } ?? ids
        let total = ids.reduce(0) { $0 &+ order.value(analysis.layers[$1], params: paramConvention, count: counting.layers[$1]) }
        var table = TextTable(
            [.init("#", .right), .init("Layer (type)"), .init("Op"), .init("Output Shape"), .init("Param # (\(paramConvention.title))", .right)]
                + [.init(countHeadings[0], .right), .init("Activations", .right), .init("RF", .right), .init("Share", .right)])
        for (rank, id) in shown.enumerated() {
            let layer = analysis.graph.layers[id], a = analysis.layers[id]
            let value = order.value(a, params: paramConvention, count: counting.layers[id])
            let share = order == .rf || total == 0 ? "" : String(format: "%.1f%%", Double(value) * 100 / Double(total))
            table.append([
                String(rank + 1), "\(layer.name) (\(layer.op.typeName))", layer.op.summary, Display.shape(a.outputShape),
                Display.count(a.params(paramConvention)), countCells(counts(of: [id]))[0], a.activations.grouped,
                Display.receptiveField(a.receptiveField), share,
            ])
        }
        let heading = "\(title ?? analysis.graph.name): \(top.map { "the \($0) layers" } ?? "every layer") with the largest \(order.title)"
        return [heading] + table.render()
    }
}
