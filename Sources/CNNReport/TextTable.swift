import CNNModel

/// A plain-text table with aligned columns, as torchinfo and `cnn-tui list` print them.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public let title: String
        public let alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []
    /// Rows after which a rule is drawn (indexes into `rows`).
    private var rules: Set<Int> = []

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// Draws a thin rule under the last row added.
    public mutating func rule() {
        rules.insert(rows.count - 1)
    }

    /// The widths each column needs.
    public var widths: [Int] {
        columns.indices.map { i in
            rows.map { displayWidth($0[i]) }.reduce(displayWidth(columns[i].title), max)
        }
    }

    /// The table as lines: heading, a rule, the rows; columns separated by two spaces.
    public func render(heavyRule: Character = "=", lightRule: Character = "-") -> [String] {
        let widths = self.widths
        let total = widths.reduce(0, +) + 2 * (widths.count - 1)
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - displayWidth(cell))
                let isLast = i == cells.count - 1
                switch columns[i].alignment {
                case .left: parts.append(isLast ? cell : cell + pad)
                case .right: parts.append(pad + cell)
                }
            }
            return parts.joined(separator: "  ")
        }
        var out = [String(repeating: heavyRule, count: total), line(columns.map(\.title)), String(repeating: heavyRule, count: total)]
        for (i, row) in rows.enumerated() {
            out.append(line(row))
            if rules.contains(i) && i != rows.count - 1 { out.append(String(repeating: lightRule, count: total)) }
        }
        out.append(String(repeating: heavyRule, count: total))
        return out
    }
}
