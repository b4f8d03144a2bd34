import CNNData
import CNNModel
import CNNRuntime
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNTUI

/// The feature-map screen over real engine runs on the bundled samples.
final class FeatureMapsScreenTests: XCTestCase {
    static let catalog = SampleCache(files: SampleFiles(root: Repository.assets.path))

    /// `model` on the feature-map screen, its first sample computed.
    private func maps(_ model: String, _ width: Int = 120, _ height: Int = 40, ascii: Bool = false) throws -> AppState {
        var s = try AppState(model: Zoo.model(named: model)!, theme: Theme(ascii: ascii), size: (width, height), samples: Self.catalog)
        s.handle(.character("4"))
        s.featureMaps.session?.waitUntilIdle()
        return s
    }

    private func press(_ keys: [Key], _ s: inout AppState) {
        for key in keys { s.handle(key) }
        s.featureMaps.session?.waitUntilIdle()
    }

    func testLeNet5ReadsTheFirstTestDigitAtConv1() throws {
        let lines = try maps("lenet5").render().lines
        XCTAssertTrue(lines.contains { $0.contains("mnist:0  (1 of 1,000)") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("true class: 6") })
        XCTAssertTrue(lines.contains { $0.contains("fed: 1x32x32, centred") })
        XCTAssertTrue(lines.contains { $0.contains("predicted 6 (100.0%), right") })
        XCTAssertTrue(lines.contains { $0.contains("trained weights") })
        XCTAssertTrue(lines.contains { $0.contains("(lenet5-mnist.safetensors)") })
        XCTAssertTrue(lines[1].contains("c1 · conv 5x5 · 6x28x28 · layer 1/12"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("6 channels · page 1/1") })
        XCTAssertTrue(lines.contains { $0.contains("#0 -5.99..6.32") }, "channel titles carry their own range")
    }

    func testSteppingThroughEveryLayerFollowsTheGraphSelection() throws {
        var s = try maps("lenet5")
        let names = s.analysis.graph.layers.map(\.name)
        for id in 2..<names.count {
            press([.character("n")], &s)
            XCTAssertEqual(s.selectedLayer, id)
            XCTAssertTrue(s.render().lines[1].contains("\(names[id]) · "), s.render().lines[1])
        }
        let output = s.render().lines
        XCTAssertTrue(output[1].contains("output · dense 10 · 10 · layer 12/12"), output[1])
        XCTAssertTrue(output.contains { $0.contains("the network's output") })
        s.handle(.character("1"))
        XCTAssertTrue(s.render().lines.contains { $0.contains("Inspector") }, "on the graph screen")
        XCTAssertEqual(s.graph.selectedLayer, names.count - 1, "the graph has the same layer selected")
        s.handle(.up)
        s.handle(.character("4"))
        XCTAssertTrue(s.render().lines[1].contains("act6 · tanh · 84 · layer 11/12"), "and a layer chosen there shows here")
    }

    func testPoolingLayerShowsItsSixteenMapsInASCII() throws {
        var s = try maps("lenet5", ascii: true)
        press(Array(repeating: .character("n"), count: 5), &s)  // c1 act1 s2 c3 act3 s4
        let lines = s.render().asciiOnly().lines
        XCTAssertTrue(lines[1].contains("s4 - avgpool 2 - 16x5x5 - layer 6/12"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("#15 ") })
        let ramp = Set(" .:-=+*#%@")
        for line in lines { XCTAssertTrue(line.allSatisfy(\.isASCII), line) }
        XCTAssertTrue(lines.joined().contains { ramp.contains($0) && $0 != " " })
    }

