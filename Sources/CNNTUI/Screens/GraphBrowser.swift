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
    /// Layers whose numbers an edit changed (new, or another shape, count or field): marked.
    public private(set) var changed: Set<Int> = []
    public var query = ""
    /// The search line is being typed.
    public var searching = false
    /// Set while the rows are the layers sorted by size (`s`), largest first; nil for the graph.
    public private(set) var order: LayerOrder?

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

    /// The browser on an edited `graph`: the same blocks open (by name), the selection on the
    /// same row where it still exists, `changed` layers marked.
    public func replacing(graph next: Graph, changed: Set<Int>) -> GraphBrowser {
        var browser = GraphBrowser(graph: next)
        let open = Set(expanded.map { graph.blocks[$0].name })
        browser.expanded = Set(next.blocks.filter { open.contains($0.name) }.map(\.id))
        browser.view = GraphView(graph: next, expanded: browser.expanded)
        browser.lanes = LaneLayout(browser.view)
        browser.selected = min(selected, max(browser.rows.count - 1, 0))
        browser.top = top
        browser.changed = changed
        return browser
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

    public mutating func move(by delta: Int) {
        select(selected + delta)
    }

    public mutating func select(_ row: Int) {
        selected = min(max(row, 0), max(rows.count - 1, 0))
    }

    /// Moves the scroll position so that the selection is on screen in a list of `pageHeight`
    /// rows, with a little context above and below where possible. The app calls it once after
    /// every key, with the list's height from the layout that draws it.
    public mutating func scrollToSelection(pageHeight: Int) {
        top = Self.top(keeping: selected, from: top, pageHeight: pageHeight, rows: rows.count)
    }

    /// The first row shown when `selected` must be visible, starting from `top`.
    static func top(keeping selected: Int, from top: Int, pageHeight: Int, rows: Int) -> Int {
        var top = top
        let page = max(pageHeight, 1)
        let margin = min(2, (page - 1) / 2)
        if selected - margin < top { top = max(0, selected - margin) }
        if selected + margin >= top + page { top = selected + margin - page + 1 }
        return min(max(top, 0), max(rows - page, 0))
    }

    // MARK: Opening and closing blocks

    /// Enter/Space: opens a collapsed block, closes an open one (from its header).
    public mutating func toggleSelected() {
        guard let row = selectedRow else { return }
        switch row.kind {
        case .collapsedBlock(let b): setExpanded(expanded.union([b]), keep: .blockHeader(b))
        case .blockHeader(let b): setExpanded(expanded.subtracting([b]), keep: .collapsedBlock(b))
        case .layer: break
        }
    }

    /// Left/h: closes the block the cursor is in (or on).
    public mutating func collapseCurrent() {
        guard let row = selectedRow else { return }
        let block: Int?
        switch row.kind {
        case .blockHeader(let b): block = b
        case .collapsedBlock(let b): block = graph.blocks[b].parent
        case .layer(let id): block = graph.layers[id].block
        }
        guard let b = block else { return }
        setExpanded(expanded.subtracting([b]), keep: .collapsedBlock(b))
    }

    /// Right/l: opens the collapsed block under the cursor.
    public mutating func expandCurrent() {
        if case .collapsedBlock(let b) = selectedRow?.kind {
            setExpanded(expanded.union([b]), keep: .blockHeader(b))
        }
    }

    /// `+`: everything open; `-`: only the top level.
    public mutating func expandAll() {
        setExpanded(Set(graph.blocks.map(\.id)), keep: nil)
    }

    public mutating func collapseAll() {
        setExpanded([], keep: nil)
    }

    private mutating func setExpanded(_ open: Set<Int>, keep: GraphView.RowKind?) {
        guard order == nil else { return }  // a sorted list has no blocks to open
        let anchor = selectedLayer
        expanded = open
        view = GraphView(graph: graph, expanded: open)
        lanes = LaneLayout(view)
        if let keep, let row = rows.firstIndex(where: { $0.kind == keep }) {
            selected = row
        } else if let anchor {
            selected = row(showing: anchor) ?? 0
        }
        select(selected)
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
    public mutating func reveal(layer: Int) {
        if order == nil { open(blocksAround: graph.layers[layer].block) }
        select(row(showing: layer) ?? selected)
    }

    /// Opens the blocks around `block` and puts the cursor on its row.
    public mutating func reveal(block: Int) {
        if order != nil, let last = lastLayer(of: block) { return select(row(showing: last) ?? selected) }
        open(blocksAround: graph.blocks[block].parent)
        if let row = rows.firstIndex(where: { $0.kind == .blockHeader(block) || $0.kind == .collapsedBlock(block) }) { select(row) }
    }

    /// Opens `block` and every block it sits in, rebuilding the rows only when that changes them.
    private mutating func open(blocksAround block: Int?) {
        let path = Set(graph.blockPath(block).map(\.id))
        guard !path.isSubset(of: expanded) else { return }
        expanded.formUnion(path)
        view = GraphView(graph: graph, expanded: expanded)
        lanes = LaneLayout(view)
    }

    // MARK: Sorting

    /// `s`: the layers as a flat list, `layers` (sorted by `order`, largest first), the cursor on
    /// the largest; nil goes back to the graph, the cursor on the layer it was on.
    public mutating func sort(_ next: LayerOrder?, layers: [Int]) {
        let anchor = selectedLayer
        order = next
        view = next == nil ? GraphView(graph: graph, expanded: expanded) : GraphView(flat: layers)
        lanes = LaneLayout(view)
        selected = next == nil ? anchor.flatMap { row(showing: $0) } ?? 0 : 0
        if next != nil { top = 0 }
        select(selected)
    }

    // MARK: Search

    /// What a search can land on: a block (`inception3a`, `layer4.2`) or a layer.
    public enum SearchTarget: Hashable, Sendable {
        case block(Int)
        case layer(Int)
    }

    /// Blocks and layers whose name contains the query (case-insensitive), in the graph's order:
    /// a block comes just before its first layer, outer blocks before inner ones.
    public var matches: [SearchTarget] {
        let q = query.lowercased()
        guard !q.isEmpty else { return [] }
        return searchOrder.filter { target in
            switch target {
            case .block(let b): return graph.blocks[b].name.lowercased().contains(q)
            case .layer(let id): return graph.layers[id].name.lowercased().contains(q) && graph.layers[id].op != .input
            }
        }
    }

    /// The layers among `matches`, for highlighting their names.
    public var matchingLayers: Set<Int> {
        Set(matches.compactMap { if case .layer(let id) = $0 { return id } else { return nil } })
    }

    /// Every block and layer in the order the rows show them when all is open.
    private var searchOrder: [SearchTarget] {
        var seen = Set<Int>()
        var order: [SearchTarget] = []
        for layer in graph.layers {
            for block in graph.blockPath(layer.block) where !seen.contains(block.id) {
                seen.insert(block.id)
                order.append(.block(block.id))
            }
            order.append(.layer(layer.id))
        }
        return order
    }

    /// Where the cursor is in `searchOrder`.
    private var cursorTarget: SearchTarget? {
        guard let row = selectedRow else { return nil }
        switch row.kind {
        case .layer(let id): return .layer(id)
        case .collapsedBlock(let b), .blockHeader(let b): return .block(b)
        }
    }

    /// `n` / `N`: the next or previous match after the cursor, wrapping around; while typing, the
    /// first match at or after it.
    public mutating func jumpToMatch(forward: Bool, includeCurrent: Bool = false) -> Bool {
        let all = matches
        guard !all.isEmpty else { return false }
        let order = searchOrder
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let current = cursorTarget.flatMap { position[$0] } ?? -1
        let next: SearchTarget
        if forward {
            next = all.first { includeCurrent ? position[$0]! >= current : position[$0]! > current } ?? all[0]
        } else {
            next = all.last { position[$0]! < current } ?? all[all.count - 1]
        }
        switch next {
        case .block(let b): reveal(block: b)
        case .layer(let id): reveal(layer: id)
        }
        return true
    }

    // MARK: Keys

    /// What the graph screen's keys do.
    public enum Action: Hashable, Sendable {
        case move(Int)
        case page(Int)
        case top, bottom
        case toggle, collapse, expand, expandAll, collapseAll
        case search, nextMatch, previousMatch
        /// Edits: the app performs them, on the model (see `AppState.perform(edit:)`).
        case edit, add, delete, undo, save
        case sort, counts
    }

    public static let keys = KeyMap<Action>([
        KeyBinding([.up, .character("k")], "↑↓ / j k", "move", hint: ("↑↓", "move"), .move(-1)),
        KeyBinding([.down, .character("j")], "", "", .move(1)),
        KeyBinding([.pageUp], "PgUp PgDn", "page", .page(-1)),
        KeyBinding([.pageDown], "", "", .page(1)),
        KeyBinding([.home, .character("g")], "g / G", "top / bottom", .top),
        KeyBinding([.end, .character("G")], "", "", .bottom),
        KeyBinding([.enter, .character(" ")], "Enter / Space", "open or close a block", hint: ("⏎", "open/close"), .toggle),
        KeyBinding([.left, .character("h")], "← / h", "close the block around", .collapse),
        KeyBinding([.right, .character("l")], "→ / l", "open a block", .expand),
        KeyBinding(.characters("+="), "+ / -", "open all / close all", hint: ("+/-", "all"), .expandAll),
        KeyBinding(.characters("-"), "", "", .collapseAll),
        KeyBinding(.characters("/"), "/", "search layer and block names", hint: ("/", "search"), .search),
        KeyBinding(
            .characters("s"), "s", "sort the layers by params, mult-adds, activation size, receptive field; again: back to the graph",
            .sort),
        KeyBinding(
            .characters("c"), "c", "counting conventions: every tool's mult-adds, and what turns torchinfo's into another's or the paper's",
            .counts),
        KeyBinding(.characters("n"), "n / N", "next / previous match", .nextMatch),
        KeyBinding(.characters("N"), "", "", .previousMatch),
        KeyBinding(.characters("e"), "e", "edit the layer's settings (kernel, stride, padding, filters, units, ...)", hint: ("e", "edit"), .edit),
        KeyBinding(.characters("a"), "a", "add a layer after it, written as in a model file: bn: batchnorm", .add),
        KeyBinding(.characters("d"), "d", "delete the layer (its readers read its input; everything recomputes)", .delete),
        KeyBinding(.characters("u"), "u", "undo the last edit (again and again)", .undo),
        KeyBinding(
            .characters("W"), "W", "save the network: FILE.cnn as a model file (to open again or edit by hand), FILE.onnx as ONNX with its weights", .save),
    ])

    /// Performs `action` in a list of `pageHeight` rows; returns a message for the status line.
    public mutating func perform(_ action: Action, pageHeight: Int) -> String? {
        switch action {
        case .move(let delta): move(by: delta)
        case .page(let pages): move(by: pages * max(pageHeight, 1))
        case .top: select(0)
        case .bottom: select(rows.count - 1)
        case .toggle: toggleSelected()
        case .collapse: collapseCurrent()
        case .expand: expandCurrent()
        case .expandAll: expandAll()
        case .collapseAll: collapseAll()
        case .search:
            searching = true
            query = ""
        case .nextMatch, .previousMatch:
            if query.isEmpty { return "No search yet: press / to search layer names" }
            if !jumpToMatch(forward: action == .nextMatch) { return "No layer matches '\(query)'" }
        case .edit, .add, .delete, .undo, .save, .sort, .counts:
            break  // the app's, on the model
        }
        return nil
    }
}
