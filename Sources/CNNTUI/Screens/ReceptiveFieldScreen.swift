import CNNData
import CNNModel
import CNNReport

/// Screen 2: the per-layer receptive-field table; the selected layer's field drawn on the input
/// grid; the stacked-kernel comparison with its field growing layer by layer.
public enum ReceptiveFieldScreen {
    public static func render(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let rf = state.receptiveField
        let tableWidth = min(max(area.width / 2, 56), area.width - 36)
        let (left, right) = area.splitLeft(tableWidth)
        let table = Frame(title: "Receptive fields: \(state.model.title)", focused: rf.focus == .table)
            .render(area: left, into: &canvas, theme: theme)
        renderTable(state, area: table, into: &canvas)
        let (pictureArea, compareArea) = right.splitTop(max(right.height / 2, 10))
        let onSample = rf.showsSample && state.featureMaps.sample != nil
        let pictureTitle = onSample ? "Field on \(state.featureMaps.sample!.name) (i: grid)" : "Field on the input" + (state.featureMaps.sample != nil ? " (i: on the image)" : "")
        let picture = Frame(title: pictureTitle).render(area: pictureArea, into: &canvas, theme: theme)
        renderPicture(state, area: picture, into: &canvas)
        let compare = Frame(title: "Stacked kernels vs one large kernel", focused: rf.focus == .comparison)
            .render(area: compareArea, into: &canvas, theme: theme)
        renderComparison(state, area: compare, into: &canvas)
    }

    static func renderTable(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let analysis = state.analysis
        let rf = state.receptiveField
        let shapeWidth = 12, sizeWidth = 12, jumpWidth = 5
        let nameWidth = max(area.width - shapeWidth - sizeWidth - jumpWidth, 8)
        let heading = pad("Layer", to: nameWidth) + pad("Output", to: shapeWidth) + pad("RF", to: sizeWidth - 1, alignRight: true) + " " + pad("Jump", to: jumpWidth, alignRight: true)
        canvas.put(heading, x: area.x, y: area.y, style: theme.dim.with(.bold), clip: area)
        for i in 0..<(area.height - 1) {
            let index = rf.top + i
            guard index < rf.layers.count else { break }
            let id = rf.layers[index]
            let layer = analysis.graph.layers[id]
            let a = analysis.layers[id]
            let y = area.y + 1 + i
            let text = pad(layer.name, to: nameWidth) + pad(Display.shape(a.outputShape), to: shapeWidth)
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
        let centreH = field.startH + Double(unitH * field.jump.h)
        let centreW = field.startW + Double(unitW * field.jump.w)
        let outer = PixelBox(centreH: centreH, centreW: centreW, size: field.size)
        let inner = PixelBox(centreH: centreH, centreW: centreW, size: field.minSize)

        let captionLines = 3
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
        let layer = analysis.graph.layers[id]
        let caption = [
            "\(layer.name): unit (\(unitH),\(unitW)) of \(out.height)x\(out.width)",
            "sees \(field.size.h)x\(field.size.w) of the \(input.height)x\(input.width) input"
                + (field.isMultiPath ? " (\(field.minSize.h)x\(field.minSize.w) on every path)" : "")
                + (field.isGlobal ? ", global" : ""),
            "jump \(Display.jump(field)) px between units; 1 cell = \(formatFixed(scale, digits: 1)) px",
        ]
        for (i, text) in caption.enumerated() {
            canvas.put(truncate(text, to: area.width), x: area.x, y: area.y + gridHeight + i, style: i == 0 ? theme.title : theme.dim, clip: area)
        }
    }

    /// The sample's pixel that lands on input pixel (row, column) once fitted to the input
    /// (centred or resized, as the engine feeds it), as RGB.
    static func pixel(of image: Image, inputRow: Double, column: Double, input: TensorShape) -> (UInt8, UInt8, UInt8) {
        let placement = ImageFitting.placement(width: image.width, height: image.height, inputWidth: input.width, inputHeight: input.height)
        let y: Int, x: Int
        switch placement {
        case .centered(let top, let left):
            y = Int(inputRow.rounded()) - top
            x = Int(column.rounded()) - left
            guard y >= 0, y < image.height, x >= 0, x < image.width else { return (0, 0, 0) }
        case .resized:
            y = min(image.height - 1, max(0, Int((inputRow + 0.5) * Double(image.height) / Double(input.height))))
            x = min(image.width - 1, max(0, Int((column + 0.5) * Double(image.width) / Double(input.width))))
        }
        if image.channels >= 3 { return (image[x, y, 0], image[x, y, 1], image[x, y, 2]) }
        let v = image[x, y, 0]
        return (v, v, v)
    }

    static func renderComparison(_ state: AppState, area: Rect, into canvas: inout Canvas) {
        let theme = state.theme
        let rf = state.receptiveField
        var y = area.y
        for setting in ReceptiveFieldScreenState.Setting.allCases where y < area.maxY {
            let value: String
            switch setting {
            case .count: value = String(rf.count)
            case .kernel: value = "\(rf.kernel)x\(rf.kernel)"
            case .channels: value = String(rf.channels)
            case .size: value = "\(rf.size)x\(rf.size)"
            }
            let focused = rf.focus == .comparison && rf.setting == setting
            canvas.put(pad(setting.label, to: 17), x: area.x, y: y, style: theme.dim, clip: area)
            canvas.put(focused ? "◂ \(value) ▸" : "  \(value)", x: area.x + 17, y: y, style: focused ? theme.selection : theme.text, clip: area)
            y += 1
        }
        guard let c = rf.comparison else { return }
        y += 1
        for side in [c.stack, c.single] where y < area.maxY {
            let title = "\(side.count) x \(side.kernel)x\(side.kernel)"
            let text = pad(title, to: 11) + pad("RF \(side.receptiveField)", to: 8) + pad("\(side.params.grouped) params", to: 18)
                + "\(side.macs.abbreviated) MACs  \(side.nonLinearities) ReLU"
            canvas.put(text, x: area.x, y: y, style: side.count > 1 ? theme.good : theme.text, clip: area)
            y += 1
        }
        if y < area.maxY, c.single.params > 0 {
            let saved = 100 - Double(c.stack.params) * 100 / Double(c.single.params)
            canvas.put(truncate("Stack: same field, \(formatFixed(saved, digits: 1))% fewer params, \(c.stack.nonLinearities - 1) more non-linearities", to: area.width),
                       x: area.x, y: y, style: theme.accent, clip: area)
            y += 1
        }
        // The field growing layer by layer: layer i shades the cells it adds.
        let field = c.stack.receptiveField
        let rows = min(field, area.maxY - y - 1)
        guard rows > 0, field <= 23 else { return }
        y += 1
        let shades: [Character] = Array(theme.glyphs.shades.reversed().dropLast())
        let legendX = area.x + 2 * field + 3
        for r in 0..<rows {
            var line = ""
            for col in 0..<field {
                let distance = max(abs(r - field / 2), abs(col - field / 2))
                let layer = c.stack.growth.firstIndex { $0 / 2 >= distance } ?? (c.stack.growth.count - 1)
                let ch = shades[min(layer, shades.count - 1)]
                line.append(ch); line.append(ch)
            }
            canvas.put(line, x: area.x, y: y + r, style: theme.node(.weights), clip: area)
            if r < c.stack.growth.count {
                let ch = shades[min(r, shades.count - 1)]
                canvas.put("\(ch)\(ch) after conv \(r + 1): \(c.stack.growth[r])x\(c.stack.growth[r])", x: legendX, y: y + r, style: theme.dim, clip: area)
            }
        }
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
