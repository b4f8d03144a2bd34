import CNNModel
import CNNZoo
import XCTest

@testable import CNNTUI

/// Screens rendered into the in-memory canvas, read as text.
final class ScreenTests: XCTestCase {
    func testResNet50ShortcutRunsBesideLayer1Block0() throws {
        let lines = try AppState.testing("resnet50").render().lines
        let conv1 = try XCTUnwrap(lines.firstIndex { $0.contains("├─●") && $0.contains("conv1") })
        XCTAssertTrue(lines[conv1 - 1].contains("▾ layer1.0"), "the main path opens a lane beside the shortcut")
        let add = try XCTUnwrap(lines.firstIndex { $0.contains("⊕─╯") && $0.contains("add") })
        XCTAssertTrue(lines[add - 1].contains("▸ downsample"), "the downsample sits on the shortcut lane")
        for row in lines[(conv1 + 1)..<(add - 1)] {
            XCTAssertTrue(row.hasPrefix("││ "), "the shortcut lane passes down beside the block: \(row)")
        }
    }

    func testInspectorWritesTheFormulaOut() throws {
        var s = try AppState.testing("resnet50")
        s.handle(.character("/"))
        s.type("layer1.0.conv2")
        s.handle(.enter)
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("3*3*64*64 = 36,864"), text)
        XCTAssertTrue(text.contains("36,864 params * 56*56 positions"), text)
        XCTAssertTrue(text.contains("Share of params"))
    }

    func testFooterShowsTheTotals() throws {
        let lines = try AppState.testing("resnet50").render().lines
        XCTAssertTrue(lines[38].contains("Params 25,557,032 · Mult-adds 4.09G (torchinfo) · 25,610,152 (Keras)"), lines[38])
        XCTAssertTrue(lines[38].contains("Memory 280.66 MB"))
    }

    func testPickerFiltersAndOpens() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.character("m"))
        s.type("incep")
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("inception_v3"), text)
        XCTAssertFalse(text.contains("resnet50 "), text)
        s.handle(.enter)
        XCTAssertEqual(s.model.name, "inception_v3")
        XCTAssertNil(s.overlay)
    }

    func testHelpListsTheScreensKeys() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.character("?"))
        let text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Keys: Graph"))
        XCTAssertTrue(text.contains("search layer and block names"))
        XCTAssertTrue(text.contains("where branches merge"), "the help says what the graph's symbols mean")
        s.handle(.escape)
        XCTAssertNil(s.overlay)
    }

    func testHelpWrapsLongRowsInsteadOfCuttingThem() throws {
        // The feature maps' help at 80x24: every row whole, scrolled with ↓ to the last one.
        var s = try AppState.testing("lenet5", 80, 24)
        s.handle(.character("4"))
        s.handle(.character("?"))
        var seen = ""
        for _ in 0..<60 {
            let text = s.render().lines.joined(separator: "\n")
            XCTAssertFalse(text.contains("…"), text)
            seen += text
            s.handle(.down)
        }
        XCTAssertTrue(seen.contains("ImageNet)"), "the data sets' row goes on below")
        XCTAssertTrue(seen.contains("the maps"), "and so does the input's")
        XCTAssertTrue(seen.contains("│ q               quit"), "the last row comes into view")
    }

    func testCollapseAndExpand() throws {
        var s = try AppState.testing("resnet50")
        s.handle(.character("-"))
        XCTAssertTrue(s.render().lines.contains { $0.contains("▸ layer1 ") })
        s.handle(.character("+"))
        XCTAssertTrue(s.render().lines.contains { $0.contains("▾ downsample") })
    }

    func testTooSmallTerminalSaysSo() throws {
        let lines = try AppState.testing("resnet50", 79, 24).render().trimmedLines
        XCTAssertTrue(lines.contains { $0.contains("Terminal too small") })
        XCTAssertTrue(lines.contains { $0.contains("79x24; cnn-tui needs at least 80x24.") })
    }

    func testHelpAndQuitAlwaysEndTheKeyLine() throws {
        for screen in ["1", "2", "3", "4"] {
            var s = try AppState.testing("lenet5", 80, 24)
            s.handle(.character(Character(screen)))
            let last = s.render().trimmedLines.last!
            XCTAssertTrue(last.hasSuffix("? help  q quit"), "screen \(screen): \(last)")
        }
    }

    func testNarrowTerminalsShortenTheTabsToKeepTheModelName() throws {
        let narrow = try AppState.testing("resnet50", 80, 24).render().trimmedLines[0]
        XCTAssertTrue(narrow.contains("2 RF") && narrow.hasSuffix("ResNet-50 · 3x224x224"), narrow)
        let wide = try AppState.testing("resnet50", 120, 40).render().trimmedLines[0]
        XCTAssertTrue(wide.contains("2 Receptive field") && wide.hasSuffix("ResNet-50 · 3x224x224"), wide)
    }

    func testKeysWaitWhileTheTerminalIsTooSmall() throws {
        var s = try AppState.testing("resnet50", 79, 24)
        s.handle(.character("3"))
        s.handle(.character("m"))
        XCTAssertEqual(s.screen, .graph, "no screen changes unseen")
        XCTAssertNil(s.overlay)
        s.handle(.character("q"))
        XCTAssertTrue(s.shouldQuit)
    }

    func testEveryModelAndScreenRendersAt80x24And120x40() throws {
        for model in Zoo.all {
            for (w, h) in [(80, 24), (120, 40)] {
                var s = try AppState.testing(model.name, w, h)
                for screen in 1...4 {
                    s.handle(.character(Character(String(screen))))
                    let canvas = s.render()
                    XCTAssertEqual(canvas.lines.count, h)
                    XCTAssertTrue(canvas.lines[0].contains("cnn-tui"), "\(model.name) \(w)x\(h) screen \(screen)")
                    XCTAssertTrue(canvas.lines[h - 2].contains("Params"), "\(model.name) \(w)x\(h) screen \(screen)")
                }
            }
        }
    }

    func testASCIIModeDrawsOnlyASCII() throws {
        var s = try AppState.testing("googlenet", ascii: true)
        for key in [Key.character("+"), .down, .down] { s.handle(key) }
        let canvas = s.render().asciiOnly()
        for line in canvas.lines {
            XCTAssertTrue(line.allSatisfy(\.isASCII), line)
        }
        XCTAssertTrue(canvas.lines.contains { $0.contains("|-*") }, "branches drawn with | - *")
    }

    func testMonochromeThemeUsesNoColours() throws {
        let s = try AppState(model: Zoo.model(named: "resnet50")!, theme: Theme(colors: false), size: (120, 40))
        let canvas = s.render()
        XCTAssertTrue(canvas.cells.allSatisfy { $0.style.foreground == .default && $0.style.background == .default })
        XCTAssertTrue(canvas.cells.contains { $0.style.attributes.contains(.reverse) }, "the selection still shows")
    }
}
