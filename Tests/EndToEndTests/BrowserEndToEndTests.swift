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

    /// The big layers and the counting conventions as a newcomer finds them: `s` sorts, `c`
    /// reconciles torchinfo's ResNet-50 with the paper's 3.8×10^9, the picker's Tab compares.
    func testSortCountAndCompareResNets() throws {
        let tmux = try TmuxSession(arguments: ["open", "resnet50"])
        try tmux.waitFor("ResNet-50 · 3x224x224")
        try tmux.send("s", "s")
        var screen = try tmux.waitFor("by mult-adds, largest first")
        XCTAssertTrue(screen.contains("conv1 "), screen)
        try tmux.send("c")
        screen = try tmux.waitFor("Counts: torchinfo → paper")
        XCTAssertTrue(screen.contains("4,133,742,592"), "thop's total:\n\(screen)")
        try tmux.send("Escape", "m")
        try tmux.waitFor("Filter:")
        try tmux.type("resnet101")
        try tmux.send("Tab")
        screen = try tmux.waitFor("Compare: resnet50 → resnet101")
        XCTAssertTrue(screen.contains("+ layer3.6 (Bottleneck)"), screen)
        try tmux.send("Escape", "q")
        try tmux.waitFor("EXITED:0")
    }

    /// A network of the user's own, exported from PyTorch: its layers, counts and feature maps.
    func testOpenAnONNXFileAndSeeItsFeatureMaps() throws {
        let file = Repository.fixture("onnx/tiny-cnn-dynamo.onnx").path
        let tmux = try TmuxSession(arguments: [file])
        var screen = try tmux.waitFor("tiny-cnn-dynamo.onnx · 1x8x8")
        XCTAssertTrue(screen.contains("Params 426"), screen)
        XCTAssertTrue(screen.contains("conv 3x3 p1"), screen)
        try tmux.send("4")
        // The engine panel says "preparing weights and buffers…" first: wait for the pass itself.
        screen = try tmux.waitFor("forward pass")
        XCTAssertTrue(screen.contains("Prediction"), screen)
        try tmux.send("q")
        try tmux.waitFor("EXITED:0")
    }

    /// The "what if" on a user's own file: open an ONNX export, make conv1's 3x3 a 5x5,
    /// read the new parameters and field, save, and open the saved file.
    func testEditAnONNXFilesKernelSaveAndReopen() throws {
        let file = Repository.fixture("onnx/tiny-cnn-opset13.onnx").path
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-e2e-\(getpid()).cnn").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: saved) }
        let tmux = try TmuxSession(arguments: [file])
        var screen = try tmux.waitFor("Params 426")
        XCTAssertTrue(screen.contains("conv 3x3 p1"), screen)
        try tmux.send("e")
        try tmux.waitFor("Edit conv1 (conv)")
        try tmux.send("Down", "BSpace")
        try tmux.type("5")
        try tmux.send("Down", "Down", "BSpace")
        try tmux.type("2")
        try tmux.send("Enter")
        screen = try tmux.waitFor("Edited conv1: kernel 3→5, padding 1→2")
        XCTAssertTrue(screen.contains("Params 490"), "4*25 + 4 = 104 instead of 40:\n\(screen)")
        XCTAssertTrue(screen.contains("conv 5x5 p2"), screen)
        XCTAssertTrue(screen.contains("5x5"), "the inspector's field:\n\(screen)")
        try tmux.send("W")
        try tmux.waitFor("Save the network")
        try tmux.send(contentsOf: Array(repeating: "BSpace", count: 80))
        try tmux.type(saved)
        try tmux.send("Enter")
        try tmux.waitFor("Saved \(saved)")
        try tmux.send("q")
        try tmux.waitFor("EXITED:0")
        let reopened = try TmuxSession(arguments: [saved])
        screen = try reopened.waitFor("Params 490")
        XCTAssertTrue(screen.contains("conv 5x5 p2"), screen)
        try reopened.send("q")
        try reopened.waitFor("EXITED:0")
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
