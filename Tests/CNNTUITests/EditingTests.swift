import CNNImport
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNTUI

/// "What if" in the browser: `d` deletes the selected layer, everything recomputes at once and
/// the rows that changed are marked; an edit that breaks a later layer is refused; `u` undoes.
final class EditingTests: XCTestCase {
    /// The state with the cursor on `name`'s row.
    private func state(_ model: String, at name: String) throws -> AppState {
        var s = try AppState.testing(model)
        let row = try XCTUnwrap(
            s.graph.rows.firstIndex { row in
                if case .layer(let id) = row.kind { return s.analysis.graph.layers[id].name == name }
                return false
            })
        s.graph.select(row)
        return s
    }

    func testDeletingResNetsMaxPoolQuadruplesLayer1sMultAdds() throws {
        var s = try state("resnet18", at: "maxpool")
        let before = s.analysis
        s.handle(.character("d"))
        XCTAssertEqual(s.analysis.graph.layers.count, before.graph.layers.count - 1)
        XCTAssertNil(s.analysis.graph.layer(named: "maxpool"))
        let conv = try XCTUnwrap(s.analysis.graph.layer(named: "layer1.0.conv1"))
        XCTAssertEqual(s.analysis.layers[conv.id].outputShape, TensorShape(channels: 64, height: 112, width: 112))
        XCTAssertEqual(s.analysis.layers[conv.id].macs, 4 * before.layers[before.graph.layer(named: "layer1.0.conv1")!.id].macs)
        XCTAssertEqual(s.analysis.trainableParams, before.trainableParams, "a pooling layer has no parameters")
        XCTAssertTrue(s.graph.changed.contains(conv.id))
        XCTAssertEqual(s.model.title, "ResNet-18 (edited)")
        XCTAssertEqual(s.status, "Deleted maxpool · 65 changed (*) · u undoes")
        let lines = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(lines.contains("conv1 *"), lines)
        XCTAssertTrue(lines.contains("Mult-adds 6.90G"), "the status bar follows: \(lines)")
    }

    func testUndoGoesBackEditByEdit() throws {
        var s = try state("resnet18", at: "maxpool")
        let original = s.analysis
        s.handle(.character("d"))
        s.handle(.character("d"))  // the cursor is on the next row now: layer1
        XCTAssertEqual(s.edits.count, 2)
        s.handle(.character("u"))
        XCTAssertEqual(s.edits.count, 1)
        XCTAssertEqual(s.status, "Undone; 1 more to undo")
        s.handle(.character("u"))
        XCTAssertEqual(s.analysis.graph, original.graph)
        XCTAssertEqual(s.model.title, "ResNet-18")
        XCTAssertTrue(s.graph.changed.isEmpty)
        s.handle(.character("u"))
        XCTAssertEqual(s.status, "Nothing to undo")
    }

    func testAnEditThatBreaksALaterLayerIsRefusedAndChangesNothing() throws {
        var s = try state("resnet18", at: "flatten")
        let before = s.analysis
        s.handle(.character("d"))
        XCTAssertEqual(s.analysis.graph, before.graph)
        XCTAssertEqual(s.status, "Refused, nothing changed: layer fc (dense 1000): a dense layer needs a flat input, got 512x1x1; flatten or pool first")
        XCTAssertTrue(s.edits.isEmpty)
    }

    func testAMergeCannotBeDeleted() throws {
        var s = try state("resnet18", at: "layer1.0.add")
        s.handle(.character("d"))
        XCTAssertEqual(s.status, "Cannot: layer1.0.add merges 2 inputs: deleting it would leave its readers without one")
    }

    private func typeKeys(_ keys: [Key], into s: inout AppState) {
        for key in keys { s.handle(key) }
    }

    /// The course notes' question: what does a 5x5 instead of a 3x3 cost, and what does it see?
    func testAKernelFrom3To5InTheEditor() throws {
        var s = try state("resnet18", at: "layer1.0.conv1")
        let before = s.analysis
        s.handle(.character("e"))
        guard case .edit(let editor) = s.overlay else { return XCTFail("the editor opens") }
        XCTAssertEqual(editor.fields.map(\.key), ["filters", "kernel", "stride", "padding", "dilation", "groups", "bias"])
        XCTAssertTrue(s.render().lines.joined(separator: "\n").contains("Edit layer1.0.conv1 (conv)"))
        // kernel 3 -> 5, padding 1 -> 2 (so that the residual add still matches).
        typeKeys([.down, .backspace, .character("5"), .down, .down, .backspace, .character("2"), .enter], into: &s)
        XCTAssertNil(s.overlay)
        XCTAssertEqual(s.status, "Edited layer1.0.conv1: kernel 3→5, padding 1→2 · 65 changed (*) · u undoes")
        let id = try XCTUnwrap(s.analysis.graph.layer(named: "layer1.0.conv1")).id
        XCTAssertEqual(s.analysis.layers[id].params, 5 * 5 * 64 * 64)
        XCTAssertEqual(s.analysis.trainableParams, before.trainableParams + (25 - 9) * 64 * 64)
        XCTAssertEqual(s.analysis.layers[id].receptiveField.size, Size2(27), "11 + (5 - 1) * 4")
        s.handle(.character("u"))
        XCTAssertEqual(s.analysis.graph, before.graph)
    }

