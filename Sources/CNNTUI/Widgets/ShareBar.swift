import CNNModel

/// A horizontal bar for a fraction (a layer's share of the model's parameters), with the
/// percentage after it: `███░░░░░░░  31.2%`.
public struct ShareBar: Sendable {
    public var fraction: Double

    public init(fraction: Double) {
        self.fraction = fraction.isFinite ? min(max(fraction, 0), 1) : 0
    }

    /// Filled cells for a bar of `width` cells; any share above zero shows at least one cell.
    public static func filled(_ fraction: Double, width: Int) -> Int {
        guard width > 0, fraction > 0 else { return 0 }
        return min(width, max(1, Int((fraction * Double(width)).rounded())))
    }

    public func render(area: Rect, into canvas: inout Canvas, theme: Theme, style: Style) {
        let label = " " + pad(percent(fraction), to: 6, alignRight: true)
        let barWidth = max(0, area.width - label.count)
        let n = Self.filled(fraction, width: barWidth)
        var x = canvas.put(String(repeating: theme.glyphs.barFull, count: n), x: area.x, y: area.y, style: style, clip: area)
        x = canvas.put(String(repeating: theme.glyphs.barEmpty, count: barWidth - n), x: x, y: area.y, style: theme.dim, clip: area)
        canvas.put(label, x: x, y: area.y, style: theme.text, clip: area)
    }
}
