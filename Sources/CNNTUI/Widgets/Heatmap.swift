import CNNModel

/// How a heatmap's values map onto its shades.
public enum HeatmapScale: Hashable, Sendable {
    /// `lower ... upper` from dark to bright, for activations (after ReLU most are >= 0).
    case linear
    /// Symmetric around zero, `-m ... +m` with `m` the range's largest magnitude: negative
    /// values blue, zero white (neutral), positive red; for kernels and pre-activation maps,
    /// where the sign is the point. Without colours the ramp runs `-m ... +m` dark to bright,
    /// zero in its middle.
    case signed
}

/// A 2-D map of floats (one channel of a feature map, or one kernel) drawn as shades.
///
/// The map is fitted to the area as `PixelFit` says (enlarged by an integer factor, or
/// box-averaged down) and centred in it; the shading follows the theme (`PixelShading`).
/// A constant map shows as one uniform level: the darkest on a linear scale, the neutral
/// middle (or an end, for a constant non-zero value) on a signed one. NaN pixels show in
/// `missingColor` (or `?`); +inf and -inf clamp to the ends of the ramp.
public struct Heatmap: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major, `width * height` values.
    public let values: [Float]
    /// The values the ramp spans; by default the map's own finite extent. A screen showing a
    /// layer on one scale passes the layer's range instead.
    public var range: ValueRange
    public var scale: HeatmapScale

    public init(values: [Float], width: Int, height: Int, range: ValueRange? = nil, scale: HeatmapScale = .linear) {
        precondition(
            width >= 0 && height >= 0 && values.count == width * height,
            "\(values.count) values for a \(width)x\(height) map")
        self.width = width
        self.height = height
        self.values = values
        self.range = range ?? ValueRange(of: values)
        self.scale = scale
    }

    /// A copy of `values` (row-major), so the map outlives the engine's buffer.
    public init(
        _ values: UnsafeBufferPointer<Float>, width: Int, height: Int, range: ValueRange? = nil,
        scale: HeatmapScale = .linear
    ) {
        self.init(values: Array(values), width: width, height: height, range: range, scale: scale)
    }

    /// Channel `channel` of a `[1, C, height, width]` tensor (it starts at `channel * height * width`).
    public init(
        channel: Int, of tensor: UnsafeBufferPointer<Float>, width: Int, height: Int,
        range: ValueRange? = nil, scale: HeatmapScale = .linear
    ) {
        let count = width * height
        precondition(channel >= 0 && (channel + 1) * count <= tensor.count, "channel \(channel) beyond the tensor")
        let slice = UnsafeBufferPointer(rebasing: tensor[(channel * count)..<((channel + 1) * count)])
        self.init(slice, width: width, height: height, range: range, scale: scale)
    }

    public var size: Size2 { Size2(height, width) }

    // MARK: - The maths

    /// Where `value` sits on the ramp, 0 (dark / most negative) ... 1 (bright / most positive);
    /// `nil` for NaN.
    public static func position(of value: Float, in range: ValueRange, scale: HeatmapScale) -> Double? {
        guard !value.isNaN else { return nil }
        let v = Double(value)
        switch scale {
        case .linear:
            let lower = Double(range.lower), upper = Double(range.upper)
            guard upper > lower else { return v > upper ? 1 : 0 }
            return min(max((v - lower) / (upper - lower), 0), 1)
        case .signed:
            let m = Double(range.magnitude)
            guard m > 0 else { return v > 0 ? 1 : (v < 0 ? 0 : 0.5) }
            return min(max(0.5 + 0.5 * v / m, 0), 1)
        }
    }

    /// The level (0 ..< `levels`) of `value` on a ramp of `levels` steps; `nil` for NaN.
    public static func level(of value: Float, in range: ValueRange, scale: HeatmapScale, levels: Int) -> Int? {
        position(of: value, in: range, scale: scale).map { rampIndex($0, count: levels) }
    }

    /// The value shown at pixel (`row`, `column`) of the map shown at `shown` pixels: the
    /// nearest source value when enlarged, the mean of the finite values in its box when
    /// shrunk (the box's first value, NaN or infinite, when none is finite).
    public func sample(row: Int, column: Int, shown: Size2) -> Float {
        let rows = PixelFit.span(row, shown: shown.h, source: height)
        let columns = PixelFit.span(column, shown: shown.w, source: width)
        if rows.count == 1 && columns.count == 1 { return values[rows.lowerBound * width + columns.lowerBound] }
        var sum = 0.0, count = 0
        for r in rows {
            for c in columns where values[r * width + c].isFinite {
                sum += Double(values[r * width + c])
                count += 1
            }
        }
        return count > 0 ? Float(sum / Double(count)) : values[rows.lowerBound * width + columns.lowerBound]
    }

    // MARK: - Colours

    /// The 256-colour grey ramp, black to white: 16, 232 ... 255, 231 (26 steps).
    public static let greyRamp: [Color] = [.index(16)] + (0..<24).map { Color.grey($0) } + [.index(231)]

    /// Blue, white, red through the 6x6x6 cube (11 steps); the middle one, white (231), is zero.
    public static let divergingRamp: [Color] =
        (0..<5).map { Color.cube($0, $0, 5) } + [Color.cube(5, 5, 5)] + (0..<5).reversed().map { Color.cube(5, $0, $0) }

    /// Magenta, in neither ramp: a NaN pixel.
    public static let missingColor = Color.cube(5, 0, 5)

    /// The colour for ramp position `t` (`nil`: missing) on `scale`.
    public static func color(at t: Double?, scale: HeatmapScale) -> Color {
        guard let t else { return missingColor }
        let ramp = scale == .linear ? greyRamp : divergingRamp
        return ramp[rampIndex(t, count: ramp.count)]
    }

    // MARK: - Drawing

    /// Draws the map fitted and centred in `area`, shaded as `theme` allows; returns the cells drawn.
    @discardableResult
    public func render(area: Rect, into canvas: inout Canvas, theme: Theme) -> Rect {
        render(area: area, into: &canvas, shading: PixelShading(theme: theme))
    }

    /// Draws the map fitted and centred in `area` with an explicit shading; returns the cells drawn.
    @discardableResult
    public func render(area: Rect, into canvas: inout Canvas, shading: PixelShading) -> Rect {
        let capacity = shading.pixelCapacity(columns: area.width, rows: area.height)
        let shown = PixelFit.shownSize(source: size, capacity: capacity)
        guard shown.h > 0, shown.w > 0 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        return shading.draw(shown: shown, in: area, into: &canvas) { row, column in
            let t = Self.position(of: sample(row: row, column: column, shown: shown), in: range, scale: scale)
            return PixelPaint(color: Self.color(at: t, scale: scale), brightness: t)
        }
    }
}
