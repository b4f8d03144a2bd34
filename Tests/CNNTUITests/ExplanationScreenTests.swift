import CNNData
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNTUI

/// What a unit sees, in the browser: LeNet-5 with its trained weights on the first held-out
/// digit (a 6), a channel zoomed, the unit cursor moved, each explanation opened.
final class ExplanationScreenTests: XCTestCase {
    static let catalog = SampleCache(files: SampleFiles(root: Repository.assets.path))

    private func press(_ keys: [Key], _ s: inout AppState) {
        for key in keys { s.handle(key) }
        s.featureMaps.session?.waitUntilIdle()
        s.featureMaps.explanations?.waitUntilIdle()
    }

    private func lenet5(_ width: Int = 120, _ height: Int = 40) throws -> AppState {
        var s = try AppState(model: Zoo.model(named: "lenet5")!, theme: Theme(ascii: false), size: (width, height), samples: Self.catalog)
        press([.character("4"), .character("n"), .character("n"), .enter], &s)  // s2, zoomed on #0
        return s
    }

    /// The cursor starts at the map's centre and moves with the arrows; the info line says what
    /// the unit is and what part of the input it sees.
    func testTheUnitCursorSaysWhatItSees() throws {
        var s = try lenet5()
        var text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("unit (7, 7)"), text)
        press([.right, .right, .down], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertEqual([s.featureMaps.unitY, s.featureMaps.unitX], [8, 9])
        XCTAssertTrue(text.contains("unit (8, 9) = "), text)
        XCTAssertTrue(text.contains("◆"), "the cursor on the map")
        press([.pageDown], &s)
        XCTAssertEqual(s.featureMaps.channel, 1, "PgDn: the next channel")
    }

