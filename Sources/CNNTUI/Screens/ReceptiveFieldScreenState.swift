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
            case .count: return "Stacked convs n"
            case .kernel: return "Kernel k"
            case .channels: return "Channels C"
            case .size: return "Input size"
            }
        }
    }

    /// Layers in the table: every layer but the input.
    public let layers: [Int]
    public private(set) var selected = 0
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

    public mutating func select(layer: Int, pageHeight: Int) {
        if let index = layers.firstIndex(of: layer) { select(row: index, pageHeight: pageHeight) }
    }

    public mutating func select(row: Int, pageHeight: Int) {
        selected = min(max(row, 0), max(layers.count - 1, 0))
        let page = max(pageHeight, 1)
        if selected < top { top = selected }
        if selected >= top + page { top = selected - page + 1 }
        top = min(max(top, 0), max(layers.count - page, 0))
    }

    public mutating func handle(_ key: Key, pageHeight: Int) {
        if key == .character("i") {
            showsSample.toggle()
            return
        }
        if key == .character("c") || (focus == .comparison && key == .escape) {
            focus = focus == .table ? .comparison : .table
            return
        }
        switch focus {
        case .table:
            switch key {
            case .up, .character("k"): select(row: selected - 1, pageHeight: pageHeight)
            case .down, .character("j"): select(row: selected + 1, pageHeight: pageHeight)
            case .pageUp: select(row: selected - pageHeight, pageHeight: pageHeight)
            case .pageDown: select(row: selected + pageHeight, pageHeight: pageHeight)
            case .home, .character("g"): select(row: 0, pageHeight: pageHeight)
            case .end, .character("G"): select(row: layers.count - 1, pageHeight: pageHeight)
            default: break
            }
        case .comparison:
            switch key {
            case .up, .character("k"): setting = Setting(rawValue: max(0, setting.rawValue - 1))!
            case .down, .character("j"): setting = Setting(rawValue: min(Setting.allCases.count - 1, setting.rawValue + 1))!
            case .left, .character("h"), .character("-"): adjust(by: -1)
            case .right, .character("l"), .character("+"), .character("="): adjust(by: 1)
            default: break
            }
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