    func testChannelsPageAndZoomAt80x24() throws {
        var s = try maps("nin", 80, 24)
        press([.home, .character("n")], &s)  // the first convolution
        var lines = s.render().lines
        let info = try XCTUnwrap(lines.first { $0.contains("192 channels · page 1/") }, lines.joined(separator: "\n"))
        let pages = Int(info.split(separator: "/")[1].prefix { $0.isNumber })!
        XCTAssertGreaterThan(pages, 4)
        XCTAssertTrue(lines.contains { $0.contains("random weights (seed 42)") }, "untrained: said where predictions would be")
        press([.pageDown], &s)
        lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("192 channels · page 2/\(pages)") }, lines.joined(separator: "\n"))
        press([.enter], &s)
        lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("channel 9 zoomed") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("#9 of 192: 32x32") }, lines.joined(separator: "\n"))
        press([.escape, .character("d")], &s)
        XCTAssertTrue(s.render().lines.contains { $0.contains("scale: layer, signed") })
    }

    func testChannelsPageAt120x40() throws {
        var s = try maps("nin")
        press([.home, .character("n")], &s)
        let lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("192 channels · page 1/") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("cifar10:0  (1 of 20)") }, "a colour model starts on CIFAR-10")
    }

    func testFilterKernelsAreTheClassicOnes() throws {
        var s = try maps("filters")
        var text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("mnist:0"), "a gray model starts on the digits")
        for name in ["identity", "box blur", "sharpen", "emboss", "outline", "Sobel x", "Sobel y"] {
            XCTAssertTrue(text.contains(name + " "), "the maps are titled by their kernels' names: \(name)")
        }
        press([.right, .right, .enter], &s)
        text = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("#2 sharpen of 7"), text)
        XCTAssertTrue(text.contains("kernel 0 -1.00 0 | -1.00 5.00 -1.00 | 0 -1.00 0"), "zoomed, the kernel's numbers")
        press([.escape, .character("w")], &s)
        let lines = s.render().lines
        XCTAssertTrue(lines[1].contains("kernels of conv"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("7 filters x 1 input channel of 3x3") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("identity 0..1.00") }, "the identity kernel: one 1, the rest 0")
        XCTAssertTrue(lines.contains { $0.contains("not a classifier") })
    }

    func testSamplesAndDataSetsChangeWithBrackets() throws {
        var s = try maps("lenet5")
        press([.character("]")], &s)
        XCTAssertTrue(s.render().lines.contains { $0.contains("mnist:1  (2 of 1,000)") })
        press([.character("["), .character("[")], &s)
        XCTAssertTrue(s.render().lines.contains { $0.contains("mnist:999  (1,000 of 1,000)") })
        press([.character("}")], &s)
        let lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("cifar10:0  (1 of 20)") })
        XCTAssertTrue(lines.contains { $0.contains("fed: 1x32x32, as is, made gray") }, "a colour image made gray for LeNet")
    }

    func testArrowsChangeTheSampleWhenTheInputHasTheFocus() throws {
        var s = try maps("lenet5")
        press([.right], &s)
        XCTAssertEqual(s.featureMaps.channel, 1, "the maps have the focus: arrows move between channels")
        XCTAssertEqual(s.featureMaps.index, 0)
        press([.character("i"), .right, .right], &s)
        var lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("mnist:2  (3 of 1,000)") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("Input ←→ sample") })
        XCTAssertTrue(lines.last!.contains("←→ sample"), lines.last!)
        press([.left, .down], &s)
        lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("cifar10:0  (1 of 20)") }, lines.joined(separator: "\n"))
        press([.escape, .right], &s)
        XCTAssertEqual(s.featureMaps.focus, .maps)
        XCTAssertEqual(s.featureMaps.index, 0, "back on the maps, arrows move between channels again")
    }

    func testLabelsOfAnotherDataSetAreNotScored() throws {
        // LeNet-5 reads digits: a CIFAR-10 "ship" (class 8) is no digit 8, so no right or wrong.
        var s = try maps("lenet5")
        press([.character("}")], &s)
        for _ in 0..<20 {
            let lines = s.render().lines
            XCTAssertTrue(lines.contains { $0.contains("true class: ") }, lines.joined(separator: "\n"))
            XCTAssertTrue(lines.contains { $0.contains("labels differ") }, lines.joined(separator: "\n"))
            XCTAssertFalse(lines.contains { $0.contains(", right") || $0.contains(", true ") }, lines.joined(separator: "\n"))
            press([.character("]")], &s)
        }
    }

    func testOpeningAnImageFileAndABadPath() throws {
        var s = try maps("lenet5")
        press([.character("o")] + "/nonexistent.png".map { Key.character($0) } + [.enter], &s)
        XCTAssertTrue(s.render().lines.last!.contains("/nonexistent.png: no such file"), s.render().lines.last!)
        let png = Self.catalog.files.root + "/imagenet/00_243.png"
        press([.character("o")] + png.map { Key.character($0) } + [.enter], &s)
        XCTAssertTrue(s.render().lines.contains { $0.contains("fed: 1x32x32, resized, made gray") })
        XCTAssertTrue(s.render().lines.contains { $0.contains("no label, 224x224") })
    }

    func testTheRunLoopRedrawsWhileTheEngineWorks() throws {
        let backend = TestBackend(width: 120, height: 40, keys: [.character("4")])
        let state = try AppState(model: Zoo.model(named: "lenet5")!, samples: Self.catalog)
        let runner = AppRunner(state: state, backend: backend)
        runner.run()  // returns when the keys are used up and the engine has finished
        XCTAssertTrue(backend.screen.lines.contains { $0.contains("predicted 6") }, backend.screen.lines.joined(separator: "\n"))
        XCTAssertTrue(backend.screen.lines.contains { $0.contains("forward pass: 12 layers") })
    }

    func testReceptiveFieldDrawnOnTheSampleImage() throws {
        var s = try AppState(model: Zoo.model(named: "lenet5")!, theme: Theme(ascii: true), size: (120, 40), samples: Self.catalog)
        s.handle(.character("2"))
        var lines = s.render().asciiOnly().lines
        XCTAssertTrue(lines.contains { $0.contains("Field on the input (i: on the image)") }, lines.joined(separator: "\n"))
        s.handle(.character("i"))
        s.handle(.character("G"))
        lines = s.render().asciiOnly().lines
        XCTAssertTrue(lines.contains { $0.contains("Field on mnist:0 (i: grid)") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("@@") }, "the digit's strokes show inside the field")
    }

    func testASquareFieldIsDrawnSquare() throws {
        // LeNet-5's C3 sees 14x14 of the 32x32 input: as many cells down as across (two columns each).
        var s = try AppState(model: Zoo.model(named: "lenet5")!, theme: Theme(), size: (120, 40), samples: Self.catalog)
        s.handle(.character("2"))
        for _ in 0..<3 { s.handle(.down) }
        let lines = s.render().lines
        XCTAssertTrue(lines.contains { $0.contains("c3: unit (4,4) of 10x10") }, lines.joined(separator: "\n"))
        let top = try XCTUnwrap(lines.firstIndex { $0.contains("Field on the input") })
        let bottom = try XCTUnwrap(lines.firstIndex { $0.contains("c3: unit (4,4)") })
        let field = lines[(top + 1)..<bottom].map { line -> Int in
            let cells = Array(line.suffix(61))  // the right-hand pane
            return cells.filter { $0 == "█" || $0 == "●" }.count + cells.filter { $0 == "●" }.count
        }
        let rows = field.filter { $0 > 0 }
        XCTAssertFalse(rows.isEmpty)
        XCTAssertEqual(rows.max()! / 2, rows.count, "cells across = cells down: \(rows)")
        let caption = try XCTUnwrap(lines.first { $0.contains("1 cell = ") })
        XCTAssertTrue(caption.contains("1 cell = 2.5 px"), caption)
    }

    func testTheImageAsFedIsPlacedBeforeTheEngineHasIt() {
        // A white 28x28 digit field in LeNet's 32x32 input: two black rows and columns around it.
        let sample = Image(width: 28, height: 28, channels: 1, pixels: [UInt8](repeating: 255, count: 28 * 28))
        let fed = FeatureMapsScreen.fedImage(nil, sample: sample, shape: TensorShape(channels: 1, height: 32, width: 32), labels: nil)
        XCTAssertEqual([fed.width, fed.height, fed.channels], [32, 32, 1])
        XCTAssertEqual(fed.pixels[1 * 32 + 1], 0)
        XCTAssertEqual(fed.pixels[2 * 32 + 2], 255)
        XCTAssertEqual(fed.pixels[29 * 32 + 29], 255)
        XCTAssertEqual(fed.pixels[30 * 32 + 29], 0)
        XCTAssertEqual(fed.pixels.filter { $0 == 255 }.count, 28 * 28)
    }
}
