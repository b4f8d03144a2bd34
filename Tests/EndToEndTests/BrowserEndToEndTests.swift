import Foundation
import TestSupport
import XCTest

/// The browser driven as a user drives it, in tmux.
final class BrowserEndToEndTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(TmuxSession.tmuxPath() == nil, "tmux is not installed (Scripts/install-deps.sh installs it)")
    }

    func testPickVGG16WalkToFeatures28SeeItsFieldAndQuit() throws {
        let tmux = try TmuxSession(arguments: ["open", "lenet5"])
        try tmux.waitFor("LeNet-5 · 1x32x32")
        try tmux.send("m")
        try tmux.waitFor("Filter:")
        try tmux.type("vgg16")
        try tmux.waitFor("vgg16_bn")
        try tmux.send("Enter")
        try tmux.waitFor("VGG-16 · 3x224x224")
        // The first row is the `features` block; features.28 is 29 rows further down.
        try tmux.send(contentsOf: Array(repeating: "j", count: 29))
        // features.24 and .26 have the same parameters: wait for the inspector to reach .28 itself.
        var screen = try tmux.waitFor("│features.28 ")
        XCTAssertTrue(screen.contains("3*3*512*512 + 512 = 2,359,808"), screen)
        try tmux.send("2")
        screen = try tmux.waitFor("Receptive fields: VGG-16")
        XCTAssertTrue(screen.contains("features.28: unit (6,6) of 14x14"), screen)
        XCTAssertTrue(screen.contains("sees 196x196 of the 224x224 input"), screen)
        try tmux.send("q")
        screen = try tmux.waitFor("EXITED:0")
        XCTAssertFalse(screen.contains("Receptive fields"), "the terminal is restored after quitting:\n\(screen)")
    }

    /// A network of the user's own, exported from PyTorch: its layers, counts and feature maps.
    func testOpenAnONNXFileAndSeeItsFeatureMaps() throws {
        let file = Repository.fixture("onnx/tiny-cnn-dynamo.onnx").path
        let tmux = try TmuxSession(arguments: [file])
        var screen = try tmux.waitFor("tiny-cnn-dynamo.onnx · 1x8x8")
        XCTAssertTrue(screen.contains("Params 426"), screen)
        XCTAssertTrue(screen.contains("conv 3x3 p1"), screen)
        try tmux.send("4")
        screen = try tmux.waitFor("Prediction")
        XCTAssertTrue(screen.contains("weights from \(file)") || screen.contains("forward pass"), screen)
        try tmux.send("q")
        try tmux.waitFor("EXITED:0")
    }

    func testABrokenFileIsOneLineBeforeTheScreenOpens() throws {
        let tmux = try TmuxSession(arguments: [Repository.fixture("onnx/truncated.onnx").path])
        let screen = try tmux.waitFor("EXITED:1")
        XCTAssertTrue(screen.contains("is not a complete ONNX file"), screen)
    }

    func testResizeToTooSmallAndBack() throws {
        let tmux = try TmuxSession(arguments: ["open", "resnet50"])
        try tmux.waitFor("ResNet-50 · 3x224x224")
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "70", "-y", "20"])
        try tmux.waitFor("Terminal too small")
        try tmux.tmux(["resize-window", "-t", tmux.name, "-x", "100", "-y", "30"])
        try tmux.waitFor("ResNet-50 · 3x224x224")
        try tmux.send("C-c")
        try tmux.waitFor("EXITED:130")  // interrupted, as a shell expects of Ctrl-C
    }
}

extension TmuxSession {
    func send(contentsOf keys: [String]) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }
}
