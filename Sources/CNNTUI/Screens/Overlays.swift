import CNNModel
import CNNReport

/// `?`: every key of the current screen and the global ones.
public enum HelpOverlay {
    public static func render(_ state: AppState, into canvas: inout Canvas) {
        let theme = state.theme
        let screenKeys = KeyHelp.keys(for: state.screen)
        let entries: [(String, String)] = screenKeys + [("", "")] + KeyHelp.global
        let keyWidth = entries.map { displayWidth($0.0) }.max() ?? 0
        let width = min(canvas.width - 4, max(50, keyWidth + 4 + (entries.map { displayWidth($0.1) }.max() ?? 0)))
        let height = min(canvas.height - 2, entries.count + 4)
        let box = canvas.area.centered(width: width, height: height)
        canvas.fill(box)
        let inner = Frame(title: "Keys: \(state.screen.title)", focused: true).render(area: box, into: &canvas, theme: theme)
        for (i, entry) in entries.enumerated() where i < inner.height - 1 {
            canvas.put(pad(entry.0, to: keyWidth + 2), x: inner.x + 1, y: inner.y + i, style: theme.key, clip: inner)
            canvas.put(entry.1, x: inner.x + keyWidth + 3, y: inner.y + i, style: theme.text, clip: inner)
        }
        canvas.put("Esc or ? closes", x: inner.x + 1, y: inner.maxY - 1, style: theme.dim, clip: inner)
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
        let heading = pad("Name", to: 19) + pad("Model", to: 26) + pad("Params", to: 12, alignRight: true) + pad("MACs", to: 9, alignRight: true) + pad("Year", to: 6, alignRight: true)
        canvas.put(heading, x: inner.x + 1, y: inner.y + 1, style: theme.dim.with(.bold), clip: inner)
        let entries = picker.entries
        let listHeight = inner.height - 3
        let top = min(max(0, picker.selected - listHeight + 1), max(0, entries.count - listHeight))
        for i in 0..<max(listHeight, 0) {
            let index = top + i
            guard index < entries.count else { break }
            let e = entries[index]
            let y = inner.y + 2 + i
            let text = pad(e.model.name, to: 19) + pad(e.model.title, to: 26)
                + pad(e.params.map(\.abbreviated) ?? "?", to: 12, alignRight: true)
                + pad(e.macs.map(\.abbreviated) ?? "?", to: 9, alignRight: true) + pad(String(e.model.year), to: 6, alignRight: true)
            canvas.put(text, x: inner.x + 1, y: y, style: theme.text, clip: inner)
            if index == picker.selected {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) { _ in theme.selection }
            }
        }
        if entries.isEmpty {
            canvas.put("No model matches '\(picker.filter)'", x: inner.x + 1, y: inner.y + 2, style: theme.bad, clip: inner)
        }
        canvas.put("↑↓ choose · Enter open · type to filter · Esc close", x: inner.x + 1, y: inner.maxY - 1, style: theme.dim, clip: inner)
    }
}
