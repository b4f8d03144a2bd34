import CNNModel
import CNNReport

/// Screen 1: the layer graph with its lanes on the left, the inspector on the right (or below
/// on narrow terminals).
public enum GraphScreen {
    /// Width of the inspector pane beside the graph; narrower terminals put it below.
    static let inspectorWidth = 40
    static let sideBySideMinimum = 110

    /// Where the list and the inspector go in the body of the frame, and how many rows of the
    /// list are on screen: the one geometry that drawing and paging share.
    struct Layout {
        let graph: Rect
        let inspector: Rect
        /// Layer rows shown (inside the frame, below the column titles).
        var listRows: Int { max(graph.height - 3, 1) }

        init(body: Rect) {
            if body.width >= GraphScreen.sideBySideMinimum {
                (graph, inspector) = body.splitLeft(body.width - GraphScreen.inspectorWidth)
            } else {
                let split = body.splitBottom(min(11, (body.height + 1) / 2))
                (graph, inspector) = (split.rest, split.bottom)
            }
        }
    }

    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let layout = Layout(body: area)
        let title =
            "Graph: \(state.model.title) · \(state.analysis.input)" + (state.graph.order.map { " · by \($0.title), largest first" } ?? "")
        let inner = Frame(title: title, focused: true).render(area: layout.graph, into: &canvas, theme: theme)
        renderRows(state, area: inner, into: &canvas)
        let inspectorInner = Frame(title: "Inspector").render(area: layout.inspector, into: &canvas, theme: theme)
        Inspector.render(state, area: inspectorInner, into: &canvas)
    }

    /// Column widths for the rows: each column as wide as its widest cell in the rows of the
    /// current view (so widths do not jump while scrolling), the least important dropped first
    /// on narrow panes, and the layer column never wider than its names need.
    struct Columns: Equatable {
        var lanes: Int
        var name: Int
        var op: Int
        var shape: Int
        var params: Int
        var macs: Int

        /// The widest cell of each column.
        struct Needs {
            var name = 5, op = 2, shape = 6, params = 6, macs = 9
        }

        init(width: Int, laneCount: Int, needs: Needs) {
            let lanes = min(max(2 * laneCount, 2), max(8, width / 4))
            var rest = width - lanes
            let nameMinimum = min(needs.name + 1, 16)
            // Text columns get one space after them, number columns two before.
            func take(_ w: Int) -> Int {
                guard rest - w >= nameMinimum else { return 0 }
                rest -= w
                return w
            }
            let shape = take(needs.shape + 1), params = take(needs.params + 2), macs = take(needs.macs + 2)
            // The op gets what the names leave, cut with an ellipsis when that is not all of it.
            let spare = rest - max(nameMinimum, min(needs.name + 1, 32))
            let op = spare >= 9 ? min(spare, needs.op + 1) : 0
            rest -= op
            self.init(lanes: lanes, name: rest, op: op, shape: shape, params: params, macs: macs)
        }

        init(lanes: Int, name: Int, op: Int, shape: Int, params: Int, macs: Int) {
            (self.lanes, self.name, self.op, self.shape, self.params, self.macs) = (lanes, name, op, shape, params, macs)
        }

        static func needs(_ state: AppState) -> Needs {
            var needs = Needs()
            for row in state.graph.rows {
                let cells = rowCells(row, state: state)
                needs.name = max(needs.name, 2 * row.depth + displayWidth(cells.name))
                needs.op = max(needs.op, displayWidth(cells.op))
                needs.shape = max(needs.shape, displayWidth(cells.shape))
                needs.params = max(needs.params, displayWidth(cells.params))
                needs.macs = max(needs.macs, displayWidth(cells.macs))
            }
            return needs
        }
    }

    static func renderRows(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let browser = state.graph
        let theme = state.theme
        let analysis = state.analysis
        let cols = Columns(width: area.width, laneCount: browser.lanes.width, needs: Columns.needs(state))
        // Column titles.
        var x = area.x + cols.lanes
        let heading = theme.dim.with(.bold)
        x = canvas.put(pad("Layer", to: cols.name), x: x, y: area.y, style: heading, clip: area)
        if cols.op > 0 { x = canvas.put(pad("Op", to: cols.op), x: x, y: area.y, style: heading, clip: area) }
        if cols.shape > 0 { x = canvas.put(pad("Output", to: cols.shape), x: x, y: area.y, style: heading, clip: area) }
        if cols.params > 0 { x = canvas.put(pad("Params", to: cols.params, alignRight: true), x: x, y: area.y, style: heading, clip: area) }
        if cols.macs > 0 { canvas.put(pad("Mult-adds", to: cols.macs, alignRight: true), x: x, y: area.y, style: heading, clip: area) }

        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let matches = browser.query.isEmpty ? [] : browser.matchingLayers
        // Clamped here too, so a resize never shows the selection off screen before the next key.
        let top = GraphBrowser.top(keeping: browser.selected, from: browser.top, pageHeight: body.height, rows: browser.rows.count)
        for i in 0..<body.height {
            let index = top + i
            guard index < browser.rows.count else { break }
            let row = browser.rows[index]
            let y = body.y + i
            let selected = index == browser.selected
            drawLanes(browser.lanes.rows[index], row: row, state: state, x: body.x, y: y, width: cols.lanes, into: &canvas)
            var x = body.x + cols.lanes
            let indent = String(repeating: " ", count: 2 * row.depth)
            let cells = rowCells(row, state: state)
            let nameStyle: Style
            var mark = ""
            switch row.kind {
            case .layer(let id):
                nameStyle = matches.contains(id) ? theme.match : (browser.changed.contains(id) ? theme.good : theme.text)
                if browser.changed.contains(id) { mark = " *" }  // changed by the last edit
            case .collapsedBlock, .blockHeader: nameStyle = theme.accent
            }
            let e = theme.glyphs.ellipsis
            let name = truncate(indent + cells.name, to: cols.name - 1 - mark.count, ellipsis: e) + mark
            x = canvas.put(pad(name, to: cols.name), x: x, y: y, style: nameStyle, clip: body)
            if cols.op > 0 { x = canvas.put(pad(truncate(cells.op, to: cols.op - 1, ellipsis: e), to: cols.op), x: x, y: y, style: theme.dim, clip: body) }
            if cols.shape > 0 { x = canvas.put(pad(cells.shape, to: cols.shape), x: x, y: y, style: theme.text, clip: body) }
            if cols.params > 0 { x = canvas.put(pad(cells.params, to: cols.params, alignRight: true), x: x, y: y, style: theme.number, clip: body) }
            if cols.macs > 0 { canvas.put(pad(cells.macs, to: cols.macs, alignRight: true), x: x, y: y, style: theme.number, clip: body) }
            if selected {
                canvas.restyle(Rect(x: body.x + cols.lanes, y: y, width: body.width - cols.lanes, height: 1)) { _ in theme.selection }
            }
        }
        _ = analysis
    }

    /// The text of a row's columns.
    static func rowCells(_ row: GraphView.Row, state: AppState) -> (name: String, op: String, shape: String, params: String, macs: String) {
        let analysis = state.analysis
        let graph = analysis.graph
        let g = state.theme.glyphs
        switch row.kind {
        case .layer(let id):
            let layer = graph.layers[id]
            let a = analysis.layers[id]
            // A sorted list has no blocks around its rows to say which conv2 a row is.
            return (
                state.graph.order == nil ? layer.localName : layer.name, layer.op.summary, Display.shape(a.outputShape), Display.count(a.params(.torchinfo)),
                Display.count(a.macs)
            )
        case .collapsedBlock(let b), .blockHeader(let b):
            let block = graph.blocks[b]
            let marker = row.kind == .blockHeader(b) ? g.expanded : g.collapsed
            let cost = analysis.cost(ofBlock: b)
            let out = state.graph.lastLayer(of: b).map { Display.shape(analysis.layers[$0].outputShape) } ?? ""
            return (
                "\(marker) \(displayName(of: block, in: graph))", block.type, out, Display.count(ParamConvention.torchinfo.params(cost)),
                Display.count(cost.macs)
            )
        }
    }

    /// A block's name as a row shows it: its own part of the path (`downsample`, `denseblock1`),
    /// with the parent's part before a bare index (`layer1.0`, `branch2.1`).
    static func displayName(of block: Block, in graph: Graph) -> String {
        let parts = block.name.split(separator: ".").map(String.init)
        guard let last = parts.last else { return block.name }
        if Int(last) != nil, parts.count >= 2 { return parts[parts.count - 2] + "." + last }
        return last
    }

    static func drawLanes(_ lanes: LaneLayout.Row, row: GraphView.Row, state: AppState, x: Int, y: Int, width: Int, into canvas: inout Canvas) {
        let theme = state.theme
        let g = theme.glyphs
        let clip = Rect(x: x, y: y, width: width, height: 1)
        var column = x
        for (i, glyph) in lanes.glyphs.enumerated() {
            if column >= x + width { break }
            let overflow = column + 2 > x + width - 1 && i < lanes.glyphs.count - 1 && 2 * lanes.glyphs.count > width
            if overflow {
                canvas.put(String(g.ellipsis), x: column, y: y, style: theme.dim, clip: clip)
                break
            }
            let ch: Character
            var style = theme.lanes
            switch glyph {
            case .empty: ch = " "
            case .vertical: ch = g.vertical
            case .horizontal: ch = g.horizontal
            case .crossing: ch = g.crossing
            case .teeLeft: ch = g.teeLeft
            case .teeRight: ch = g.teeRight
            case .endLeft: ch = g.endLeft
            case .endRight: ch = g.endRight
            case .endMiddle: ch = g.endMiddle
            case .node:
                let (c, kind) = nodeGlyph(row, state: state)
                ch = c
                style = theme.node(kind)
            }
            canvas.put(String(ch), x: column, y: y, style: style, clip: clip)
            if lanes.connectorAfter[i] {
                canvas.put(String(g.horizontal), x: column + 1, y: y, style: theme.lanes, clip: clip)
            }
            column += 2
        }
    }

    static func nodeGlyph(_ row: GraphView.Row, state: AppState) -> (Character, Theme.NodeKind) {
        let g = state.theme.glyphs
        guard case .layer(let id) = row.kind else { return (g.blockNode, .block) }
        switch state.analysis.graph.layers[id].op {
        case .conv2d, .dense: return (g.weightNode, .weights)
        case .add: return (g.addNode, .merge)
        case .multiply: return (g.multiplyNode, .merge)
        case .concat: return (g.concatNode, .merge)
        case .pool, .globalAvgPool, .globalMaxPool, .adaptiveAvgPool: return (g.plainNode, .pooling)
        case .activation: return (g.plainNode, .activation)
        case .batchNorm, .localResponseNorm: return (g.weightNode, .normalization)
        default: return (g.plainNode, .other)
        }
    }
}
