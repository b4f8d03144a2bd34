import CNNModel

/// The receptive-field screen: the per-layer table (sharing its selection with the graph), and
/// the interactive stacked-kernel comparison.
public struct ReceptiveFieldScreenState: Sendable {
    public enum Focus: Sendable { case table, comparison }

    /// The comparison's settings, chosen with ↑↓ and changed with ←→.
    public enum Setting: Int, CaseIterable, Sendable {
        case count, kernel, channels, size

        public var label: String {
            switch self {
            case .count: return "Convs n"
            case .kernel: return "Kernel k"
            case .channels: return "Channels C"
            case .size: return "Input size"
            }
        }
    }

    /// Layers in the table: every layer but the input.
    public let layers: [Int]
    public private(set) var selected = 0
    /// The first row of the table the last frame showed; drawing clamps it to the rows there are.
    public private(set) var top = 0
    public var focus: Focus = .table
    /// Draw the field over the feature maps' sample image instead of a plain grid.
    public var showsSample = false
    public private(set) var setting: Setting = .count
    public private(set) var count = 2
    public private(set) var kernel = 3
    public private(set) var channels = 64
    public private(set) var size = 56

    public init(analysis: ModelAnalysis) {
        layers = analysis.graph.layers.filter { $0.op != .input }.map(\.id)
    }

    public var selectedLayer: Int? { layers.indices.contains(selected) ? layers[selected] : nil }

    /// The comparison for the current settings (nil with an impossible setting).
    public var comparison: KernelStackComparison? {
        try? KernelStackComparison(count: count, kernel: kernel, channels: channels, size: Size2(size))
    }

    public mutating func select(layer: Int) {
        if let index = layers.firstIndex(of: layer) { select(row: index) }
    }

    public mutating func select(row: Int) {
        selected = min(max(row, 0), max(layers.count - 1, 0))
    }

    /// Moves the scroll position so that the selection is on screen in a table of `pageHeight`
    /// rows; the app calls it after every key with the rows of the layout that draws the table.
    public mutating func scrollToSelection(pageHeight: Int) {
        top = Self.top(keeping: selected, from: top, pageHeight: pageHeight, rows: layers.count)
    }

    /// The first row shown when `selected` must be visible, starting from `top`.
    static func top(keeping selected: Int, from top: Int, pageHeight: Int, rows: Int) -> Int {
        GraphBrowser.top(keeping: selected, from: top, pageHeight: pageHeight, rows: rows)
    }

    // MARK: Keys

    public enum Action: Hashable, Sendable {
        case move(Int)
        case page(Int)
        case top, bottom
        case toggleFocus, toggleSample
        case setting(Int)
        case change(Int)
    }

    /// The table's keys.
    public static let tableKeys = KeyMap<Action>([
        KeyBinding([.up, .character("k")], "↑↓ / j k", "move in the table", hint: ("↑↓", "layer"), .move(-1)),
        KeyBinding([.down, .character("j")], "", "", .move(1)),
        KeyBinding([.pageUp], "PgUp PgDn", "page", .page(-1)),
        KeyBinding([.pageDown], "", "", .page(1)),
        KeyBinding([.home, .character("g")], "g / G", "top / bottom", .top),
        KeyBinding([.end, .character("G")], "", "", .bottom),
        KeyBinding(.characters("c"), "c", "compare stacked kernels with one large kernel", hint: ("c", "compare kernels"), .toggleFocus),
    ])

    /// The stacked-kernel comparison's keys.
    public static let comparisonKeys = KeyMap<Action>([
        KeyBinding([.up, .character("k")], "↑↓ / j k", "choose n, k, C or the input size", hint: ("↑↓", "setting"), .setting(-1)),
        KeyBinding([.down, .character("j")], "", "", .setting(1)),
        KeyBinding([.left, .character("h"), .character("-")], "← → / - +", "change the value", hint: ("←→", "change"), .change(-1)),
        KeyBinding([.right, .character("l"), .character("+"), .character("=")], "", "", .change(1)),
        KeyBinding([.escape, .character("c")], "c / Esc", "back to the table", hint: ("c", "back to table"), .toggleFocus),
    ])

    /// Keys that work with either focus.
    public static let sharedKeys = KeyMap<Action>([
        KeyBinding(.characters("i"), "i", "draw the field on the feature maps' sample image", .toggleSample)
    ])

    /// What the table's columns and the picture's caption say.
    static let terms: [KeyHelp.Entry] = [
        ("RF", "the input pixels one unit of the layer sees"),
        ("Jump", "input pixels between neighbouring units (strides so far)"),
        ("Start", "where the first unit's field is centred on the input"),
    ]

    private var focusKeys: KeyMap<Action> { focus == .table ? Self.tableKeys : Self.comparisonKeys }

    public func action(for key: Key) -> Action? {
        Self.sharedKeys.action(for: key) ?? focusKeys.action(for: key)
    }

    /// The help overlay's rows: the focus's keys first, then the other part's, then the terms.
    public var help: [KeyHelp.Entry] {
        let (other, heading) = focus == .table ? (Self.comparisonKeys, "in the comparison (c):") : (Self.tableKeys, "in the table:")
        return focusKeys.help + Self.sharedKeys.help + [("", ""), ("", heading)] + other.help + [("", "")] + Self.terms
    }

    public var hints: [KeyHelp.Entry] { focusKeys.hints }

    /// Performs `action` in a table of `pageHeight` rows.
    public mutating func perform(_ action: Action, pageHeight: Int) {
        switch action {
        case .move(let delta): select(row: selected + delta)
        case .page(let pages): select(row: selected + pages * max(pageHeight, 1))
        case .top: select(row: 0)
        case .bottom: select(row: layers.count - 1)
        case .toggleFocus: focus = focus == .table ? .comparison : .table
        case .toggleSample: showsSample.toggle()
        case .setting(let delta):
            setting = Setting(rawValue: min(max(setting.rawValue + delta, 0), Setting.allCases.count - 1))!
        case .change(let delta): adjust(by: delta)
        }
    }

    /// Steps a setting: n and k by one, channels by doubling, the input by 8 pixels.
    private mutating func adjust(by step: Int) {
        switch setting {
        case .count: count = min(max(count + step, 1), 8)
        case .kernel: kernel = min(max(kernel + step, 1), 11)
        case .channels: channels = step > 0 ? min(channels * 2, 4096) : max(channels / 2, 1)
        case .size: size = min(max(size + 8 * step, 8), 512)
        }
    }
}
