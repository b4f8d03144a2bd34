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
            out.append(("Params", a.params(.torchinfo).grouped + " (torchinfo)", .number))
            if a.nonTrainableParams > 0 {
                out.append(("Keras", "\(a.params(.keras).grouped) (+\(a.nonTrainableParams.grouped) BN stats)", .number))
            }
            if let formula = layer.op.parameterFormula(input: a.inputShapes.first ?? a.outputShape) {
                out.append(("", formula, .formula))
            }
            out.append(("Mult-adds", a.macs.grouped + " (torchinfo)", .number))
            if let formula = layer.op.macsFormula(input: a.inputShapes.first ?? a.outputShape, output: a.outputShape, cost: a.cost) {
                out.append(("", formula, .formula))
            }
            if let hand = layer.op.macsWithoutBiasFormula(input: a.inputShapes.first ?? a.outputShape, output: a.outputShape) {
                out.append(("", hand, .formula))
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
                out.append(("Params", ParamConvention.torchinfo.params(cost).grouped + " (torchinfo)", .number))
                if cost.nonTrainableParams > 0 {
                    out.append(("Keras", "\(cost.params.grouped) (+\(cost.nonTrainableParams.grouped) BN stats)", .number))
                }
                out.append(("Mult-adds", cost.macs.grouped + " (torchinfo)", .number))
                let depth = layers.filter(\.op.isWeightLayer).count
                out.append(("Weight layers", String(depth), .plain))
                _ = first
                appendField(analysis.layers[last.id].receptiveField, into: &out)
            }
        }
        return out
    }

    private static func appendField(_ rf: ReceptiveField, into out: inout [(String, String, LineStyle)]) {
        out.append(("RF size", Display.fieldSize(rf), .plain))
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
        let params = Double(ParamConvention.torchinfo.params(cost)) / Double(max(analysis.params(.torchinfo), 1))
        let macs = Double(cost.macs) / Double(max(analysis.macs, 1))
        return (params, macs)
    }

    static let labelWidth = 15

    /// One row of the pane as drawn.
    enum Row {
        case text(x: Int, String, LineStyle)
        /// A label and text after it at the label width.
        case labelled(String, String, LineStyle)
        case share(String, Double, Theme.NodeKind)
    }

    /// The lines wrapped into rows for a column of `width`, grouped so a group stays in one column.
    static func rows(_ state: AppState, width: Int) -> [[Row]] {
        var groups: [[Row]] = []
        for line in lines(state) {
            var rows: [Row] = []
            if line.label.isEmpty {
                let indent = line.style == .formula ? 2 : 0
                for (i, chunk) in wrap(line.value, width: width - indent).enumerated() {
                    rows.append(.text(x: indent + (i > 0 && line.style == .formula ? 2 : 0), chunk, line.style))
                }
            } else {
                for (i, chunk) in wrap(line.value, width: width - labelWidth).enumerated() {
                    rows.append(.labelled(i == 0 ? line.label : "", chunk, line.style))
                }
            }
            // A formula stays with the count it explains.
            if line.style == .formula, !groups.isEmpty { groups[groups.count - 1] += rows } else { groups.append(rows) }
        }
        return groups
    }

    /// In one column, the share bars under their titles at the bottom of the pane; when the
    /// lines do not fit (a wide, short pane below the graph at 80x24), in two columns, each
    /// share on one row.
    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let shares = shares(state)
        let single = rows(state, width: area.width).flatMap { $0 }
        let barRows = area.height >= 10 && shares != nil ? 4 : 0
        if single.count + barRows <= area.height || area.width < 60 {
            for (i, row) in single.prefix(area.height - barRows).enumerated() {
                draw(row, state: state, area: Rect(x: area.x, y: area.y + i, width: area.width, height: 1), into: &canvas)
            }
            guard barRows > 0, let shares else { return }
            let theme = state.theme
            let barsTop = area.maxY - 4
            canvas.put("Share of params", x: area.x, y: barsTop, style: theme.dim, clip: area)
            ShareBar(fraction: shares.params).render(
                area: Rect(x: area.x, y: barsTop + 1, width: area.width, height: 1), into: &canvas, theme: theme, style: theme.node(.weights))
            canvas.put("Share of mult-adds", x: area.x, y: barsTop + 2, style: theme.dim, clip: area)
            ShareBar(fraction: shares.macs).render(
                area: Rect(x: area.x, y: barsTop + 3, width: area.width, height: 1), into: &canvas, theme: theme, style: theme.node(.merge))
            return
        }
        let width = (area.width - 2) / 2
        var groups = rows(state, width: width)
        if let shares { groups += [[.share("% of params", shares.params, .weights)], [.share("% of mult-adds", shares.macs, .merge)]] }
        // A line's rows stay together in one column.
        var (column, y) = (0, area.y)
        for group in groups {
            if y + group.count > area.maxY && column == 0 { (column, y) = (1, area.y) }
            for row in group where y < area.maxY {
                draw(row, state: state, area: Rect(x: area.x + column * (width + 2), y: y, width: width, height: 1), into: &canvas)
                y += 1
            }
        }
    }

    private static func draw(_ row: Row, state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        func style(_ s: LineStyle) -> Style {
            switch s {
            case .title: return theme.title
            case .dim: return theme.dim
            case .plain: return theme.text
            case .number: return theme.number
            case .formula: return theme.accent
            }
        }
        switch row {
        case .text(let x, let text, let s):
            canvas.put(text, x: area.x + x, y: area.y, style: style(s), clip: area)
        case .labelled(let label, let text, let s):
            canvas.put(label, x: area.x, y: area.y, style: theme.dim, clip: area)
            canvas.put(text, x: area.x + labelWidth, y: area.y, style: style(s), clip: area)
        case .share(let label, let fraction, let kind):
            canvas.put(label, x: area.x, y: area.y, style: theme.dim, clip: area)
            ShareBar(fraction: fraction).render(
                area: Rect(x: area.x + labelWidth, y: area.y, width: area.width - labelWidth, height: 1),
                into: &canvas, theme: theme, style: theme.node(kind))
        }
    }
}
