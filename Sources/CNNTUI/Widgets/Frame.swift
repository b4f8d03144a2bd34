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

/// `text` cut to `width` columns, ending in `…` when cut.
public func truncate(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
    guard width > 0 else { return "" }
    if displayWidth(text) <= width { return text }
    var out = ""
    var used = 0
    for ch in text {
        let w = displayWidth(of: ch)
        if used + w > width - 1 { break }
        out.append(ch)
        used += w
    }
    out.append(ellipsis)
    return out
}

/// `text` padded with spaces (or cut) to exactly `width` columns.
public func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
    let cut = truncate(text, to: width)
    let fill = String(repeating: " ", count: max(0, width - displayWidth(cut)))
    return alignRight ? fill + cut : cut + fill
}
