import CNNModel

/// The receptive-field table of a model (`cnn-tui rf MODEL`), and the detail of one layer.
public struct ReceptiveFieldReport: Sendable {
    public let analysis: ModelAnalysis

    public init(_ analysis: ModelAnalysis) {
        self.analysis = analysis
    }

    /// One row per layer that changes the field (convs, pools, merges, global layers) — or every
    /// layer with `all`.
    public func render(all: Bool = false) -> [String] {
        var table = TextTable([
            .init("Layer"), .init("Type"), .init("Output Shape"), .init("RF size", .right),
            .init("Min", .right), .init("Jump", .right), .init("Start", .right),
        ])
        var previous: ReceptiveField?
        for layer in analysis.graph.layers {
            let a = analysis.layers[layer.id]
            let rf = a.receptiveField
            if !all, case .input = layer.op {
                previous = rf
                continue
            }
            if !all && previous == rf { continue }
            previous = rf
            table.append([
                layer.name, layer.op.typeName, Display.shape(a.outputShape),
                (rf.isApproximate ? "~" : "") + rf.size.rfText + (rf.isGlobal ? ", global" : ""),
                rf.isMultiPath ? rf.minSize.rfText : "", Display.jump(rf), Display.start(rf),
            ])
        }
        return table.render() + [
            "RF size: input pixels that can reach one unit (largest over paths); Min: the smallest path's.",
            "Jump: input pixels between neighbouring units. Start: centre of the first unit's field.",
        ]
    }

    /// Everything about one layer's field, in sentences. A block (`layer4`, `inception3a`)
    /// stands for its output: the field of its last layer, as the first line says.
    public func detail(layer name: String) throws(UnknownLayerError) -> [String] {
        let graph = analysis.graph
        let at = "in \(graph.name) at input \(analysis.input)"
        if let layer = graph.layer(named: name) {
            return detail(layer, heading: "\(layer.name) (\(layer.op.typeName), \(layer.op.summary)) \(at)")
        }
        if let block = graph.block(named: name), let last = graph.lastLayer(ofBlock: block.id) {
            return detail(last, heading: "\(block.name) (\(block.type) block) \(at): the field at the block's end, \(last.name) (\(last.op.typeName))")
        }
        throw UnknownLayerError(name, in: graph, blocks: true)
    }

    private func detail(_ layer: Layer, heading: String) -> [String] {
        let a = analysis.layers[layer.id]
        let rf = a.receptiveField
        var lines = [
            heading,
            "Output shape: \(a.outputShape)",
            "Receptive field: \(rf.size.h)x\(rf.size.w) pixels",
            "Jump (effective stride): \(rf.jump.rfText)",
            "Start (centre of the first unit's field): \(Display.start(rf))",
        ]
        if rf.isMultiPath {
            lines.append("Paths differ: the shortest path sees \(rf.minSize.h)x\(rf.minSize.w), the longest \(rf.size.h)x\(rf.size.w).")
        }
        if rf.isGlobal {
            lines.append("Every unit sees the whole input (global pooling or a dense layer lies on a path).")
        } else {
            let input = analysis.input
            if rf.size.h >= input.height && rf.size.w >= input.width {
                lines.append("The field is larger than the \(input.height)x\(input.width) input: border units reach into the padding.")
            }
        }
        if rf.isApproximate {
            lines.append("Approximate: an adaptive pooling with uneven windows lies on a path (largest window used).")
        }
        return lines
    }
}
