import CNNModel
import CNNReport
import CNNRuntime

/// `?`: every key of the current screen and the global ones.
public enum HelpOverlay {
    /// The rows: the screen's keys, what the graph's symbols mean (on the graph screen), the
    /// keys every screen shares.
    static func entries(_ state: AppState) -> [KeyHelp.Entry] {
        var entries = KeyHelp.keys(for: state)
        if state.screen == .graph {
            let g = state.theme.glyphs
            entries += [
                ("", ""),
                ("\(g.weightNode)", "a layer with weights (conv, dense, batchnorm)"),
                ("\(g.plainNode)", "a layer without (activation, pooling, reshape)"),
                ("\(g.addNode) \(g.multiplyNode) \(g.concatNode)", "where branches merge: add, multiply, concatenate"),
                ("\(g.blockNode) \(g.collapsed) \(g.expanded)", "a block (closed \(g.collapsed), open \(g.expanded)): its rows add up"),
                ("RF, jump, start", "field size on the input; input pixels between neighbouring units; centre of the first unit"),
                ("name *", "a layer the last edit changed (new, or another shape, count or field)"),
            ]
        }
        return entries + [("", "")] + KeyHelp.global
    }

    /// Drawn over the screen's body, never over the footer; rows that do not fit scroll with ↑↓.
    public static func render(_ state: AppState, scroll: Int, into canvas: inout Canvas) {
        let theme = state.theme
        let entries = entries(state)
        let body = state.layout.body
        let keyWidth = min(entries.map { displayWidth($0.0) }.max() ?? 0, 20)
        let width = min(body.width - 2, max(50, keyWidth + 5 + (entries.map { displayWidth($0.1) }.max() ?? 0)))
        // What a key does wraps onto rows of its own rather than being cut.
        let textWidth = width - 2 - keyWidth - 4  // a column of margin before the border
        let lines: [KeyHelp.Entry] = entries.flatMap { entry -> [KeyHelp.Entry] in
            let text = entry.1.isEmpty ? [""] : wrap(entry.1, width: textWidth)
            return text.enumerated().map { ($0.offset == 0 ? entry.0 : "", $0.element) }
        }
        let height = min(body.height, lines.count + 3)
        let box = body.centered(width: width, height: height)
        canvas.fill(box)
        let inner = Frame(title: "Keys: \(state.screen.title)", focused: true).render(area: box, into: &canvas, theme: theme)
        let rows = max(inner.height - 1, 0)
        let first = min(scroll, max(lines.count - rows, 0))
        for (i, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            canvas.put(pad(line.0, to: keyWidth + 2), x: inner.x + 1, y: inner.y + i, style: theme.key, clip: inner)
            canvas.put(line.1, x: inner.x + keyWidth + 3, y: inner.y + i, style: theme.text, clip: inner)
        }
        let more = first + rows < lines.count
        let footer = (first > 0 || more ? "↑↓ more · " : "") + "Esc or ? closes"
        canvas.put(footer, x: inner.x + 1, y: inner.maxY - 1, style: theme.dim, clip: inner)
    }
}

/// `m`: the zoo with params, mult-adds and year; typing filters.
public enum PickerOverlay {
    public static func render(_ picker: ModelPicker, state: AppState, into canvas: inout Canvas) {
        let theme = state.theme
        let width = min(canvas.width - 4, 84)
        let height = min(canvas.height - 2, 30)
        let box = canvas.area.centered(width: width, height: height)
        canvas.fill(box)
        let inner = Frame(title: "Models", focused: true).render(area: box, into: &canvas, theme: theme)
        let filterLine = "Filter: " + picker.filter + "_"
        canvas.put(filterLine, x: inner.x + 1, y: inner.y, style: theme.key, clip: inner)
        let heading =
            pad("Name", to: 19) + pad("Model", to: 26) + pad("Params", to: 12, alignRight: true) + pad("Mult-adds", to: 10, alignRight: true)
            + pad("Year", to: 6, alignRight: true)
        canvas.put(heading, x: inner.x + 1, y: inner.y + 1, style: theme.dim.with(.bold), clip: inner)
        let entries = picker.entries
        let listHeight = inner.height - 3
        let top = min(max(0, picker.selected - listHeight + 1), max(0, entries.count - listHeight))
        for i in 0..<max(listHeight, 0) {
            let index = top + i
            guard index < entries.count else { break }
            let e = entries[index]
            let y = inner.y + 2 + i
            let text =
                pad(e.model.name, to: 19) + pad(e.model.title, to: 26)
                + pad(e.params.map(\.abbreviated) ?? "?", to: 12, alignRight: true)
                + pad(e.macs.map(\.abbreviated) ?? "?", to: 10, alignRight: true) + pad(String(e.model.year), to: 6, alignRight: true)
            canvas.put(text, x: inner.x + 1, y: y, style: theme.text, clip: inner)
            if index == picker.selected {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) { _ in theme.selection }
            }
        }
        if entries.isEmpty {
            let text = ModelFile.isFile(picker.filter) ? "Enter opens the file \(picker.filter)" : "No model matches '\(picker.filter)'"
            canvas.put(
                truncate(text, to: inner.width - 2), x: inner.x + 1, y: inner.y + 2, style: ModelFile.isFile(picker.filter) ? theme.good : theme.bad,
                clip: inner)
        }
        canvas.put(
            "↑↓ choose · Enter open · Tab compare with \(state.model.name) · type to filter, or a file's path · Esc close", x: inner.x + 1,
            y: inner.maxY - 1, style: theme.dim, clip: inner)
    }
}
