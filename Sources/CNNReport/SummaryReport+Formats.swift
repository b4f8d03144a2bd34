import CNNModel
import Foundation

/// The summary for notes and scripts: a Markdown table for a paper or a README, CSV for a
/// spreadsheet or pandas. Same rows as the text table (folded to `maxDepth` alike).
extension SummaryReport {
    /// A GitHub-flavoured Markdown table, blocks in bold, then the totals as a list.
    public func markdown(title: String? = nil) -> [String] {
        var lines: [String] = []
        if let title { lines += ["### \(Self.markdownEscaped(title))", ""] }
        let rows = self.rows  // built once: the column depends on them
        let connected = rows.contains(where: \.branches)
        let headings = countHeadings
        lines.append(
            "| Layer | Type | Op | Output shape | Params (\(paramConvention.title)) | " + headings.joined(separator: " | ") + " | RF | Jump |"
                + (connected ? " Connected to |" : ""))
        lines.append("|:--|:--|:--|:--|--:|" + headings.map { _ in "--:|" }.joined() + "--:|--:|" + (connected ? ":--|" : ""))
        lines.append(
            "| input |  |  | \(Display.shape(analysis.input)) | -- | " + headings.map { _ in "-- | " }.joined() + "1 | 1 |"
                + (connected ? "  |" : ""))
        for row in rows {
            let indent = String(repeating: "&nbsp;&nbsp;", count: row.depth - 1)
            let name = Self.markdownEscaped(row.name)
            let cells =
                [indent + (row.isBlock ? "**\(name)**" : name)]
                + ([row.type, row.op, row.shape, row.params, row.macs] + row.moreCounts + [row.receptiveField, row.jump]
                + (connected ? [row.connectedTo] : []))
                .map(Self.markdownEscaped)
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines += totals().map { "- " + $0 }
        return lines
    }

    /// Comma-separated values with a header: plain numbers (no thousands separators), empty where
    /// a block row is not folded, fields quoted where they need it.
    public func csv() -> [String] {
        let c = counting.convention
        let columns = c == .torchscan ? c.quantities.map { "\($0.rawValue)_torchscan" } : ["mult_adds_\(c.rawValue)"]
        var lines = [
            (["name,type,depth,is_block,op,output_shape,params_\(paramConvention.rawValue)"] + columns + ["receptive_field,jump,connected_to"])
                .joined(separator: ",")
        ]
        lines.append(
            (["input", "Input", "0", "false", "", Display.shape(analysis.input), "0"] + columns.map { _ in "0" } + ["1", "1", ""])
                .map(Self.csvField).joined(separator: ","))
        for row in rows {
            let counts = row.counts.map { $0.map(String.init) } ?? columns.map { _ in "" }
            let fields =
                [
                    row.name, row.type, String(row.depth), String(row.isBlock), row.op, row.shape,
                    row.paramCount.map(String.init) ?? "",
                ] + counts + [row.receptiveField, row.jump, row.connectedTo]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Characters Markdown would read as markup (`|`, `*`, `_`, ...) made literal.
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "|*_`\\<>[]".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
