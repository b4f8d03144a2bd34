import CNNData
import CNNModel
import CNNReport

/// Screen 2: the per-layer receptive-field table; the selected layer's field drawn on the input
/// grid; the stacked-kernel comparison with its field growing layer by layer.
public enum ReceptiveFieldScreen {
    /// Where the table, the field's picture and the kernel comparison go in the body of the
    /// frame: the one geometry that drawing and paging share. A short terminal has room for one
    /// panel on the right: the picture, or the comparison while it has the focus.
    struct Layout {
        let table: Rect
        /// Empty when the comparison takes the whole right column.
        let picture: Rect
        /// Empty when there is no room for it beside the picture and it has no focus.
        let comparison: Rect
        /// Layer rows shown (inside the frame, below the column titles).
        var tableRows: Int { max(table.height - 3, 1) }

        /// The right column's height from which the picture and the comparison are both shown.
        static let bothPanelsMinimum = 34
        /// The comparison's rows when both are shown: with the focus, its table, a verdict of two
        /// lines and a picture of 9 rows (four 3x3 convs, one cell per pixel); without, 4 rows less
        /// for the picture of the field on the input.
        static func comparisonHeight(comparing: Bool) -> Int { comparing ? 23 : 19 }

        init(body: Rect, comparing: Bool) {
            let (left, right) = body.splitLeft(min(max(body.width / 2, 56), body.width - 36))
            table = left
            let none = Rect(x: right.x, y: right.maxY, width: right.width, height: 0)
            if right.height >= Self.bothPanelsMinimum {
                (picture, comparison) = right.splitBottom(Self.comparisonHeight(comparing: comparing))
            } else {
                (picture, comparison) = comparing ? (none, right) : (right, none)
            }
        }
    }

    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let rf = state.receptiveField
        let layout = Layout(body: area, comparing: rf.focus == .comparison)
        let table = Frame(title: "Receptive fields: \(state.model.title)", focused: rf.focus == .table)
            .render(area: layout.table, into: &canvas, theme: theme)
        renderTable(state, area: table, into: &canvas)
        if !layout.picture.isEmpty {
            // The longest title that fits the frame.
            let titles: [String]
            if let sample = state.featureMaps.sample {
                titles =
                    rf.showsSample
                    ? ["Field on \(sample.name) (i: grid)", "Field on the image (i: grid)"]
                    : ["Field on the input (i: on the image)", "Field on the input (i: image)"]
            } else {
                titles = ["Field on the input"]
            }
            let pictureTitle = titles.first { displayWidth($0) <= layout.picture.width - 4 } ?? titles[titles.count - 1]
            let picture = Frame(title: pictureTitle).render(area: layout.picture, into: &canvas, theme: theme)
            renderPicture(state, area: picture, into: &canvas)
        }
        if !layout.comparison.isEmpty {
            let compare = Frame(title: "Stacked vs one large kernel", focused: rf.focus == .comparison)
                .render(area: layout.comparison, into: &canvas, theme: theme)
            renderComparison(state, area: compare, into: &canvas)
        }
    }

    static func renderTable(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let analysis = state.analysis
        let rf = state.receptiveField
        // Number columns as wide as their widest entry (and heading), the names get the rest.
        func widest(_ text: (LayerAnalysis) -> String, _ heading: String) -> Int {
            rf.layers.reduce(displayWidth(heading)) { max($0, displayWidth(text(analysis.layers[$1]))) }
        }
        let shapeWidth = widest({ Display.shape($0.outputShape) }, "Output") + 1
        let sizeWidth = widest({ Display.receptiveField($0.receptiveField) }, "RF") + 2
        let jumpWidth = widest({ Display.jump($0.receptiveField) }, "Jump") + 1
        let nameWidth = max(area.width - shapeWidth - sizeWidth - jumpWidth, 8)
        let heading =
            pad("Layer", to: nameWidth) + pad("Output", to: shapeWidth) + pad("RF", to: sizeWidth - 1, alignRight: true) + " "
            + pad("Jump", to: jumpWidth, alignRight: true)
        canvas.put(heading, x: area.x, y: area.y, style: theme.dim.with(.bold), clip: area)
        // Clamped here too, so a resize never shows the selection off screen before the next key.
        let top = ReceptiveFieldScreenState.top(keeping: rf.selected, from: rf.top, pageHeight: area.height - 1, rows: rf.layers.count)
        for i in 0..<(area.height - 1) {
            let index = top + i
            guard index < rf.layers.count else { break }
            let id = rf.layers[index]
            let layer = analysis.graph.layers[id]
            let a = analysis.layers[id]
            let y = area.y + 1 + i
            let text =
                pad(layer.name, to: nameWidth) + pad(Display.shape(a.outputShape), to: shapeWidth)
                + pad(Display.receptiveField(a.receptiveField), to: sizeWidth - 1, alignRight: true) + " "
                + pad(Display.jump(a.receptiveField), to: jumpWidth, alignRight: true)
            canvas.put(text, x: area.x, y: y, style: layer.op.isWeightLayer ? theme.text : theme.dim, clip: area)
            if index == rf.selected {
                canvas.restyle(Rect(x: area.x, y: y, width: area.width, height: 1)) { _ in theme.selection }
            }
        }
    }

    /// The input scaled into the area; the field of the centre unit of the selected layer shaded
    /// (darker where every path reaches), its centre marked.
    static func renderPicture(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        guard let id = state.receptiveField.selectedLayer, area.height >= 4, area.width >= 10 else { return }
        let analysis = state.analysis
        let a = analysis.layers[id]
        let field = a.receptiveField
        let input = analysis.input
        let out = a.outputShape
        // The centre unit of the output map, and the input pixels its field covers.
        let unitH = (out.height - 1) / 2, unitW = (out.width - 1) / 2
        let (centreH, centreW) = field.centre(ofUnit: unitH, unitW)
        let outer = PixelBox(centreH: centreH, centreW: centreW, size: field.size)
        let inner = PixelBox(centreH: centreH, centreW: centreW, size: field.minSize)

        let layer = analysis.graph.layers[id]
        func caption(scale: String) -> [String] {
            [
                wrap("\(layer.name): unit (\(unitH),\(unitW)) of \(out.height)x\(out.width)", width: area.width),
                wrap(
                    "sees \(field.size.h)x\(field.size.w) of the \(input.height)x\(input.width) input"
                        + (field.isMultiPath ? " (\(field.minSize.h)x\(field.minSize.w) on every path)" : "")
                        + (field.isGlobal ? ", global" : ""), width: area.width),
                jumpAndScale("jump \(Display.jump(field)) px between units;", "1 cell = \(scale) px", width: area.width),
            ].flatMap { $0 }
        }
        // Room for the caption with the widest scale there can be (the input's whole side per cell).
        let captionLines = caption(scale: formatFixed(Double(max(input.height, input.width)), digits: 1)).count
        let gridHeight = area.height - captionLines
        // Two columns per cell keep cells roughly square, and one scale for both directions keeps
        // a square field square: a cell covers `scale` x `scale` input pixels.
        let maxCellsW = (area.width - 2) / 2
        guard gridHeight > 0, maxCellsW > 0 else { return }
        let scale = max(1, Double(input.height) / Double(gridHeight), Double(input.width) / Double(maxCellsW))
        let cellsH = min(gridHeight, Int((Double(input.height) / scale).rounded(.up)))
        let cellsW = min(maxCellsW, Int((Double(input.width) / scale).rounded(.up)))
        let left = area.x + max(0, (area.width - 2 * cellsW) / 2)
        let shades = theme.glyphs.shades
        let sample = state.receptiveField.showsSample ? state.featureMaps.sample?.image : nil
        // The centre unit is marked in the first cell that contains it.
        var centreMarked = false
        for r in 0..<cellsH {
            let y0 = Double(r) * scale, y1 = Double(r + 1) * scale - 1
            for c in 0..<cellsW {
                let x0 = Double(c) * scale, x1 = Double(c + 1) * scale - 1
                let cell = PixelBox(top: y0 - 0.5, bottom: y1 + 0.5, left: x0 - 0.5, right: x1 + 0.5)
                let isCentre = !centreMarked && cell.contains(centreH, centreW)
                let text: String
                let style: Style
                if isCentre {
                    centreMarked = true
                    text = String(theme.glyphs.weightNode) + " "
                    style = theme.accent
                } else if let sample {
                    let (red, green, blue) = pixel(of: sample, inputRow: (y0 + y1) / 2, column: (x0 + x1) / 2, input: input)
                    let inside = cell.overlaps(outer)
                    let level = ImageView.brightness(red: red, green: green, blue: blue)
                    // Inside the field the image (by brightness, in its colour where there are colours);
                    // outside, the plain grid.
                    let ramp = theme.glyphs.heatmapRamp
                    let glyph = ramp[min(ramp.count - 1, Int(level * Double(ramp.count)))]
                    text = inside ? String(repeating: glyph, count: 2) : String(repeating: shades[1], count: 2)
                    style = inside ? (theme.colors ? Style(Palette.nearest(red: red, green: green, blue: blue), .index(236), .bold) : theme.text) : theme.dim
                } else if cell.overlaps(inner) {
                    text = String(repeating: shades[4], count: 2)
                    style = theme.node(.weights)
                } else if cell.overlaps(outer) {
                    text = String(repeating: shades[2], count: 2)
                    style = theme.node(.weights)
                } else {
                    text = String(repeating: shades[1], count: 2)
                    style = theme.dim
                }
                canvas.put(text, x: left + 2 * c, y: area.y + r, style: style, clip: area)
            }
        }
        let title = wrap("\(layer.name): unit (\(unitH),\(unitW)) of \(out.height)x\(out.width)", width: area.width).count
        for (i, text) in caption(scale: formatFixed(scale, digits: 1)).enumerated() {
            canvas.put(text, x: area.x, y: area.y + gridHeight + i, style: i < title ? theme.title : theme.dim, clip: area)
        }
    }

    /// One line for both when they fit, else each wrapped on its own lines.
    private static func jumpAndScale(_ jump: String, _ scale: String, width: Int) -> [String] {
        displayWidth(jump + " " + scale) <= width ? [jump + " " + scale] : wrap(jump, width: width) + wrap(scale, width: width)
    }

    /// The sample's pixel that lands on input pixel (row, column) once fitted to the input
    /// (centred or resized, as the engine feeds it), as RGB.
    static func pixel(of image: Image, inputRow: Double, column: Double, input: TensorShape) -> (UInt8, UInt8, UInt8) {
        guard
            let (x, y) = ImageFitting.sourcePixel(
                x: column, y: inputRow, width: image.width, height: image.height,
                inputWidth: input.width, inputHeight: input.height)
        else { return (0, 0, 0) }
        if image.channels >= 3 { return (image[x, y, 0], image[x, y, 1], image[x, y, 2]) }
        let v = image[x, y, 0]
        return (v, v, v)
    }

    /// The settings and both sides' numbers as one table (the stack's column holds the settings),
    /// the verdict, and the stack's field growing conv by conv.
    static func renderComparison(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let rf = state.receptiveField
        guard let c = rf.comparison else { return }
        let labelWidth = 12
        let columnWidth = min(14, (area.width - labelWidth) / 2)
        func number(_ n: Int) -> String { displayWidth(n.grouped) <= columnWidth - 3 ? n.grouped : n.abbreviated }
        func square(_ n: Int) -> String { "\(n)x\(n)" }
        let size = square(c.size.h)
        var rows: [(label: String, stack: String, single: String, setting: ReceptiveFieldScreenState.Setting?)] = [
            ("", "Stack", "One conv", nil),
            (ReceptiveFieldScreenState.Setting.count.label, String(c.stack.count), String(c.single.count), .count),
            (ReceptiveFieldScreenState.Setting.kernel.label, square(c.stack.kernel), square(c.single.kernel), .kernel),
            (ReceptiveFieldScreenState.Setting.channels.label, String(c.channels), String(c.channels), .channels),
            (ReceptiveFieldScreenState.Setting.size.label, size, size, .size),
        ]
        rows += [
            ("RF", square(c.stack.receptiveField), square(c.single.receptiveField), nil),
            ("Params", number(c.stack.params), number(c.single.params), nil),
            ("Mult-adds", c.stack.macs.abbreviated, c.single.macs.abbreviated, nil),
            ("ReLU", String(c.stack.nonLinearities), String(c.single.nonLinearities), nil),
        ]
        var y = area.y
        for (i, row) in rows.enumerated() where y < area.maxY {
            let heading = i == 0
            let focused = rf.focus == .comparison && row.setting != nil && row.setting == rf.setting
            canvas.put(pad(row.label, to: labelWidth), x: area.x, y: y, style: theme.dim, clip: area)
            let stack = focused ? "◂ \(row.stack) ▸" : "  \(row.stack)"
            canvas.put(stack, x: area.x + labelWidth, y: y, style: focused ? theme.selection : (heading ? theme.dim.with(.bold) : theme.good), clip: area)
            canvas.put("  " + row.single, x: area.x + labelWidth + columnWidth, y: y, style: heading ? theme.dim.with(.bold) : theme.text, clip: area)
            y += 1
        }
        for line in wrap(verdict(c), width: area.width) where y < area.maxY {
            canvas.put(line, x: area.x, y: y, style: theme.accent, clip: area)
            y += 1
        }
        y += 1
        guard y < area.maxY else { return }
        FieldGrowth(growth: c.stack.growth).render(
            area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y),
            into: &canvas, theme: theme)
    }

    /// What the comparison shows, in one sentence.
    static func verdict(_ c: KernelStackComparison) -> String {
        guard c.stack.count > 1 else { return "One conv is the large kernel itself: raise n to stack." }
        let saved = c.single.params > 0 ? 100 - Double(c.stack.params) * 100 / Double(c.single.params) : 0
        let more = c.stack.nonLinearities - c.single.nonLinearities
        return "Same \(c.stack.receptiveField)x\(c.stack.receptiveField) field: \(formatFixed(abs(saved), digits: 1))% "
            + (saved >= 0 ? "fewer" : "more") + " params, \(more) more non-linearit" + (more == 1 ? "y" : "ies") + "."
    }
}

/// A rectangle of input pixel coordinates (inclusive, pixel centres at integers).
struct PixelBox {
    var top: Double, bottom: Double, left: Double, right: Double

    init(top: Double, bottom: Double, left: Double, right: Double) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// The pixels a field of `size` centred on (centreH, centreW) covers.
    init(centreH: Double, centreW: Double, size: Size2) {
        let halfH = Double(size.h - 1) / 2
        let halfW = Double(size.w - 1) / 2
        self.init(top: centreH - halfH, bottom: centreH + halfH, left: centreW - halfW, right: centreW + halfW)
    }

    func overlaps(_ other: PixelBox) -> Bool {
        let rows: Bool = other.top <= bottom && other.bottom >= top
        let columns: Bool = other.left <= right && other.right >= left
        return rows && columns
    }

    func contains(_ h: Double, _ w: Double) -> Bool {
        let rows: Bool = h >= top && h <= bottom
        let columns: Bool = w >= left && w <= right
        return rows && columns
    }
}