    func testASettingOutOfRangeStaysInTheEditorWithTheReason() throws {
        var s = try state("resnet18", at: "layer1.0.conv1")
        typeKeys([.character("e"), .down, .backspace, .character("0"), .enter], into: &s)
        guard case .edit(let editor) = s.overlay else { return XCTFail("still open") }
        XCTAssertEqual(editor.problem, "kernel=0 is not a size like 3 or 3x5")
        s.handle(.escape)
        XCTAssertNil(s.overlay)
        XCTAssertTrue(s.edits.isEmpty, "Esc leaves the layer as it was")
    }

    func testFiltersThatBreakTheResidualAddAreRefused() throws {
        var s = try state("resnet18", at: "layer1.0.conv2")
        let before = s.analysis
        typeKeys([.character("e"), .backspace, .backspace, .character("3"), .character("2"), .enter], into: &s)
        XCTAssertEqual(s.analysis.graph, before.graph)
        XCTAssertEqual(s.status, "Refused, nothing changed: layer layer1.0.add (add): cannot add tensors of shapes 32x56x56 and 64x56x56")
    }

    func testALayerWithoutSettingsSaysSo() throws {
        var s = try state("resnet18", at: "relu")
        s.handle(.character("e"))
        XCTAssertNil(s.overlay)
        XCTAssertEqual(s.status, "relu has no settings to edit (d deletes it)")
    }

    /// A batchnorm after VGG-11's first convolution: 128 more parameters (64 trainable), and
    /// the relu now reads it.
    func testAddingABatchnormAfterAConvolution() throws {
        var s = try state("vgg11", at: "features.0")
        let before = s.analysis
        s.handle(.character("a"))
        s.type("bn: batchnorm")
        s.handle(.enter)
        XCTAssertEqual(s.status, "Added bn after features.0 · 1 changed (*) · u undoes")
        let bn = try XCTUnwrap(s.analysis.graph.layer(named: "features.bn"))
        XCTAssertEqual(s.analysis.graph.layers[bn.id + 1].inputs, [bn.id])
        XCTAssertEqual(s.analysis.trainableParams, before.trainableParams + 128)
        XCTAssertEqual(s.analysis.nonTrainableParams, before.nonTrainableParams + 128)
        s.handle(.character("a"))
        s.type("conv kernel=3")
        s.handle(.enter)
        XCTAssertEqual(s.status, "Not added: filters= is missing")
    }

    func testWSavesTheEditedNetworkAsAModelFile() throws {
        var s = try state("resnet18", at: "maxpool")
        s.handle(.character("d"))
        s.handle(.character("W"))
        guard case .save(let suggested) = s.overlay else { return XCTFail("W asks where") }
        XCTAssertEqual(suggested, "resnet18-edited.cnn")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-save-\(getpid()).cnn").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        for _ in suggested { s.handle(.backspace) }
        s.type(path)
        s.handle(.enter)
        XCTAssertEqual(s.status, "Saved \(path) (a model file: cnn-tui \(path) opens it)")
        let (graph, input) = try ModelText.read(try String(contentsOfFile: path, encoding: .utf8), file: path)
        for (a, b) in zip(graph.layers, s.analysis.graph.layers) where a != b {
            XCTFail("saved \(a) for \(b)")
            break
        }
        XCTAssertEqual(graph.layers.count, s.analysis.graph.layers.count, "the edited network, as saved")
        XCTAssertEqual(input, s.analysis.input)
        s.handle(.character("W"))
        for _ in 0..<100 { s.handle(.backspace) }
        s.type("/no/such/folder/x.cnn")
        s.handle(.enter)
        XCTAssertEqual(s.status, "Not saved: cannot write /no/such/folder/x.cnn: the folder /no/such/folder does not exist")
    }

    /// In the model picker, a path that matches no zoo model opens that file.
    func testThePickerOpensAFileByItsPath() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.character("m"))
        let path = Repository.fixture("onnx/tiny-cnn-opset13.onnx").path
        s.type(path)
        XCTAssertTrue(s.render().lines.joined().contains("Enter opens the file"))
        s.handle(.enter)
        XCTAssertEqual(s.model.name, "tiny-cnn-opset13.onnx")
        XCTAssertEqual(s.analysis.trainableParams, 426)
        s.handle(.character("m"))
        s.type("/no/such.onnx")
        s.handle(.enter)
        XCTAssertEqual(s.status, "/no/such.onnx: no such file")
        XCTAssertEqual(s.model.name, "tiny-cnn-opset13.onnx", "the model stays")
    }

    func testTheKeysAreInTheHelp() throws {
        var s = try AppState.testing("lenet5")
        s.handle(.character("?"))
        let help = s.render().lines.joined(separator: "\n")
        XCTAssertTrue(help.contains("delete the layer"), help)
        XCTAssertTrue(help.contains("undo the last edit"), help)
        XCTAssertTrue(help.contains("edit the layer's settings"), help)
    }
}