    /// e, c, g, x and t each compute in the background and show their result; Esc goes back.
    func testEachExplanation() throws {
        var s = try lenet5()
        press([.character("e")], &s)
        var text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Effective receptive field · s2 #0 unit (7, 7)"), text)
        XCTAssertTrue(text.contains("of the 6x6 field (box)"), text)
        // The gradient of s2's unit (7, 7) is the session's own result: the same as `explain`.
        let erf = try XCTUnwrap(s.featureMaps.explanations?.snapshot.result)
        XCTAssertEqual(erf.shape, [1, 32, 32])
        XCTAssertGreaterThan(erf.values.map(abs).max() ?? 0, 0)
        press([.escape, .character("c")], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Grad-CAM · s2 · class 6, p 1.000"), text)
        press([.down], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Grad-CAM · s2 · class 5, p 0.000"), "↓: the second of the top 5 (5 at 0.02%):\n\(text)")
        press([.escape, .character("x")], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Occlusion · class 6, p 1.000 · 8-pixel square, step 4"), text)
        XCTAssertTrue(text.contains("largest drop 0.956"), text)
        press([.character("+")], &s)
        XCTAssertTrue(s.render().lines.joined(separator: "\n").contains("10-pixel square, step 4"))
        press([.character(">"), .character(">")], &s)
        XCTAssertEqual(s.featureMaps.explanations?.snapshot.result?.shape, [4, 4], "(32 - 10) / 6 + 1 positions a side")
        press([.escape, .character("g")], &s)
        XCTAssertTrue(s.render().lines.joined(separator: "\n").contains("Guided backpropagation · class 6"))
        press([.escape, .character("t")], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Top patches · s2 #0"), text)
        XCTAssertTrue(text.contains("1. mnist:"), text)
        press([.escape], &s)
        XCTAssertNil(s.featureMaps.explanation)
        XCTAssertTrue(s.render().lines.joined(separator: "\n").contains("#0 of 6: 14x14"), "the zoomed map again")
    }

    /// `t` on c1: nine crops in a 3x3 grid, each the 5x5 input its unit sees; → another
    /// channel's, from the cache. `a` in the effective receptive field averages over 32 digits.
    func testTopPatchCropsAndAnAveragedField() throws {
        var s = try lenet5()
        press([.escape, .character("p"), .character("p"), .character("t")], &s)  // c1, all channels
        var lines = s.render().lines
        var text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Top patches · c1 #0"), text)
        let captions = try XCTUnwrap(lines.first { $0.contains("1. mnist:") })
        XCTAssertTrue(captions.contains("2. mnist:") && captions.contains("3. mnist:"), "three crops a row:\n\(text)")
        XCTAssertTrue(lines.contains { $0.contains("7. mnist:") && $0.contains("9. mnist:") }, text)
        let patches = try XCTUnwrap(s.featureMaps.explanations?.snapshot.result?.patches)
        XCTAssertEqual(patches.count, 9)
        XCTAssertTrue(patches.allSatisfy { $0.rows.count == 5 && $0.columns.count == 5 }, "c1 sees 5x5")
        XCTAssertTrue(text.contains("MNIST samples exciting #0 most"), text)
        press([.right], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Top patches · c1 #1"), text)
        XCTAssertNotEqual(s.featureMaps.explanations?.snapshot.result?.patches.map(\.sample), patches.map(\.sample))
        press([.escape, .character("n"), .character("n"), .enter, .character("e")], &s)  // s2's centre unit
        XCTAssertEqual(s.featureMaps.explanations?.snapshot.result?.averagedOver, 1)
        press([.character("a")], &s)
        lines = s.render().lines
        text = lines.joined(separator: "\n")
        XCTAssertEqual(s.featureMaps.explanations?.snapshot.result?.averagedOver, 32)
        XCTAssertTrue(text.contains("mean over 32 samples"), text)
        press([.character("a")], &s)
        XCTAssertEqual(s.featureMaps.explanations?.snapshot.result?.averagedOver, 1, "a again: the sample's own")
    }

    /// An edit in the graph screen makes a new explanation session on the edited network: the
    /// old one's layers are not the new graph's.
    func testAnEditStartsTheExplanationsAgain() throws {
        var s = try lenet5()
        press([.character("e")], &s)
        let before = try XCTUnwrap(s.featureMaps.explanations)
        press([.character("1")], &s)
        let row = try XCTUnwrap(
            s.graph.rows.firstIndex { row in
                if case .layer(let id) = row.kind { return s.analysis.graph.layers[id].name == "act1" }
                return false
            })
        s.graph.select(row)
        press([.character("d"), .character("4")], &s)
        XCTAssertNil(s.analysis.graph.layer(named: "act1"))
        XCTAssertFalse(s.featureMaps.explanations === before)
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Effective receptive field"), text)
    }

    /// The field's box goes around its pixels' cells, hiding none: a 4x4 map on 8x4 cells (two
    /// cells a pixel), pixels 1-2 by 1-2 cover columns 12-15 and rows 6-7; the box is one cell
    /// out. At the picture's edge it stays on the edge.
    func testTheFieldBoxSurroundsItsPixels() {
        let theme = Theme(ascii: true)
        var canvas = Canvas(width: 30, height: 12)
        let drawn = Rect(x: 10, y: 5, width: 8, height: 4)
        ExplanationView.outline((1...2, 1...2), source: Size2(4, 4), on: drawn, within: Rect(x: 0, y: 0, width: 30, height: 12), theme: theme, into: &canvas)
        var lines = canvas.lines
        XCTAssertEqual(Array(lines[5]).map(String.init)[11...16].joined(), "+----+")
        XCTAssertEqual(Array(lines[8]).map(String.init)[11...16].joined(), "+----+")
        XCTAssertEqual(Array(lines[6])[11], "|")
        XCTAssertEqual(Array(lines[7])[16], "|")
        canvas = Canvas(width: 30, height: 12)
        ExplanationView.outline((0...3, 0...3), source: Size2(4, 4), on: drawn, within: drawn, theme: theme, into: &canvas)
        lines = canvas.lines
        XCTAssertEqual(Array(lines[5]).map(String.init)[10...17].joined(), "+------+", "clamped to the edge")
        XCTAssertEqual(Array(lines[8]).map(String.init)[10...17].joined(), "+------+")
    }

    /// Random weights are said before anything else: their explanations mean little.
    func testRandomWeightsAreSaid() throws {
        var nin = try AppState(model: Zoo.model(named: "nin")!, theme: Theme(ascii: false), size: (120, 40), samples: Self.catalog)
        press([.character("4"), .character("c")], &nin)
        let text = nin.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("random weights: this explains noise"), text)
    }

    /// At 80x24 the views fit, and a model the gradients cannot run through says why.
    func testSmallTerminalAndAModelWithoutGradients() throws {
        var s = try lenet5(80, 24)
        press([.character("e")], &s)
        let lines = s.render().lines
        XCTAssertEqual(lines.count, 24)
        XCTAssertTrue(lines.joined(separator: "\n").contains("Effective receptive field"), lines.joined(separator: "\n"))
        press([.escape, .character("t")], &s)
        let patches = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(patches.contains("1. #") && patches.contains("9. #"), "narrow cells drop the data set's name:\n\(patches)")
        var alexnet = try AppState(model: Zoo.model(named: "alexnet")!, theme: Theme(ascii: false), size: (120, 40), samples: Self.catalog)
        press([.character("4"), .character("x")], &alexnet)
        XCTAssertTrue(alexnet.render().lines.joined(separator: "\n").contains("cannot take gradients"), "AlexNet's LRN has no backward yet")
    }
}
