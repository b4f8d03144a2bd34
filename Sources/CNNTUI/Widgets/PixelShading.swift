import CNNModel

/// How pixels become terminal cells. A cell is about twice as tall as it is wide, so both
/// modes give square pixels: half a cell's height, or two cells' width.
public enum PixelShading: Hashable, Sendable {
    /// `▀` with the top pixel's colour as foreground and the bottom pixel's as background: one
    /// column by two pixels per cell, so a 28x28 digit takes 28x14 cells. Needs colours.
    case halfBlock(Character)
    /// One character of `ramp` (dark to bright) per pixel, written twice side by side (two
    /// columns by one row); `colored` also gives it the pixel's colour as foreground.
    case characters(ramp: [Character], colored: Bool)

    /// Half blocks when the terminal has colours and Unicode; otherwise the theme's ramp
    /// (` .:-=+*#%@` with `--ascii`, ` ░▒▓█` in a monochrome Unicode terminal), coloured
    /// when colours are on.
    public init(theme: Theme) {
        if theme.colors, let half = theme.glyphs.upperHalfBlock {
            self = .halfBlock(half)
        } else {
            self = .characters(ramp: theme.glyphs.heatmapRamp, colored: theme.colors)
        }
    }

    /// Pixels that fit in `columns` x `rows` cells.
    public func pixelCapacity(columns: Int, rows: Int) -> Size2 {
        switch self {
        case .halfBlock: return Size2(max(rows, 0) * 2, max(columns, 0))
        case .characters: return Size2(max(rows, 0), max(columns, 0) / 2)
        }
    }

    /// Cells that a picture of `pixels` takes (an odd height in half blocks leaves the
    /// bottom half of the last row empty).
    public func cells(for pixels: Size2) -> (columns: Int, rows: Int) {
        switch self {
        case .halfBlock: return (pixels.w, (pixels.h + 1) / 2)
        case .characters: return (pixels.w * 2, pixels.h)
        }
    }

    /// The character shown for a missing (NaN) pixel in the character modes.
    static let missing: Character = "?"
}

/// What one shown pixel looks like: its colour (half blocks, coloured ramps) and its position
/// on the ramp, 0 (dark) ... 1 (bright), for the character modes; `nil` for a missing value.
struct PixelPaint: Hashable, Sendable {
    var color: Color
    var brightness: Double?
}

/// The index into a ramp of `count` levels for a position `t` in 0...1: equal-width bins, so
/// a gradient over ten values meets each of ten levels once.
public func rampIndex(_ t: Double, count: Int) -> Int {
    guard count > 0 else { return 0 }
    guard t.isFinite else { return t > 0 ? count - 1 : 0 }
    return min(count - 1, max(0, Int(t * Double(count))))
}

extension PixelShading {
    /// Draws a picture of `shown` pixels centred in `area`, asking `paint(row, column)` for each
    /// pixel; returns the cells drawn.
    func draw(shown: Size2, in area: Rect, into canvas: inout Canvas, paint: (Int, Int) -> PixelPaint) -> Rect {
        let (columns, rows) = cells(for: shown)
        let target = area.centered(width: columns, height: rows)
        guard !target.isEmpty else { return target }
        let bounds = canvas.area
        switch self {
        case .halfBlock(let half):
            for row in 0..<target.height {
                for column in 0..<target.width {
                    let x = target.x + column, y = target.y + row
                    guard x >= bounds.x, x < bounds.maxX, y >= bounds.y, y < bounds.maxY else { continue }
                    let top = paint(2 * row, column).color
                    let bottom = 2 * row + 1 < shown.h ? paint(2 * row + 1, column).color : .default
                    canvas[x, y] = Cell(half, Style(top, bottom))
                }
            }
        case .characters(let ramp, let colored):
            for row in 0..<target.height {
                for column in 0..<target.width / 2 {
                    let x = target.x + 2 * column, y = target.y + row
                    guard x >= bounds.x, x + 1 < bounds.maxX, y >= bounds.y, y < bounds.maxY else { continue }
                    let pixel = paint(row, column)
                    let character = pixel.brightness.map { ramp[rampIndex($0, count: ramp.count)] } ?? Self.missing
                    let cell = Cell(character, colored ? Style(pixel.color) : .plain)
                    canvas[x, y] = cell
                    canvas[x + 1, y] = cell
                }
            }
        }
        return target
    }
}
