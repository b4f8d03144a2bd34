/// A key press, as the backend decodes it from the terminal.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl plus a letter (`ctrl("c")`), for letters the terminal does not turn into another key.
    case ctrl(Character)
    /// The terminal changed size; the next frame must be redrawn in full.
    case resize
}

extension Key {
    /// A digit key, 0-9.
    public var isDigit: Bool {
        if case .character(let c) = self { return c.isASCII && c.isNumber }
        return false
    }
}
