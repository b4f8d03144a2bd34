extension Canvas {
    /// The same screen in plain ASCII (`--ascii`): box drawing, arrows and shades replaced by
    /// their nearest ASCII look-alikes, anything else outside ASCII by `?`.
    public func asciiOnly() -> Canvas {
        var copy = self
        for i in copy.cells.indices where !copy.cells[i].character.isASCII {
            copy.setCharacter(at: i, Self.asciiFallback[copy.cells[i].character] ?? "?")
        }
        return copy
    }

    static let asciiFallback: [Character: Character] = [
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "|", "┤": "|", "┼": "+",
        "┴": "+", "┬": "+", "╰": "\\", "╯": "/", "╭": "/", "╮": "\\",
        "●": "*", "○": "o", "⊕": "+", "⊗": "x", "◇": "=", "◆": "#", "▾": "v", "▸": ">", "◂": "<",
        "█": "#", "▓": "=", "▒": ":", "░": ".", "…": "~", "·": "-", "×": "x",
        "↑": "^", "↓": "v", "←": "<", "→": ">", "⏎": "E",
    ]

    private mutating func setCharacter(at index: Int, _ character: Character) {
        var cell = cells[index]
        cell.character = character
        cells[index] = cell
    }
}
