import CNNModel
import CNNReport

/// The side pane of the graph screen: everything about the selected layer or block, with the
/// parameter formula written out and its share of the model as bars.
public enum Inspector {
    /// Label/value lines for the selected row; bars are drawn after them.
    static func lines(_ state: AppState) -> [(label: String, value: String, style: LineStyle)] {
        let analysis = state.analysis
        let graph = analysis.graph
        guard let row = state.graph.selectedRow else { return [] }
        var out: [(String, String, LineStyle)] = []
        switch row.kind {
        case .layer(let id):
            let layer = graph.layers[id]
            let a = analysis.layers[id]
            out.append(("", layer.name, .title))
            out.append(("", "\(layer.op.typeName) · \(layer.op.summary)", .dim))
            if let block = layer.block {
                out.append(("Block", graph.blocks[block].name + " (" + graph.blocks[block].type + ")", .plain))
            }
            if layer.inputs.count > 1 {
                out.append(("From", layer.inputs.map { graph.layers[$0].name }.joined(separator: ", "), .plain))
            }
            out.append(("Input", a.inputShapes.map(Display.shape).joined(separator: " + "), .plain))
            out.append(("Output", Display.shape(a.outputShape), .plain))
            if let pad = a.padding, !pad.isZero {
                out.append(("Padding", pad.description, .plain))
            }
            switch layer.op {
            case .conv2d(let c): out.append(("Bias", c.bias ? "yes" : "no", .plain))
            case .dense(let d): out.append(("Bias", d.bias ? "yes" : "no", .plain))
            default: break
            }
            out.append(("Params", a.params.grouped + (a.nonTrainableParams > 0 ? " (\(a.nonTrainableParams.grouped) non-trainable)" : ""), .number))
            if let formula = layer.op.parameterFormula(input: a.inputShapes.first ?? a.outputShape) {
                out.append(("", formula, .formula))
            }
            out.append(("Mult-adds", a.macs.grouped, .number))
            if let formula = layer.op.macsFormula(input: a.inputShapes.first ?? a.outputShape, output: a.outputShape, cost: a.cost) {
                out.append(("", formula, .formula))
            }
            out.append(("Activations", "\(a.activations.grouped) (\(Display.megabytes(a.activations * ModelAnalysis.bytesPerElement)) MB)", .plain))
            appendField(a.receptiveField, into: &out)
        case .collapsedBlock(let b), .blockHeader(let b):
            let block = graph.blocks[b]
            let cost = analysis.cost(ofBlock: b)
            let layers = graph.layers.filter { graph.isLayer($0, inside: b) }
            out.append(("", block.name, .title))
            out.append(("", "\(block.type) · \(layers.count) layers", .dim))
            if let first = layers.first, let last = layers.last {
                let inputs = Set(layers.flatMap(\.inputs)).subtracting(layers.map(\.id)).sorted()
                out.append(("Input", inputs.map { Display.shape(analysis.layers[$0].outputShape) }.joined(separator: " + "), .plain))
                out.append(("Output", Display.shape(analysis.layers[last.id].outputShape), .plain))
                out.append(("Params", cost.params.grouped + (cost.nonTrainableParams > 0 ? " (\(cost.nonTrainableParams.grouped) non-trainable)" : ""), .number))
                out.append(("Mult-adds", cost.macs.grouped, .number))
                let depth = layers.filter(\.op.isWeightLayer).count
                out.append(("Weight layers", String(depth), .plain))
                _ = first
                appendField(analysis.layers[last.id].receptiveField, into: &out)
            }
        }
        return out
    }

    private static func appendField(_ rf: ReceptiveField, into out: inout [(String, String, LineStyle)]) {
        var size = "\(rf.size.h)x\(rf.size.w)"
        if rf.isMultiPath { size = "\(rf.minSize.h)x\(rf.minSize.w) to \(size) (paths differ)" }
        if rf.isGlobal { size += ", whole input" }
        if rf.isApproximate { size = "~" + size }
        out.append(("RF size", size, .plain))
        out.append(("RF jump, start", "\(Display.jump(rf)), \(Display.start(rf))", .plain))
    }

    enum LineStyle { case title, dim, plain, number, formula }

    /// Share of the model's params and mult-adds of the selection.
    static func shares(_ state: AppState) -> (params: Double, macs: Double)? {
        let analysis = state.analysis
        guard let row = state.graph.selectedRow else { return nil }
        let cost: LayerCost
        switch row.kind {
        case .layer(let id): cost = analysis.layers[id].cost
        case .collapsedBlock(let b), .blockHeader(let b): cost = analysis.cost(ofBlock: b)
        }
        let params = Double(cost.params) / Double(max(analysis.totalParams, 1))
        let macs = Double(cost.macs) / Double(max(analysis.macs, 1))
        return (params, macs)
    }

    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        var y = area.y
        let labelWidth = 15
        for line in lines(state) {
            guard y < area.maxY - (area.height >= 10 ? 4 : 0) else { break }
            let style: Style
            switch line.style {
            case .title: style = theme.title
            case .dim: style = theme.dim
            case .plain: style = theme.text
            case .number: style = theme.number
            case .formula: style = theme.accent
            }
            if line.label.isEmpty {
                let indent = line.style == .formula ? 2 : 0
                for (i, chunk) in wrapText(line.value, width: area.width - indent).enumerated() where y < area.maxY {
                    canvas.put(chunk, x: area.x + indent + (i > 0 && line.style == .formula ? 2 : 0), y: y, style: style, clip: area)
                    y += 1
                }
            } else {
                canvas.put(pad(line.label, to: labelWidth), x: area.x, y: y, style: theme.dim, clip: area)
                let chunks = wrapText(line.value, width: area.width - labelWidth)
                for chunk in chunks where y < area.maxY {
                    canvas.put(chunk, x: area.x + labelWidth, y: y, style: style, clip: area)
                    y += 1
                }
            }
        }
        guard area.height >= 10, let shares = shares(state) else { return }
        let barsTop = area.maxY - 4
        canvas.put("Share of params", x: area.x, y: barsTop, style: theme.dim, clip: area)
        ShareBar(fraction: shares.params).render(area: Rect(x: area.x, y: barsTop + 1, width: area.width, height: 1), into: &canvas, theme: theme, style: theme.node(.weights))
        canvas.put("Share of mult-adds", x: area.x, y: barsTop + 2, style: theme.dim, clip: area)
        ShareBar(fraction: shares.macs).render(area: Rect(x: area.x, y: barsTop + 3, width: area.width, height: 1), into: &canvas, theme: theme, style: theme.node(.merge))
    }
}

/// Words in lines of at most `width` columns (one wrapping rule for reports and screens).
func wrapText(_ text: String, width: Int) -> [String] {
    ModelInfoReport.wrap(text, width: width)
}
