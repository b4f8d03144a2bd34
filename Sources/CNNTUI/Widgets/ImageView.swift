import CNNModel

/// An 8-bit picture (the sample fed to a model) drawn in the terminal.
///
/// Pixels are `height x width x channels`, rows top to bottom, channels interleaved, as
/// `CNNData.Image` stores them: 1 channel is grey, 3 are RGB; a 2nd or 4th channel (alpha)
/// is ignored. Fitting and centring are the heatmap's (`PixelFit`): enlarged by whole
/// factors, box-averaged down. With colours, half blocks in the nearest of the 256 colours;
/// without, the theme's ramp by luminance.
public struct ImageView: Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(
            width >= 0 && height >= 0 && (1...4).contains(channels) && pixels.count == width * height * channels,
            "\(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    public var size: Size2 { Size2(height, width) }

    /// The pixels of `rows` and `columns` (clamped to the picture).
    public func cropped(rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> ImageView {
        let top = min(max(rows.lowerBound, 0), height), left = min(max(columns.lowerBound, 0), width)
        let rows = top..<max(top, min(rows.upperBound + 1, height))
        let columns = left..<max(left, min(columns.upperBound + 1, width))
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * columns.count * channels)
        for r in rows { out += pixels[(r * width + columns.lowerBound) * channels..<(r * width + columns.upperBound) * channels] }
        return ImageView(width: columns.count, height: rows.count, channels: channels, pixels: out)
    }

    /// The colour shown at pixel (`row`, `column`) of the picture shown at `shown` pixels: the
    /// nearest source pixel when enlarged, the rounded mean of its box when shrunk.
    public func sample(row: Int, column: Int, shown: Size2) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let rows = PixelFit.span(row, shown: shown.h, source: height)
        let columns = PixelFit.span(column, shown: shown.w, source: width)
        let colour = channels >= 3 ? 3 : 1
        var sums = [0, 0, 0]
        for r in rows {
            for c in columns {
                let base = (r * width + c) * channels
                for k in 0..<colour { sums[k] += Int(pixels[base + k]) }
            }
        }
        let n = rows.count * columns.count
        let mean = sums.map { UInt8(($0 + n / 2) / max(n, 1)) }
        return colour == 3 ? (mean[0], mean[1], mean[2]) : (mean[0], mean[0], mean[0])
    }

    /// Brightness 0...1 of an RGB colour (Rec. 601 luma, as the grey conversions of PIL and
    /// OpenCV): what the character ramps show.
    public static func brightness(red: UInt8, green: UInt8, blue: UInt8) -> Double {
        (0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)) / 255
    }

    /// Draws the picture fitted and centred in `area`, as `theme` allows; returns the cells drawn.
    @discardableResult
    public func render(area: Rect, into canvas: inout Canvas, theme: Theme) -> Rect {
        render(area: area, into: &canvas, shading: PixelShading(theme: theme))
    }

    /// Draws the picture fitted and centred in `area` with an explicit shading; returns the cells drawn.
    @discardableResult
    public func render(area: Rect, into canvas: inout Canvas, shading: PixelShading) -> Rect {
        let capacity = shading.pixelCapacity(columns: area.width, rows: area.height)
        let shown = PixelFit.shownSize(source: size, capacity: capacity)
        guard shown.h > 0, shown.w > 0 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        return shading.draw(shown: shown, in: area, into: &canvas) { row, column in
            let (r, g, b) = sample(row: row, column: column, shown: shown)
            return PixelPaint(
                color: Palette.nearest(red: r, green: g, blue: b),
                brightness: Self.brightness(red: r, green: g, blue: b))
        }
    }
}
