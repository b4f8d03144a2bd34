import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// The graph screen as a new user meets it: the list follows the cursor at every size, search
/// lands on what it matched, and the columns fit.
final class GraphScreenTests: XCTestCase {
    /// The row of the list (between the graph's frame lines) that is selected, by its name.
    private func listShows(_ name: String, in lines: [String], above inspector: Int) -> Bool {
        lines[..<inspector].contains { $0.contains(" \(name) ") }
    }

    func testAt80x24TheListScrollsToTheSelectionAboveTheInspector() throws {
        var s = try AppState.testing("resnet50", 80, 24)
        s.handle(.character("G"))
        var lines = s.render().lines
        let inspector = try XCTUnwrap(lines.firstIndex { $0.contains("Inspector") })
        XCTAssertTrue(lines[inspector + 1].contains("fc"), "the inspector shows fc")
        XCTAssertTrue(listShows("fc", in: lines, above: inspector), lines.joined(separator: "\n"))
        s.handle(.character("g"))
        for _ in 0..<12 { s.handle(.character("j")) }
        lines = s.render().lines
        let name = try XCTUnwrap(s.graph.selectedRow).kind
        guard case .layer(let id) = name else { return XCTFail("a layer row") }
        XCTAssertTrue(listShows(s.analysis.graph.layers[id].localName, in: lines, above: inspector), lines.joined(separator: "\n"))
    }

    func testSearchLandsOnTheBlockItMatched() throws {
        var s = try AppState.testing("googlenet")
        s.handle(.character("/"))
        s.type("inception3a")
        s.handle(.enter)
        let block = s.analysis.graph.blocks.first { $0.name == "inception3a" }!
        XCTAssertEqual(s.graph.selectedRow?.kind, .blockHeader(block.id))
        s.handle(.character("n"))
        XCTAssertEqual(
            s.graph.selectedRow.map { "\($0.kind)" }, s.graph.rows.first { $0.kind == .blockHeader(block.id + 1) }.map { "\($0.kind)" },
            "n goes on to the next match, the block's first branch")
    }

    func testLanesAndMultAddsFitAt120x40() throws {
        var s = try AppState.testing("googlenet")
        s.handle(.character("/"))
        s.type("inception3b")
        s.handle(.enter)
        let lines = s.render().lines
        XCTAssertTrue(lines[2].contains("Mult-adds"), lines[2])
        XCTAssertTrue(lines.contains { $0.contains("├─┼─◆") }, "branch lanes are drawn")
        XCTAssertFalse(lines.contains { $0.contains("adaptive avgpool…") }, "no op runs into its output column")
    }

    func testNumbersNeverTouch() throws {
        let lines = try AppState.testing("vgg16").render().lines
        let features = try XCTUnwrap(lines.first { $0.contains("▾ features") })
        XCTAssertTrue(features.contains("14,714,688  15,360,178,176") || features.contains("14,714,688   15,360,178,176"), features)
    }

    func testFooterKeepsEveryTotalAt80x24() throws {
        let lines = try AppState.testing("resnet50", 80, 24).render().lines
        XCTAssertTrue(lines[22].contains("Memory 280.66 MB │ Depth"), lines[22])
    }

    func testTheTopBarCutsALongNameRatherThanDroppingIt() throws {
        let top = try AppState.testing("inception_reduced", 80, 24).render().lines[0]
        XCTAssertTrue(top.contains("Inception module"), top)
    }

    func testTheInspectorShowsItsFieldAndSharesAt80x24() throws {
        var s = try AppState.testing("resnet50", 80, 24)
        s.handle(.character("/"))
        s.type("layer1.0.conv2")
        s.handle(.enter)
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("RF jump, start"), text)
        XCTAssertTrue(text.contains("% of params"), text)
    }

    /// A block with a batchnorm: its count under each convention, torchinfo's, then Keras's with the running statistics.
    func testKerasCountHasALineOfItsOwn() throws {
        let s = try AppState.testing("googlenet")
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Params         9,536 (torchinfo)"), text)
        XCTAssertTrue(text.contains("Keras          9,664 (+128 BN stats)"), text)
    }

    func testTheSharedLayerSurvivesGoingBetweenScreensTwoAndFour() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.character("2"))
        s.handle(.character("j"))
        s.handle(.character("j"))
        let chosen = try XCTUnwrap(s.receptiveField.selectedLayer)
        s.handle(.character("4"))
        XCTAssertEqual(s.selectedLayer, chosen, "the feature maps show the layer chosen in the table")
        s.handle(.character("n"))
        s.handle(.character("2"))
        XCTAssertEqual(s.receptiveField.selectedLayer, chosen + 1, "and the table the one chosen on the maps")
    }

    func testHelpStaysAboveTheFooterAndScrolls() throws {
        var s = try AppState.testing("lenet5", 80, 24)
        s.handle(.character("4"))
        s.handle(.character("?"))
        var lines = s.render().lines
        XCTAssertTrue(lines[22].hasPrefix(" Params"), "the totals line is not drawn over: \(lines[22])")
        XCTAssertTrue(lines.contains { $0.contains("↑↓ more") }, lines.joined(separator: "\n"))
        for _ in 0..<30 { s.handle(.down) }
        lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("quit") }, "the last rows can be reached")
    }

    func testCtrlCQuitsAsAnInterruption() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.ctrl("c"))
        XCTAssertTrue(s.shouldQuit)
        XCTAssertTrue(s.interrupted)
    }
}

/// The big layers, the counting conventions and a comparison, from the browser.
final class CountingInTheBrowserTests: XCTestCase {
    /// `s` lists the layers by params, mult-adds, activation size and field, largest first, each
    /// with its full name; a fifth `s` is the graph again.
    func testSortCyclesThroughTheOrders() throws {
        var s = try AppState.testing("vgg16", 120, 40)
        s.handle(.character("s"))
        var text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("by params, largest first"), text)
        XCTAssertTrue(text.contains("classifier.0"), "VGG-16's 102.8M-parameter dense layer first:\n\(text)")
        s.handle(.character("s"))
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("by mult-adds, largest first") && text.contains("features.2 "), text)
        for _ in 0..<3 { s.handle(.character("s")) }
        text = s.render().lines.joined(separator: "\n")
        XCTAssertFalse(text.contains("largest first"), text)
        XCTAssertEqual(s.status, "The graph again")
    }

    /// `c`: every convention's total, and ResNet-50 from torchinfo to the paper's 3.8×10^9;
    /// ←→ another convention; Esc closes.
    func testCountsPanelReconcilesWithThePaper() throws {
        var s = try AppState.testing("resnet50", 120, 40)
        s.handle(.character("c"))
        var text = s.render().lines.joined(separator: "\n")
        for cell in ["4,111,512,576", "4,133,742,592", "Counts: torchinfo → paper", "-231,211,008", "3,857,973,248"] {
            XCTAssertTrue(text.contains(cell), "\(cell) in\n\(text)")
        }
        s.handle(.right)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Counts: torchinfo → fvcore"), text)
        s.handle(.escape)
        XCTAssertNil(s.overlay)
    }

    /// Tab in the model picker compares the open model with the chosen one.
    func testPickerComparesTwoModels() throws {
        var s = try AppState.testing("resnet18", 120, 40)
        s.handle(.character("m"))
        s.type("resnet34")
        s.handle(.tab)
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Compare: resnet18 → resnet34"), text)
        XCTAssertTrue(text.contains("+ layer1.2 (BasicBlock): 7 layers, 73,984 params"), text)
        XCTAssertEqual(s.model.name, "resnet18", "comparing opens nothing")
    }
}
