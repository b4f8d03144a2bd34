import CNNImport
import CNNModel

/// `e` on the graph screen: the selected layer's settings as the model file writes them
/// (`kernel 3`, `padding 1`), edited in place; Enter makes the change (everything recomputes),
/// Esc leaves the layer as it was.
public struct LayerEditor: Sendable {
    public let layer: Int
    public let name: String
    public let kind: String
    public private(set) var fields: [(key: String, value: String)]
    public private(set) var selected = 0
    /// Why the last Enter was not taken (a setting out of range), shown in the box.
    public var problem: String?

    /// An editor for layer `id` of `graph`; nil for a layer without settings (an add, a relu).
    public init?(layer id: Int, in graph: Graph) {
        let layer = graph.layers[id]
        guard let (kind, settings) = ModelText.settings(of: layer.op), !settings.isEmpty else { return nil }
        self.layer = id
        name = layer.name
        self.kind = kind
        fields = settings
    }

    /// The keys while the editor is open: one table for the handler and the hint line.
    public enum Action: Hashable, Sendable {
        case up, down, apply, cancel, erase
    }

    public static let keys = KeyMap<Action>([
        KeyBinding([.up], "↑ ↓", "choose a setting", hint: ("↑↓", "setting"), .up),
        KeyBinding([.down], "", "", .down),
        KeyBinding([.backspace], "Backspace", "erase a character", .erase),
        KeyBinding([.enter], "Enter", "make the change: everything recomputes", hint: ("⏎", "apply"), .apply),
        KeyBinding([.escape], "Esc", "leave the layer as it was", hint: ("Esc", "cancel"), .cancel),
    ])

    mutating func move(by delta: Int) {
        selected = (selected + delta + fields.count) % fields.count
    }

    /// Types a character into the selected setting (letters, digits, `x`, `,`, `.`, `-`).
    mutating func type(_ ch: Character) {
        guard ch.isLetter || ch.isNumber || ",.-".contains(ch) else { return }
        fields[selected].value.append(ch)
        problem = nil
    }

    mutating func erase() {
        if !fields[selected].value.isEmpty { fields[selected].value.removeLast() }
        problem = nil
    }

    /// The op the settings describe, or why they do not.
    func op() throws(ImportError) -> Op {
        try ModelText.op(kind: kind, settings: Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) }), what: name)
    }

    /// What changed, for the status line: `kernel 3→5, padding 1→2`.
    func changes(from original: LayerEditor) -> String {
        zip(original.fields, fields).filter { $0.value != $1.value }.map { "\($1.key) \($0.value)→\($1.value)" }.joined(separator: ", ")
    }
}

/// The editor drawn over the graph screen's body.
public enum LayerEditorOverlay {
    public static func render(_ editor: LayerEditor, state: AppState, into canvas: inout Canvas) {
        let theme = state.theme
        let body = state.layout.body
        let width = min(body.width - 4, 64)
        let height = min(body.height, editor.fields.count + 6)
        let box = Rect(x: body.x + (body.width - width) / 2, y: body.y + max(0, (body.height - height) / 3), width: width, height: height)
        canvas.fill(box)
        let inner = Frame(title: "Edit \(editor.name) (\(editor.kind))", focused: true).render(area: box, into: &canvas, theme: theme)
        for (i, field) in editor.fields.enumerated() where i < inner.height - 3 {
            let y = inner.y + i
            canvas.put(pad(field.key, to: 12), x: inner.x + 1, y: y, style: theme.dim, clip: inner)
            let value = field.value + (i == editor.selected ? "_" : "")
            canvas.put(value, x: inner.x + 14, y: y, style: i == editor.selected ? theme.selection : theme.text, clip: inner)
        }
        let message = editor.problem ?? "sizes 3 or 3x5 · padding valid, same, 1, 1x2 or t1,b2,l0,r1"
        let y = inner.maxY - 2
        canvas.put(truncate(message, to: inner.width - 2), x: inner.x + 1, y: y, style: editor.problem == nil ? theme.dim : theme.bad, clip: inner)
        let hints = LayerEditor.keys.hints.map { "\($0.key) \($0.action)" }.joined(separator: "  ") + "  type to change"
        canvas.put(truncate(hints, to: inner.width - 2), x: inner.x + 1, y: y + 1, style: theme.dim, clip: inner)
    }
}

/// A line being typed in a box over the screen: the file name after `W`, the layer after `a`.
public struct PromptBox: Sendable {
    public let title: String
    public let text: String
    /// Lines under the text: an example, the keys.
    public let notes: [String]

    public func render(state: AppState, into canvas: inout Canvas) {
        let theme = state.theme
        let body = state.layout.body
        let width = min(body.width - 4, 72)
        let box = Rect(x: body.x + (body.width - width) / 2, y: body.y + body.height / 3, width: width, height: 4 + notes.count)
        canvas.fill(box)
        let inner = Frame(title: title, focused: true).render(area: box, into: &canvas, theme: theme)
        // A long text shows its end: what is being typed.
        let shown = text + "_"
        let visible = displayWidth(shown) > inner.width - 2 ? String(shown.suffix(inner.width - 3)) : shown
        canvas.put(visible, x: inner.x + 1, y: inner.y, style: theme.selection, clip: inner)
        for (i, note) in notes.enumerated() {
            canvas.put(truncate(note, to: inner.width - 2), x: inner.x + 1, y: inner.y + 2 + i, style: theme.dim, clip: inner)
        }
    }

    /// After `W`.
    static func save(_ path: String) -> PromptBox {
        PromptBox(title: "Save the network", text: path, notes: ["⏎ save  Esc cancel  (.cnn: model file · .onnx: ONNX with weights)"])
    }

    /// After `a`, adding after `layer`.
    static func addLayer(_ line: String, after layer: String) -> PromptBox {
        PromptBox(
            title: "Add a layer after \(layer)", text: line,
            notes: ["e.g. bn: batchnorm · relu · conv filters=64 kernel=1", "⏎ add  Esc cancel  (kinds and settings as in a model file)"])
    }
}
