import CNNModel

/// The value scale of a zoomed heatmap: a bar of the ramp across the area, and below it the
/// values at its ends (and `0` where it falls inside):
/// ```
/// ▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀
/// -2.10    0      2.10
/// ```
/// A signed scale's bar runs `-m ... +m`, so its ends are labelled with that, not the map's
/// min and max. Takes two rows; draws the bar alone in one.
public struct HeatmapLegend: Sendable {
    public var range: ValueRange
    public var scale: HeatmapScale

    public init(range: ValueRange, scale: HeatmapScale) {
        self.range = range
        self.scale = scale
    }

    /// The values at the bar's left and right ends.
    public var ends: (lower: Float, upper: Float) {
        scale == .signed ? (-range.magnitude, range.magnitude) : (range.lower, range.upper)
    }

    /// The bar's cell (0 ..< `width`) where zero falls, if it is strictly inside the scale.
    public func zeroColumn(width: Int) -> Int? {
        let (lower, upper) = ends
        guard lower < 0, upper > 0, width > 0 else { return nil }
        return min(width - 1, Int(Double(-lower) / Double(upper - lower) * Double(width)))
    }

    public func render(area: Rect, into canvas: inout Canvas, theme: Theme) {
        guard !area.isEmpty else { return }
        let shading = PixelShading(theme: theme)
        let (bar, labels) = area.splitTop(1)
        let (lower, upper) = ends
        let span = Double(upper) - Double(lower)
        // One picture as wide as the bar, each pixel the ramp at its centre.
        let capacity = shading.pixelCapacity(columns: bar.width, rows: 1)
        let shown = Size2(capacity.h, capacity.w)
        shading.draw(shown: shown, in: bar, into: &canvas) { _, column in
            let value = Float(Double(lower) + span * (Double(column) + 0.5) / Double(max(shown.w, 1)))
            let t = Heatmap.position(of: value, in: range, scale: scale)
            return PixelPaint(color: Heatmap.color(at: t, scale: scale), brightness: t)
        }
        guard !labels.isEmpty else { return }
        let y = labels.y
        canvas.fill(Rect(x: labels.x, y: y, width: labels.width, height: 1))
        let left = shortNumber(lower), right = shortNumber(upper)
        let leftEnd = canvas.put(left, x: labels.x, y: y, style: theme.number, clip: labels)
        let rightStart = labels.maxX - displayWidth(right)
        if rightStart > leftEnd { canvas.put(right, x: rightStart, y: y, style: theme.number, clip: labels) }
        if let zero = zeroColumn(width: bar.width).map({ bar.x + $0 }), zero > leftEnd, zero < rightStart - 1 {
            canvas.put("0", x: zero, y: y, style: theme.dim, clip: labels)
        }
    }
}
