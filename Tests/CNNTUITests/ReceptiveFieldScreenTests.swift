import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// Screen 2, receptive fields, rendered into the in-memory canvas and read as text.
final class ReceptiveFieldScreenTests: XCTestCase {
    private func text(_ state: AppState) -> String { state.render().lines.joined(separator: "\n") }

    /// The receptive-field screen of `model` with the kernel comparison focused.
    private func comparison(_ model: String = "vgg16", _ width: Int = 120, _ height: Int = 40) throws -> AppState {
        var s = try AppState.testing(model, width, height)
        s.handle(.character("2"))
        s.handle(.character("c"))
        return s
    }

    func testReceptiveFieldScreenFollowsTheGraphSelection() throws {
        var s = try AppState.testing("vgg16")
        s.handle(.character("/"))
        s.type("features.30")
        s.handle(.enter)
        s.handle(.tab)
        XCTAssertEqual(s.screen, .receptiveField)
        let text = text(s)
        XCTAssertTrue(text.contains("features.30: unit (3,3) of 7x7"), text)
        XCTAssertTrue(text.contains("sees 212x212 of the 224x224 input"), text)
    }

    func testStackComparisonReactsToKeys() throws {
        var s = try comparison()
        s.handle(.right)  // n = 3
        let text = text(s)
        XCTAssertTrue(text.contains("Convs n     ◂ 3 ▸           1 "), text)
        XCTAssertTrue(text.contains("Kernel k      3x3           7x7 "), text)
        XCTAssertTrue(text.contains("RF            7x7           7x7 "), text)
        XCTAssertTrue(text.contains("Params        110,784       200,768 "), text)
        XCTAssertTrue(text.contains("▒▒ conv 3: 7x7"), text)
    }

    func testOneKeyTableServesTheHandlerTheHelpAndTheHints() throws {
        var s = try comparison("lenet5")
        let help = KeyHelp.keys(for: s)
        for entry in ReceptiveFieldScreenState.comparisonKeys.help + ReceptiveFieldScreenState.tableKeys.help {
            XCTAssertTrue(help.contains { $0.key == entry.key && $0.action == entry.action }, entry.key)
        }
        XCTAssertTrue(help.contains { $0.key == "Jump" && $0.action.contains("between neighbouring units") })
        XCTAssertTrue(help.contains { $0.key == "Start" && $0.action.contains("first unit's field is centred") })
        XCTAssertEqual(Array(KeyHelp.hints(for: s).prefix(3)).map(\.key), ReceptiveFieldScreenState.comparisonKeys.hints.map(\.key))
        // Every key the table lists does something: ↓ picks the kernel, → makes it 4x4, Esc leaves.
        s.handle(.down)
        s.handle(.right)
        XCTAssertEqual(s.receptiveField.comparison?.stack.kernel, 4)
        s.handle(.escape)
        XCTAssertEqual(s.receptiveField.focus, .table)
    }

    func testPagingUsesTheRowsTheLayoutShows() throws {
        var s = try AppState.testing("vgg16", 80, 24)
        s.handle(.character("2"))
        s.handle(.character("g"))
        let rows = ReceptiveFieldScreen.Layout(body: s.layout.body, comparing: false).tableRows
        XCTAssertEqual(rows, 18, "21 body rows less the frame and the column titles")
        s.handle(.pageDown)
        XCTAssertEqual(s.receptiveField.selected, rows)
        let name = s.analysis.graph.layers[s.receptiveField.selectedLayer!].name
        XCTAssertTrue(s.render().lines.contains { $0.hasPrefix("│\(name) ") }, "the selection is on screen")
    }

    func testTheTableFollowsTheSelectionAfterAResize() throws {
        var s = try AppState.testing("vgg16")
        s.handle(.character("2"))
        s.handle(.character("G"))
        s.size = (80, 24)
        let last = s.analysis.graph.layers[s.receptiveField.selectedLayer!].name
        XCTAssertTrue(s.render().lines.contains { $0.hasPrefix("│\(last) ") }, "drawing clamps the old scroll position")
    }

