import CNNModel

/// A box with a title on its top border; returns the inner area to draw in.
public struct Frame: Sendable {
    public var title: String
    public var focused: Bool

    public init(title: String, focused: Bool = false) {
        self.title = title
        self.focused = focused
    }

    @discardableResult
    public func render(area: Rect, into canvas: inout Canvas, theme: Theme) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let g = theme.glyphs
        let style = focused ? theme.focusedBorder : theme.border
        let horizontal = String(repeating: g.horizontal, count: area.width - 2)
        canvas.put(String(g.topLeft) + horizontal + String(g.topRight), x: area.x, y: area.y, style: style)
        canvas.put(String(g.bottomLeft) + horizontal + String(g.bottomRight), x: area.x, y: area.maxY - 1, style: style)
        for y in (area.y + 1)..<(area.maxY - 1) {
            canvas.put(String(g.vertical), x: area.x, y: y, style: style)
            canvas.put(String(g.vertical), x: area.maxX - 1, y: y, style: style)
        }
        if !title.isEmpty && area.width > 6 {
            let text = " " + truncate(title, to: area.width - 4) + " "
            canvas.put(text, x: area.x + 1, y: area.y, style: focused ? theme.title : theme.title)
        }
        return area.inset(by: 1)
    }
}
