import Foundation
import XCTest

/// The feature-map screen over the real engine, as a user sees it.
final class FeatureMapsEndToEndTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(TmuxSession.tmuxPath() == nil, "tmux is not installed (Scripts/install-deps.sh installs it)")
    }

    func testLeNet5StepsToItsOutputAndReadsTheFirstDigit() throws {
        let tmux = try TmuxSession(arguments: [])  // the default start: lenet5, trained, first MNIST test digit
        try tmux.waitFor("LeNet-5 · 1x32x32")
        try tmux.send("4")
        var screen = try tmux.waitFor("mnist:0  (1 of 1,000)")
        let truth = try XCTUnwrap(screen.components(separatedBy: "true class: ").dropFirst().first?.prefix { $0.isNumber })
        try tmux.send("Home")
        try tmux.waitFor("c1 · conv 5x5 · 6x28x28 · layer 1/12")
        for layer in 2...12 {
            try tmux.send("n")
            try tmux.waitFor("· layer \(layer)/12")
        }
        screen = try tmux.waitFor("output · dense 10 · 10 · layer 12/12")
        let predicted = try XCTUnwrap(screen.components(separatedBy: "predicted ").dropFirst().first?.prefix { $0.isNumber })
        XCTAssertEqual(String(predicted), String(truth), screen)
        XCTAssertTrue(screen.contains("the network's output"), screen)
        try tmux.send("q")
        try tmux.waitFor("EXITED:0")
    }

    func testVGG16OnAPhotoShowsProgressThenItsFirstConvolution() throws {
        let tmux = try TmuxSession(arguments: ["open", "vgg16", "--sample", "imagenet:0", "--screen", "maps"])
        var screen = try tmux.waitFor("imagenet:0  (1 of 20)")
        XCTAssertTrue(screen.contains("true class: 243 bull mastiff"), screen)
        XCTAssertTrue(screen.contains("preparing weights and buffers") || screen.contains("computing layer"), screen)
        try tmux.send("Home")
        screen = try tmux.waitFor("64 channels · page 1/", timeout: 60)
        XCTAssertTrue(screen.contains("features.0 · conv 3x3 p1 · 64x224x224 · layer 1/"), screen)
        XCTAssertTrue(screen.contains("#0 "), screen)
        try tmux.waitFor("forward pass: ", timeout: 60)
        try tmux.send("q")
        try tmux.waitFor("EXITED:0")
    }

    /// What a unit sees, as a newcomer finds it: zoom a LeNet-5 channel, move the cursor, open
    /// each explanation, and quit.
    func testZoomMoveTheUnitAndExplainIt() throws {
        let tmux = try TmuxSession(arguments: ["open", "lenet5", "--screen", "maps"])
        try tmux.waitFor("predicted 6")
        try tmux.send("n", "n", "Enter")
        try tmux.waitFor("unit (7, 7)")
        try tmux.send("Right", "Down")
        try tmux.waitFor("unit (8, 8)")
        try tmux.send("e")
        try tmux.waitFor("field (box)")
        try tmux.send("a")
        try tmux.waitFor("mean over 32 samples")
        try tmux.send("Escape", "c")
        try tmux.waitFor("Grad-CAM · s2 · class 6")
        try tmux.send("Escape", "g")
        try tmux.waitFor("Guided backpropagation · class 6")
        try tmux.send("Escape", "x")
        try tmux.waitFor("largest drop")
        try tmux.send("Escape", "t")
        let patches = try tmux.waitFor("9. mnist:")
        XCTAssertTrue(patches.contains("1. mnist:") && patches.contains("5. mnist:"), "a 3x3 grid of crops:\n\(patches)")
        try tmux.send("Escape", "q")
        try tmux.waitFor("EXITED:0")
    }
}