    func testNothingIsCutAt80x24Or120x40() throws {
        for (w, h) in [(80, 24), (120, 40)] {
            for keys in ["", "c", "c++", "cj+++", "c++j+++++", "cjjj--------"] {
                var s = try AppState.testing("vgg16", w, h)
                s.handle(.character("2"))
                s.type(keys)
                let text = text(s)
                XCTAssertFalse(text.contains("…"), "\(w)x\(h) after \(keys):\n\(text)")
            }
        }
    }

    func testTheVerdictWrapsInsteadOfBeingCut() throws {
        var s = try comparison("lenet5", 120, 40)
        s.type("+j++")  // three 5x5
        let text = text(s)
        XCTAssertTrue(text.contains("Same 13x13 field: 55.6% fewer params, 2 more"), text)
        XCTAssertTrue(text.contains("non-linearities."), text)
    }

    func testFieldGrowthFitsTheRoomThereIs() throws {
        // Four 3x3: 9 rows at 120x40, all of them, one cell per pixel.
        var s = try comparison("lenet5", 120, 40)
        s.type("++")
        var lines = s.render().lines
        for legend in ["██ conv 1: 3x3", "▓▓ conv 2: 5x5", "▒▒ conv 3: 7x7", "░░ conv 4: 9x9", "1 cell = 1 px"] {
            XCTAssertTrue(lines.contains { $0.contains(legend) }, legend)
        }
        var picture = lines.filter { $0.contains("││░░") }
        XCTAssertEqual(picture.count, 9, lines.joined(separator: "\n"))
        // At 80x24 the comparison takes the right column; 9 pixels are drawn in the rows left.
        s.size = (80, 24)
        lines = s.render().lines
        picture = lines.filter { $0.contains("││░░") }
        XCTAssertEqual(picture.count, 7, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.joined().contains("1 cell = 1.3 px"), lines.joined(separator: "\n"))
    }

    func testScaledGrowthKeepsTheRingsInOrder() {
        // Four 6x6 convs see 21x21; in 7 cells one cell is 3 pixels, and the centre is the first conv's.
        let growth = FieldGrowth(growth: [6, 11, 16, 21])
        let shades = FieldGrowth.shades(Theme())
        XCTAssertEqual(growth.fit(in: Rect(x: 0, y: 0, width: 40, height: 7), shades: shades).cells, 7)
        XCTAssertEqual(growth.fit(in: Rect(x: 0, y: 0, width: 40, height: 7), shades: shades).legend.last, "1 cell = 3.0 px")
        XCTAssertEqual(growth.layer(row: 3, column: 3, cells: 7), 0)
        XCTAssertEqual(growth.layer(row: 0, column: 0, cells: 7), 3)
        XCTAssertEqual((0..<7).map { growth.layer(row: 3, column: $0, cells: 7) }, [3, 2, 1, 0, 1, 2, 3])
        let roomy = growth.fit(in: Rect(x: 0, y: 0, width: 70, height: 30), shades: shades)
        XCTAssertEqual(roomy.cells, 21, "one cell per pixel when there is room")
        XCTAssertEqual(roomy.legend, ["██ conv 1: 6x6", "▓▓ conv 2: 11x11", "▒▒ conv 3: 16x16", "░░ conv 4: 21x21", "1 cell = 1 px"])
        XCTAssertEqual(growth.fit(in: Rect(x: 0, y: 0, width: 70, height: 2), shades: shades).legend.count, 2, "two or three to a line")
        // Four 3x3 in 5 cells: conv 3's ring is thinner than a cell, so the legend gives it no shade.
        let small = FieldGrowth(growth: [3, 5, 7, 9]).fit(in: Rect(x: 0, y: 0, width: 40, height: 5), shades: shades)
        XCTAssertEqual(small.cells, 5)
        XCTAssertEqual(small.legend, ["██ conv 1: 3x3", "▓▓ conv 2: 5x5", "   conv 3: 7x7", "░░ conv 4: 9x9", "1 cell = 1.8 px"])
    }

    func testModelPickerSaysMultAdds() throws {
        var s = try AppState.testing("lenet5", 80, 24)
        s.handle(.character("m"))
        let heading = try XCTUnwrap(s.render().lines.first { $0.contains("Name") })
        XCTAssertTrue(heading.contains("Params Mult-adds  Year"), heading)
    }
}
