/// The characters and styles the UI draws with: Unicode box drawing and 256 colours by default,
/// plain ASCII with `--ascii`, attributes only in a monochrome terminal.
public struct Theme: Sendable {
    public struct Glyphs: Sendable {
        public let horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Character
        public let teeLeft, teeRight, crossing, endLeft, endRight, endMiddle: Character
        /// Graph nodes: a layer with weights, one without, a merge, a collapsed block.
        public let weightNode, plainNode, addNode, multiplyNode, concatNode, blockNode: Character
        public let expanded, collapsed: Character
        public let barFull, barEmpty: Character
        public let ellipsis: Character
        /// Shades from light to dark, for receptive-field pictures (and heatmaps later).
        public let shades: [Character]
        /// Heatmap and image levels from dark (nothing) to bright, one character per pixel, for
        /// terminals where the half-block colour pictures are not available.
        public let heatmapRamp: [Character]
        /// `▀`: two pixels in one cell (foreground on top, background below); none in ASCII.
        public let upperHalfBlock: Character?

        public static let unicode = Glyphs(
            horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
            teeLeft: "├", teeRight: "┤", crossing: "┼", endLeft: "╰", endRight: "╯", endMiddle: "┴",
            weightNode: "●", plainNode: "○", addNode: "⊕", multiplyNode: "⊗", concatNode: "◇", blockNode: "◆",
            expanded: "▾", collapsed: "▸", barFull: "█", barEmpty: "░", ellipsis: "…",
            shades: [" ", "░", "▒", "▓", "█"],
            heatmapRamp: [" ", "░", "▒", "▓", "█"], upperHalfBlock: "▀")

        public static let ascii = Glyphs(
            horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
            teeLeft: "|", teeRight: "|", crossing: "+", endLeft: "\\", endRight: "/", endMiddle: "+",
            weightNode: "*", plainNode: "o", addNode: "+", multiplyNode: "x", concatNode: "=", blockNode: "#",
            expanded: "v", collapsed: ">", barFull: "#", barEmpty: ".", ellipsis: "~",
            shades: [" ", ".", ":", "=", "#"],
            heatmapRamp: Array(" .:-=+*#%@"), upperHalfBlock: nil)
    }

    public let glyphs: Glyphs
    public let colors: Bool

    public init(ascii: Bool = false, colors: Bool = true) {
        glyphs = ascii ? .ascii : .unicode
        self.colors = colors
    }

    private func color(_ fg: Color, _ bg: Color = .default, _ attributes: Attributes = []) -> Style {
        colors ? Style(fg, bg, attributes) : Style(.default, .default, attributes)
    }

    public var text: Style { .plain }
    public var dim: Style { colors ? Style(.index(245)) : Style(.default, .default, .dim) }
    public var title: Style { color(.index(75), .default, .bold) }
    public var border: Style { colors ? Style(.index(240)) : .plain }
    public var focusedBorder: Style { color(.index(75), .default, .bold) }
    public var selection: Style { colors ? Style(.default, .index(24), .bold) : Style(.default, .default, .reverse) }
    public var header: Style { color(.index(252), .index(236), .bold) }
    public var tabActive: Style { colors ? Style(.index(16), .index(75), .bold) : Style(.default, .default, [.reverse, .bold]) }
    public var tabInactive: Style { color(.index(250), .index(236)) }
    public var accent: Style { color(.index(214), .default, .bold) }
    public var good: Style { color(.index(114)) }
    public var bad: Style { color(.index(203), .default, .bold) }
    public var lanes: Style { color(.index(109)) }
    public var number: Style { color(.index(223)) }
    public var key: Style { color(.index(214), .default, .bold) }
    public var match: Style { color(.index(16), .index(214)) }

    /// Node colours by kind of op, so a glance tells convolutions from pooling and merges.
    public func node(_ kind: NodeKind) -> Style {
        guard colors else { return kind == .block ? Style(.default, .default, .bold) : .plain }
        switch kind {
        case .weights: return Style(.index(75), .default, .bold)
        case .pooling: return Style(.index(179))
        case .merge: return Style(.index(170), .default, .bold)
        case .activation: return Style(.index(114))
        case .normalization: return Style(.index(109))
        case .block: return Style(.index(214), .default, .bold)
        case .other: return Style(.index(250))
        }
    }

    public enum NodeKind: Sendable { case weights, pooling, merge, activation, normalization, block, other }
}
