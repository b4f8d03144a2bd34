/// A terminal colour: the terminal's default, or one of the 256 indexed colours
/// (0-15 are the ANSI colours, 16-231 a 6x6x6 cube, 232-255 a grey ramp).
public enum Color: Hashable, Sendable {
    case `default`
    case index(UInt8)

    public static let black = Color.index(0)
    public static let red = Color.index(1)
    public static let green = Color.index(2)
    public static let yellow = Color.index(3)
    public static let blue = Color.index(4)
    public static let magenta = Color.index(5)
    public static let cyan = Color.index(6)
    public static let white = Color.index(7)
    public static let brightBlack = Color.index(8)
    public static let brightWhite = Color.index(15)

    /// A colour of the 6x6x6 cube, each component 0...5.
    public static func cube(_ r: Int, _ g: Int, _ b: Int) -> Color {
        let (r, g, b): (Int, Int, Int) = (min(max(r, 0), 5), min(max(g, 0), 5), min(max(b, 0), 5))
        let value: Int = 16 + 36 * r + 6 * g + b
        return .index(UInt8(value))
    }

    /// A grey of the ramp, 0 (near black) ... 23 (near white).
    public static func grey(_ level: Int) -> Color {
        .index(UInt8(232 + min(max(level, 0), 23)))
    }
}

/// Text attributes.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let reverse = Attributes(rawValue: 1 << 2)
    public static let underline = Attributes(rawValue: 1 << 3)
}

/// How a cell is drawn.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(_ foreground: Color = .default, _ background: Color = .default, _ attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func with(_ extra: Attributes) -> Style {
        var s = self
        s.attributes.formUnion(extra)
        return s
    }
}
