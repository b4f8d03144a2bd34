/// Lanes drawn left of the rows, like `git log --graph`: every tensor still waiting for a
/// consumer runs down a lane; a layer sits on a lane as a node; a branch leaves a lane sideways,
/// and a merge (add, concat) joins lanes into its node.
///
/// The node takes over the lane of an input used for the last time (so a residual block's main
/// path opens a lane beside the shortcut and merges back at the add); if every input is still
/// needed later, it opens a new lane.
public struct LaneLayout: Sendable {
    /// What is drawn in one lane column of a row.
    public enum Glyph: Hashable, Sendable {
        case empty
        /// A tensor passing down.
        case vertical
        /// The row's node.
        case node
        /// A horizontal connector passing an empty lane.
        case horizontal
        /// A horizontal connector crossing a lane that passes down.
        case crossing
        /// A lane that continues down and also feeds the node (├ left of it, ┤ right of it).
        case teeLeft, teeRight
        /// A lane that ends here, turning into the node (╰ left of it, ╯ right of it, ┴ when the
        /// connector goes on past it).
        case endLeft, endRight, endMiddle
    }

    public struct Row: Hashable, Sendable {
        public var glyphs: [Glyph]
        /// Lane of the node; nil for rows without one.
        public var nodeLane: Int?
        /// Whether the connector continues into the gap after lane `i` (drawn `─`).
        public var connectorAfter: [Bool]
    }

    public let rows: [Row]
    /// The most lanes open at once.
    public let width: Int

    private struct Lane {
        var producer: Int
        var remaining: Set<Int>
    }

    public init(_ view: GraphView) {
        var lanes: [Lane?] = []
        var rows: [Row] = []
        var widest = 0
        for viewRow in view.rows {
            guard let nodeID = viewRow.node else {
                let glyphs = lanes.map { $0 == nil ? Glyph.empty : .vertical }
                rows.append(Row(glyphs: glyphs, nodeLane: nil, connectorAfter: Array(repeating: false, count: glyphs.count)))
                continue
            }
            let node = view.nodes[nodeID]
            let inputLanes = lanes.indices.filter { i in lanes[i].map { node.inputs.contains($0.producer) } ?? false }
            let lastUse = inputLanes.filter { lanes[$0]!.remaining == [nodeID] }
            let host: Int
            if let first = lastUse.first {
                host = first
            } else {
                let from = inputLanes.first ?? 0
                host = lanes.indices.first { $0 > from && lanes[$0] == nil } ?? lanes.count
                if host == lanes.count { lanes.append(nil) }
            }
            var glyphs = lanes.map { $0 == nil ? Glyph.empty : .vertical }
            var connector = Array(repeating: false, count: lanes.count)
            let span = (inputLanes + [host])
            let lo = span.min()!, hi = span.max()!
            for i in lo...hi {
                if i < hi { connector[i] = true }
                if i == host {
                    glyphs[i] = .node
                    continue
                }
                if inputLanes.contains(i) {
                    let ends = lanes[i]!.remaining == [nodeID]
                    if i != lo && i != hi {
                        glyphs[i] = ends ? .endMiddle : .crossing
                    } else {
                        glyphs[i] = i < host ? (ends ? .endLeft : .teeLeft) : (ends ? .endRight : .teeRight)
                    }
                } else {
                    glyphs[i] = lanes[i] == nil ? .horizontal : .crossing
                }
            }
            rows.append(Row(glyphs: glyphs, nodeLane: host, connectorAfter: connector))
            for i in inputLanes {
                lanes[i]!.remaining.remove(nodeID)
                if lanes[i]!.remaining.isEmpty { lanes[i] = nil }
            }
            lanes[host] = node.consumers.isEmpty ? nil : Lane(producer: nodeID, remaining: Set(node.consumers))
            while let last = lanes.last, last == nil { lanes.removeLast() }
            widest = max(widest, glyphs.count)
        }
        self.rows = rows
        self.width = widest
    }
}
