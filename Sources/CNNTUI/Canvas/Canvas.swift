import CNNModel

/// One cell of the screen: a character and its style. A wide character occupies its cell and
/// blanks the next one (`isContinuation`), as ratatui's buffer does.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    /// The right half of a wide character drawn in the cell to the left.
    public var isContinuation: Bool

    public init(_ character: Character = " ", _ style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// An in-memory screen of cells. Screens and widgets draw into it; a backend copies it to the
/// terminal, and tests compare its `lines`.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public internal(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `clip` (the whole canvas by default); returns the
    /// column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.y, y < bounds.maxY else { return x }
        var column = x
        for ch in text {
            let w = displayWidth(of: ch)
            if w == 0 { continue }
            if column + w > bounds.maxX { break }
            if column >= bounds.x {
                self[column, y] = Cell(ch, style)
                if w == 2 { self[column + 1, y] = Cell(" ", style, isContinuation: true) }
            }
            column += w
        }
        return column
    }

    /// Fills `rect` with `character` in `style`.
    public mutating func fill(_ rect: Rect, _ character: Character = " ", style: Style = .plain) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { self[x, y] = Cell(character, style) }
        }
    }

    /// Changes the style of the cells in `rect`, keeping their characters.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = rect.intersection(area)
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { self[x, y].style = transform(self[x, y].style) }
        }
    }

    /// The text of each row, trailing spaces kept (tests compare these).
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !self[x, y].isContinuation { line.append(self[x, y].character) }
            return line
        }
    }

    /// Rows with trailing spaces removed, for readable test expectations.
    public var trimmedLines: [String] {
        lines.map { line in
            var s = Substring(line)
            while s.last == " " { s = s.dropLast() }
            return String(s)
        }
    }

    /// Cells that differ from `previous` (everything when the sizes differ), row by row: what a
    /// backend must redraw.
    public func changes(since previous: Canvas?) -> [(x: Int, y: Int, cell: Cell)] {
        var result: [(x: Int, y: Int, cell: Cell)] = []
        let full = previous == nil || previous!.width != width || previous!.height != height
        for y in 0..<height {
            for x in 0..<width {
                let cell = self[x, y]
                if full || previous![x, y] != cell { result.append((x, y, cell)) }
            }
        }
        return result
    }
}
