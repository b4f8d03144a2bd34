/// One row of a screen's key table: the keys, how the help writes them, what they do, and the
/// action the screen performs. The help overlay, the hint line and the key handler all read the
/// same rows, so a key's meaning and its help text are decided in one place.
public struct KeyBinding<Action: Sendable>: Sendable {
    /// The keys that trigger the action.
    public let keys: [Key]
    /// How the help overlay writes the keys: `↑↓ / j k`.
    public let label: String
    /// What the keys do, in the help overlay's words.
    public let help: String
    /// The short form on the bottom line (`("↑↓", "move")`), nil when it stays off that line.
    public let hint: KeyHelp.Entry?
    public let action: Action

    public init(_ keys: [Key], _ label: String, _ help: String, hint: KeyHelp.Entry? = nil, _ action: Action) {
        self.keys = keys
        self.label = label
        self.help = help
        self.hint = hint
        self.action = action
    }
}

/// A screen's (or a mode's) keys as data: looked up by the key handler, listed by `?`.
public struct KeyMap<Action: Sendable>: Sendable {
    public let bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) {
        self.bindings = bindings
    }

    /// The action of the first row that lists `key`.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The rows the help overlay lists: those with a label (a row without one adds keys to the
    /// labelled row above it, `p` beside `n`).
    public var help: [KeyHelp.Entry] { bindings.filter { !$0.label.isEmpty }.map { ($0.label, $0.help) } }

    /// The rows that have a short form, in order, for the hint line.
    public var hints: [KeyHelp.Entry] { bindings.compactMap(\.hint) }
}

extension Key {
    /// The keys of a string's characters: `.characters("+=")` is `+` and `=`.
    public static func characters(_ text: String) -> [Key] { text.map { .character($0) } }
}

extension Array where Element == Key {
    /// `.characters("nj")` where a list of keys is expected.
    public static func characters(_ text: String) -> [Key] { Key.characters(text) }
}
