/// What the app needs from a terminal: its size, a way to draw changed cells, and keys.
/// `NCursesBackend` implements it for real terminals; tests use `TestBackend`.
public protocol TerminalBackend: AnyObject {
    /// Columns and rows.
    var size: (width: Int, height: Int) { get }
    /// Whether the terminal shows colours (false with `NO_COLOR` or a monochrome terminal).
    var hasColors: Bool { get }
    /// Draws these cells (already diffed against the previous frame) and shows the result.
    func draw(_ changes: [(x: Int, y: Int, cell: Cell)])
    /// Forgets what is on screen, so the next `draw` must repaint every cell (after a resize).
    func invalidate()
    /// Waits up to `timeoutMilliseconds` (forever when nil) for a key; nil on timeout.
    func readKey(timeoutMilliseconds: Int?) -> Key?
}

/// A terminal in memory: records what was drawn. Tests drive the app through it.
public final class TestBackend: TerminalBackend {
    public private(set) var screen: Canvas
    public var hasColors: Bool
    public private(set) var drawCalls: [[(x: Int, y: Int, cell: Cell)]] = []
    public var keys: [Key]

    public init(width: Int, height: Int, hasColors: Bool = true, keys: [Key] = []) {
        screen = Canvas(width: width, height: height)
        self.hasColors = hasColors
        self.keys = keys
    }

    public var size: (width: Int, height: Int) { (screen.width, screen.height) }

    public func resize(width: Int, height: Int) {
        screen = Canvas(width: width, height: height)
        keys.insert(.resize, at: 0)
    }

    public func draw(_ changes: [(x: Int, y: Int, cell: Cell)]) {
        drawCalls.append(changes)
        for change in changes where change.x < screen.width && change.y < screen.height {
            screen[change.x, change.y] = change.cell
        }
    }

    public func invalidate() {}

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        keys.isEmpty ? nil : keys.removeFirst()
    }
}
