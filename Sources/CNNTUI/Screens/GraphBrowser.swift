import CNNModel

/// The graph screen's state: which blocks are open, the rows and lanes that follow from that,
/// the selection and scroll position, and the search.
public struct GraphBrowser: Sendable {
    public let graph: Graph
    public private(set) var expanded: Set<Int>
    public private(set) var view: GraphView
    public private(set) var lanes: LaneLayout
    public private(set) var selected = 0
    public private(set) var top = 0
    public var query = ""
    /// The search line is being typed.
    public var searching = false

    /// Blocks nested at most this deep start open: a ResNet's stages and their blocks, an
    /// Inception module's branches.
    public static let defaultOpenDepth = 2

    public init(graph: Graph) {
        self.graph = graph
        let open = Set(graph.blocks.filter { $0.depth <= Self.defaultOpenDepth }.map(\.id))
        expanded = open
        view = GraphView(graph: graph, expanded: open)
        lanes = LaneLayout(view)
    }

    public var rows: [GraphView.Row] { view.rows }
    public var selectedRow: GraphView.Row? { rows.indices.contains(selected) ? rows[selected] : nil }

    /// The layer under the cursor (the last layer of a collapsed block: its output).
    public var selectedLayer: Int? {
        guard let row = selectedRow else { return nil }
        switch row.kind {
        case .layer(let id): return id
        case .collapsedBlock(let b), .blockHeader(let b): return lastLayer(of: b)
        }
    }

    public func lastLayer(of block: Int) -> Int? {
        graph.layers.last { graph.isLayer($0, inside: block) }?.id
    }

    // MARK: Moving

    public mutating func move(by delta: Int, pageHeight: Int) {
        select(selected + delta, pageHeight: pageHeight)
    }

    public mutating func select(_ row: Int, pageHeight: Int) {
        selected = min(max(row, 0), max(rows.count - 1, 0))
        scrollToSelection(pageHeight: pageHeight)
    }

    /// Keeps the selection on screen, with a little context above and below where possible.
    public mutating func scrollToSelection(pageHeight: Int) {
        let page = max(pageHeight, 1)
        let margin = min(2, (page - 1) / 2)
        if selected - margin < top { top = max(0, selected - margin) }
        if selected + margin >= top + page { top = selected + margin - page + 1 }
        top = min(max(top, 0), max(rows.count - page, 0))
    }

    // MARK: Opening and closing blocks

    /// Enter/Space: opens a collapsed block, closes an open one (from its header).
    public mutating func toggleSelected(pageHeight: Int) {
        guard let row = selectedRow else { return }
        switch row.kind {
        case .collapsedBlock(let b): setExpanded(expanded.union([b]), keep: .blockHeader(b), pageHeight: pageHeight)
        case .blockHeader(let b): setExpanded(expanded.subtracting([b]), keep: .collapsedBlock(b), pageHeight: pageHeight)
        case .layer: break
        }
    }

    /// Left/h: closes the block the cursor is in (or on).
    public mutating func collapseCurrent(pageHeight: Int) {
        guard let row = selectedRow else { return }
        let block: Int?
        switch row.kind {
        case .blockHeader(let b): block = b
        case .collapsedBlock(let b): block = graph.blocks[b].parent
        case .layer(let id): block = graph.layers[id].block
        }
        guard let b = block else { return }
        setExpanded(expanded.subtracting([b]), keep: .collapsedBlock(b), pageHeight: pageHeight)
    }

    /// Right/l: opens the collapsed block under the cursor.
    public mutating func expandCurrent(pageHeight: Int) {
        if case .collapsedBlock(let b) = selectedRow?.kind {
            setExpanded(expanded.union([b]), keep: .blockHeader(b), pageHeight: pageHeight)
        }
    }

    /// `+`: everything open; `-`: only the top level.
    public mutating func expandAll(pageHeight: Int) {
        setExpanded(Set(graph.blocks.map(\.id)), keep: nil, pageHeight: pageHeight)
    }

    public mutating func collapseAll(pageHeight: Int) {
        setExpanded([], keep: nil, pageHeight: pageHeight)
    }

    private mutating func setExpanded(_ open: Set<Int>, keep: GraphView.RowKind?, pageHeight: Int) {
        let anchor = selectedLayer
        expanded = open
        view = GraphView(graph: graph, expanded: open)
        lanes = LaneLayout(view)
        if let keep, let row = rows.firstIndex(where: { $0.kind == keep }) {
            selected = row
        } else if let anchor {
            selected = row(showing: anchor) ?? 0
        }
        select(selected, pageHeight: pageHeight)
    }

    /// The row that shows `layer`: its own row, or its collapsed block's.
    public func row(showing layer: Int) -> Int? {
        rows.firstIndex { row in
            switch row.kind {
            case .layer(let id): return id == layer
            case .collapsedBlock(let b): return graph.isLayer(graph.layers[layer], inside: b)
            case .blockHeader: return false
            }
        }
    }

    /// Opens the blocks around `layer` and puts the cursor on it.
    public mutating func reveal(layer: Int, pageHeight: Int) {
        let path = Set(graph.blockPath(graph.layers[layer].block).map(\.id))
        if !path.isSubset(of: expanded) {
            expanded.formUnion(path)
            view = GraphView(graph: graph, expanded: expanded)
            lanes = LaneLayout(view)
        }
        select(row(showing: layer) ?? selected, pageHeight: pageHeight)
    }

    // MARK: Search

    /// Layers whose name contains the query (case-insensitive), in order.
    public var matches: [Int] {
        let q = query.lowercased()
        guard !q.isEmpty else { return [] }
        return graph.layers.filter { $0.name.lowercased().contains(q) && $0.op != .input }.map(\.id)
    }

    /// `n` / `N`: the next or previous match after the cursor, wrapping around.
    public mutating func jumpToMatch(forward: Bool, includeCurrent: Bool = false, pageHeight: Int) -> Bool {
        let all = matches
        guard !all.isEmpty else { return false }
        let current = selectedLayer ?? -1
        let next: Int
        if forward {
            next = all.first { includeCurrent ? $0 >= current : $0 > current } ?? all[0]
        } else {
            next = all.last { $0 < current } ?? all[all.count - 1]
        }
        reveal(layer: next, pageHeight: pageHeight)
        return true
    }
}
