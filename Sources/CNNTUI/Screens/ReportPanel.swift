import CNNModel
import CNNReport
import CNNZoo

/// A scrolling panel of report text over the screen: the counting conventions and their
/// reconciliation (`c` on the graph screen), or two models compared (Tab in the model picker).
public struct ReportPanel: Sendable {
    public enum Kind: Hashable, Sendable {
        /// Every convention's total, and the reconciliation from torchinfo to `target`.
        case counts(target: CountConvention)
        /// The open model against another.
        case compare(String)
    }

    public let kind: Kind
    public let title: String
    public let lines: [String]
    public private(set) var scroll = 0
    public private(set) var column = 0

    /// The counting panel of `model`: each convention's multiply-adds with what it counts, then
    /// what accounts for the difference from torchinfo's to `target`'s (to the paper's printed
    /// figure for `paper`, where the paper printed one).
    public static func counts(_ model: ZooModel, _ analysis: ModelAnalysis, target: CountConvention) -> ReportPanel {
        var lines = ["Multiply-adds under each convention (s sorts the layers; summary --count on the command line):"]
        var table = TextTable([.init("Convention"), .init("Total", .right), .init("Counts")])
        for c in CountConvention.allCases {
            guard model.canBeCounted(by: c) else {
                table.append([c.title, "n/a", "a Keras model: the PyTorch counters cannot run it"])
                continue
            }
            let count = analysis.count(c, flags: model.torchFlags)
            let total = count.total(.macs).map { $0.grouped + (count.isPartial ? "*" : "") } ?? "?"
            table.append([c == .torchscan ? "torch-scan MACs" : c.title, total, c.call])
        }
        lines += table.render()
        if let published = model.published?.cost { lines.append("Published: \(published.text) (\(published.source))") }
        lines.append("")
        if target == .paper, let paper = model.reconcileWithPaper(analysis, from: .torchinfo) {
            lines += CountingReport.paper(paper)
        } else if model.canBeCounted(by: target), let r = analysis.reconcile(from: .torchinfo, to: target, flags: model.torchFlags) {
            lines += CountingReport.reconciliation(r)
        } else {
            lines.append("\(model.title): no reconciliation to \(target.title) (its paper prints no cost, or the tool cannot count it)")
        }
        return ReportPanel(kind: .counts(target: target), title: "Counts: torchinfo → \(target.title) (←→ another)", lines: lines)
    }

    /// `first` against `second`: totals, stages and the aligned layers.
    public static func compare(
        _ first: (name: String, analysis: ModelAnalysis), with second: (name: String, analysis: ModelAnalysis)
    ) -> ReportPanel {
        let comparison = ModelComparison(first.analysis, second.analysis)
        let lines = ComparisonReport(comparison, names: (first.name, second.name)).render()
        return ReportPanel(kind: .compare(second.name), title: "Compare: \(first.name) → \(second.name)", lines: lines)
    }

    init(kind: Kind, title: String, lines: [String]) {
        self.kind = kind
        self.title = title
        self.lines = lines
    }

    /// ↑↓ PgUp PgDn Home End scroll; ←→ scroll sideways (the counts panel: another convention,
    /// which the app rebuilds).
    public mutating func scroll(by rows: Int, page: Int) {
        scroll = min(max(scroll + rows, 0), max(lines.count - page, 0))
    }

    public mutating func shift(by columns: Int) {
        let widest = lines.map(displayWidth).max() ?? 0
        column = min(max(column + columns, 0), max(widest - 20, 0))
    }
}

/// Draws a `ReportPanel` over the body: lines a diff adds green, removes red, changes yellow.
public enum ReportPanelOverlay {
    public static func render(_ panel: ReportPanel, state: AppState, into canvas: inout Canvas) {
        let theme = state.theme
        let body = state.layout.body
        let box = body
        canvas.fill(box)
        let inner = Frame(title: panel.title, focused: true).render(area: box, into: &canvas, theme: theme)
        let rows = ReportPanelOverlay.rows(inner)
        for (i, line) in panel.lines.dropFirst(panel.scroll).prefix(rows).enumerated() {
            let style: Style =
                line.hasPrefix("  +")
                ? theme.good
                : line.hasPrefix("  -")
                    ? theme.bad
                    : line.hasPrefix("  ~")
                        ? theme.key
                        : line.hasPrefix("=") ? theme.dim : theme.text
            let shown = String(line.dropFirst(min(panel.column, line.count)))
            // A table's rules end at the edge; cut text says so with an ellipsis.
            let fitted = shown.allSatisfy { $0 == "=" } ? String(shown.prefix(inner.width - 1)) : truncate(shown, to: inner.width - 1)
            canvas.put(fitted, x: inner.x + 1, y: inner.y + i, style: style, clip: inner)
        }
        let more = panel.scroll + rows < panel.lines.count
        let scrolling = panel.scroll > 0 || more ? "↑↓ scroll · " : ""
        let sideways = if case .counts = panel.kind { "←→ another convention" } else { "←→ sideways" }
        canvas.put(scrolling + sideways + " · Esc closes", x: inner.x + 1, y: inner.maxY - 1, style: theme.dim, clip: inner)
    }

    /// Text rows inside the frame, the footer's left out.
    static func rows(_ inner: Rect) -> Int { max(inner.height - 1, 0) }

    /// The panel's text rows at the app's current size (for paging).
    static func rows(_ state: AppState) -> Int {
        let body = state.layout.body
        return max(body.height - 3, 1)
    }
}
