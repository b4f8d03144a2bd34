import CNNModel

/// A stack's receptive field growing conv by conv, drawn as nested squares: the cells the first
/// conv sees darkest, each later conv's ring lighter. When the field has more pixels than the
/// area has rows (or cell columns), one cell stands for several pixels, so the whole field is
/// always shown, and the legend says how many.
struct FieldGrowth {
    /// The field after each conv: 3, 5, 7 for three 3x3.
    let growth: [Int]

    /// Pixels across the whole field.
    var field: Int { growth.last ?? 0 }

    /// Input pixels per cell when the picture is `cells` across.
    func scale(cells: Int) -> Double { cells > 0 ? Double(field) / Double(cells) : 0 }

    /// The conv (0-based) whose field first takes in the cell at (row, column) of a picture
    /// `cells` across, judged at the cell's centre in input pixels.
    func layer(row: Int, column: Int, cells: Int) -> Int {
        let scale = scale(cells: cells)
        let centre = Double(field - 1) / 2
        let y = (Double(row) + 0.5) * scale - 0.5, x = (Double(column) + 0.5) * scale - 0.5
        let distance = max(abs(y - centre), abs(x - centre))
        return growth.firstIndex { Double($0 - 1) / 2 >= distance - 1e-9 } ?? growth.count - 1
    }

    /// The shades from the first conv's (darkest) outwards.
    static func shades(_ theme: Theme) -> [Character] { Array(theme.glyphs.shades.reversed().dropLast()) }

    /// The legend beside the picture: each conv's shade and field, then the scale; several to a
    /// line when there are more of them than `rows`. A conv whose ring is thinner than a cell at
    /// this scale, and so not drawn, is listed without a shade.
    func legend(cells: Int, rows: Int, shades: [Character]) -> [String] {
        let drawn = Set((0..<cells).map { layer(row: cells / 2, column: $0, cells: cells) })
        var entries = growth.enumerated().map { i, size in
            let ch: Character = drawn.contains(i) ? shades[min(i, shades.count - 1)] : " "
            return "\(ch)\(ch) conv \(i + 1): \(size)x\(size)"
        }
        entries.append("1 cell = " + (cells == field ? "1" : formatFixed(scale(cells: cells), digits: 1)) + " px")
        let perLine = max(1, (entries.count + max(rows, 1) - 1) / max(rows, 1))
        return stride(from: 0, to: entries.count, by: perLine).map { entries[$0..<min($0 + perLine, entries.count)].joined(separator: "  ") }
    }

    /// The cells across of the picture that fits `area` beside its legend, and the legend.
    func fit(in area: Rect, shades: [Character]) -> (legend: [String], cells: Int) {
        var cells = min(field, area.height)
        var lines = legend(cells: cells, rows: area.height, shades: shades)
        // The scale's digits can widen the legend, and that take a cell: settle both.
        for _ in 0..<3 {
            let legendWidth = lines.map(displayWidth).max() ?? 0
            let next = max(0, min(field, area.height, (area.width - legendWidth - 2) / 2))
            if next == cells { break }
            cells = next
            lines = legend(cells: cells, rows: area.height, shades: shades)
        }
        return (lines, cells)
    }

    /// The picture, and its legend beside it.
    func render(area: Rect, into canvas: inout Canvas, theme: Theme) {
        guard field > 0, area.height > 0, area.width > 0 else { return }
        let shades = Self.shades(theme)
        let (legend, n) = fit(in: area, shades: shades)
        guard n > 0 else { return }
        for r in 0..<n {
            var line = ""
            for c in 0..<n {
                let ch = shades[min(layer(row: r, column: c, cells: n), shades.count - 1)]
                line.append(ch)
                line.append(ch)
            }
            canvas.put(line, x: area.x, y: area.y + r, style: theme.node(.weights), clip: area)
        }
        for (i, line) in legend.enumerated() {
            canvas.put(line, x: area.x + 2 * n + 2, y: area.y + i, style: theme.dim, clip: area)
        }
    }
}
