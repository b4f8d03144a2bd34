/// A layer (or block) name that a graph does not have, with the closest names it does have.
public struct UnknownLayerError: Error, Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let model: String
    /// Whether block names were accepted too (and so suggested).
    public let blocks: Bool
    public let suggestions: [String]

    public init(_ name: String, in graph: Graph, blocks: Bool = false) {
        self.name = name
        model = graph.name
        self.blocks = blocks
        suggestions = NameSuggestions.closest(to: name, among: graph.layers.map(\.name) + (blocks ? graph.blocks.map(\.name) : []))
    }

    public var description: String {
        "\(model) has no layer '\(name)'"
            + (suggestions.isEmpty ? "" : ": did you mean \(NameSuggestions.quotedList(suggestions))?")
    }
}
