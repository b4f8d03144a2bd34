import CNNModel

/// The graph in Graphviz's DOT language (`cnn-tui graph MODEL | dot -Tsvg > model.svg`): a node
/// per layer with its op and output shape, blocks as nested clusters, edges labelled with the
/// shape that flows along them.
public struct GraphDOT: Sendable {
    public let analysis: ModelAnalysis

    public init(_ analysis: ModelAnalysis) {
        self.analysis = analysis
    }

    public func render(title: String? = nil) -> [String] {
        let graph = analysis.graph
        var lines = [
            "digraph \(Self.quoted(title ?? graph.name)) {",
            "  rankdir=TB;",
            "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        // Layers by innermost block; clusters nest as the blocks do.
        var byBlock: [Int?: [Layer]] = [:]
        for layer in graph.layers { byBlock[layer.block, default: []].append(layer) }
        var children: [Int?: [Int]] = [:]
        for block in graph.blocks { children[block.parent, default: []].append(block.id) }
        func emit(_ block: Int?, indent: String) {
            for layer in byBlock[block] ?? [] { lines.append(indent + node(layer)) }
            for child in children[block] ?? [] {
                let b = graph.blocks[child]
                lines.append(indent + "subgraph \(Self.quoted("cluster_\(child)")) {")
                lines.append(indent + "  label=\(Self.quoted("\(b.name) (\(b.type))")); style=rounded; color=gray60;")
                emit(child, indent: indent + "  ")
                lines.append(indent + "}")
            }
        }
        emit(nil, indent: "  ")
        for layer in graph.layers {
            for input in layer.inputs {
                let shape = Display.shape(analysis.layers[input].outputShape)
                lines.append("  \(Self.id(input)) -> \(Self.id(layer.id)) [label=\(Self.quoted(shape))];")
            }
        }
        lines.append("}")
        return lines
    }

    private func node(_ layer: Layer) -> String {
        let a = analysis.layers[layer.id]
        var lines = [layer.name, layer.op.summary, Display.shape(a.outputShape)]
        if a.params(.torchinfo) > 0 { lines.append("\(a.params(.torchinfo).grouped) params") }
        let style = layer.op.isWeightLayer ? ", style=\"rounded,filled\", fillcolor=\"#dbe9f6\"" : ""
        return "\(Self.id(layer.id)) [label=\(Self.quoted(lines))\(style)];"
    }

    static func id(_ layer: Int) -> String { "n\(layer)" }

    /// A DOT string of `lines` (one line each in the label): quotes and backslashes escaped,
    /// line breaks written `\n`.
    static func quoted(_ lines: [String]) -> String {
        var out = "\""
        for (i, text) in lines.enumerated() {
            if i > 0 { out += "\\n" }
            for ch in text {
                if ch == "\n" || ch == "\r" {
                    out += " "
                    continue
                }
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.append(ch)
            }
        }
        return out + "\""
    }

    static func quoted(_ text: String) -> String { quoted([text]) }
}
