import CNNModel
import XCTest

@testable import CNNTUI

final class LaneLayoutTests: XCTestCase {
    /// Lane columns of each row as text: `●` node, `│` passing, `├─●` branch, `●─╯` merge.
    private func draw(_ graph: Graph, expanded: Set<Int>? = nil) -> [String] {
        let view = GraphView(graph: graph, expanded: expanded ?? Set(graph.blocks.map(\.id)))
        let layout = LaneLayout(view)
        return layout.rows.map { row in
            var s = ""
            for (i, g) in row.glyphs.enumerated() {
                switch g {
                case .empty: s += " "
                case .vertical: s += "│"
                case .node: s += "●"
                case .horizontal: s += "─"
                case .crossing: s += "┼"
                case .teeLeft: s += "├"
                case .teeRight: s += "┤"
                case .endLeft: s += "╰"
                case .endRight: s += "╯"
                case .endMiddle: s += "┴"
                }
                s += row.connectorAfter[i] ? "─" : " "
            }
            while s.last == " " { s.removeLast() }
            return s
        }
    }

    func testResidualBlockOpensALaneBesideTheShortcut() {
        let b = GraphBuilder("res")
        var x = b.input()
        x = b.conv(x, "stem", filters: 4, kernel: 3, padding: .symmetric(1))
        let a = b.conv(x, "conv1", filters: 4, kernel: 3, padding: .symmetric(1))
        let c = b.conv(a, "conv2", filters: 4, kernel: 3, padding: .symmetric(1))
        let s = b.sum([c, x])
        _ = b.relu(s, "relu")
        XCTAssertEqual(
            draw(b.build()),
            [
                "●",
                "├─●",
                "│ ●",
                "●─╯",
                "●",
            ])
    }

    func testInceptionBranchesRunSideBySideAndJoinAtTheConcat() {
        let b = GraphBuilder("inception")
        let x = b.input()
        let stem = b.conv(x, "stem", filters: 4, kernel: 1)
        let b1 = b.conv(stem, "b1", filters: 4, kernel: 1)
        let b2a = b.conv(stem, "b2a", filters: 4, kernel: 1)
        let b2 = b.conv(b2a, "b2b", filters: 4, kernel: 3, padding: .symmetric(1))
        let b3 = b.maxPool(stem, "b3", kernel: 3, stride: 1, padding: .symmetric(1))
        _ = b.concat([b1, b2, b3])
        XCTAssertEqual(
            draw(b.build()),
            [
                "●",
                "├─●",
                "├─┼─●",
                "│ │ ●",
                "● │ │",
                "●─┴─╯",
            ].map { $0 })
    }

    func testCollapsedBlockIsOneNode() {
        let b = GraphBuilder("blocks")
        var x = b.input()
        x = b.conv(x, "stem", filters: 4, kernel: 1)
        b.block("stage") {
            let y = b.conv(x, "conv1", filters: 4, kernel: 1)
            x = b.sum([y, x])
        }
        x = b.relu(x, "relu")
        let graph = b.build()
        let view = GraphView(graph: graph, expanded: [])
        XCTAssertEqual(view.rows.map(\.kind), [.layer(1), .collapsedBlock(0), .layer(4)])
        XCTAssertEqual(draw(graph, expanded: []), ["●", "●", "●"])
    }
}
