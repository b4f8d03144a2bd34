/// Where the frame's parts go for a terminal of a given size: the tab line, the screen's body,
/// the two footer lines. Computed in one place from the size alone, and read both by drawing and
/// by the key handlers (a page is as many rows as the screen's own layout shows), so the two
/// never disagree about the geometry.
public struct AppLayout: Hashable, Sendable {
    public let size: (width: Int, height: Int)
    /// The top line: program name, tabs, the open model.
    public let tabs: Rect
    /// What the current screen draws in.
    public let body: Rect
    /// The totals line and the hint (or status, or prompt) line.
    public let footer: Rect

    public init(width: Int, height: Int) {
        size = (width, height)
        let (top, rest) = Rect(x: 0, y: 0, width: width, height: height).splitTop(1)
        let split = rest.splitBottom(2)
        (tabs, body, footer) = (top, split.rest, split.bottom)
    }

    public static func == (a: AppLayout, b: AppLayout) -> Bool { a.size == b.size }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(size.width)
        hasher.combine(size.height)
    }
}
