import CNNEngine
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// Whole torchvision networks exported to ONNX by both of PyTorch's exporters
/// (Scripts/make-onnx-network-fixtures.py), read back: their parameters against torchinfo's count
/// (with the batchnorms folded, as the exporters fold them) and the engine's output against
/// ONNX Runtime's on the same weights and input. The files carry no weights; they are written
/// here from the formula the script used.
final class ONNXNetworkTests: XCTestCase {
    struct Fixture: Decodable {
        struct Weight: Decodable {
            let name: String
            let index: Int
            let dims: [Int]
            let offset: Int
            let variance: Bool
        }
        let network: String
        let exporter: String
        let input: [Int]
        let tensors: [Weight]
        let params: Int
        let torchinfoFolded: Int
        let output: [Float]
    }

    /// The script's formula: weight k, element i is `sin(0.37 i + 1.3 k)`, scaled by
    /// `sqrt(3 / fan_in)` (0.1 for vectors); a variance is `0.5 + 0.5 |sin(...)|`.
    static func values(_ weight: Fixture.Weight) -> [Float] {
        let count = weight.dims.reduce(1, *)
        let scale = weight.dims.count >= 2 ? (3.0 / Double(max(1, count / weight.dims[0]))).squareRoot() : 0.1
        return (0..<count).map { i in
            let s = sin(0.37 * Double(i) + 1.3 * Double(weight.index))
            return weight.variance ? Float(0.5 + 0.5 * abs(s)) : Float(s * scale)
        }
    }

    /// A copy of the fixture in a temporary folder with its external data written beside it.
    private func prepare(_ stem: String) throws -> (path: String, fixture: Fixture) {
        let folder = Repository.fixture("onnx-networks")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent(stem + ".json")))
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-onnx-\(getpid())-\(stem)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: temporary) }
        let path = temporary.appendingPathComponent(stem + ".onnx")
        try FileManager.default.copyItem(at: folder.appendingPathComponent(stem + ".onnx"), to: path)
        var data = Data()
        for weight in fixture.tensors {
            XCTAssertEqual(weight.offset, data.count, "\(weight.name) follows the one before")
            Self.values(weight).withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try data.write(to: temporary.appendingPathComponent(stem + ".onnx.data"))
        return (path.path, fixture)
    }

    @discardableResult
    private func check(_ stem: String, run: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws -> ModelAnalysis {
        let (path, fixture) = try prepare(stem)
        let model = try ModelFile.load(path)
        let analysis = try model.analysis()
        XCTAssertEqual(analysis.input.dims, fixture.input, stem, file: file, line: line)
        XCTAssertEqual(analysis.totalParams, fixture.torchinfoFolded, "\(stem): parameters as torchinfo counts the folded network", file: file, line: line)
        XCTAssertEqual(fixture.params, fixture.torchinfoFolded)
        guard run else { return analysis }
        let (output, loaded) = try engineOutput(model, analysis)
        XCTAssertEqual(loaded.source, .file(path), file: file, line: line)
        let largest = fixture.output.map(abs).max() ?? 1
        assertMatches(fixture.output, output, relative: 0, absolute: 1e-4 * largest, "\(stem) against ONNX Runtime", file: file, line: line)
        return analysis
    }

    /// Also: the zoo's ResNet-18 and the exported one are the same network once its batchnorms
    /// are folded: every batchnorm's 2C parameters gone, a bias of C on the convolution before it.
    func testResNet18FromTheTorchScriptExporterIsTheZoosWithItsBatchnormsFolded() throws {
        let imported = try check("resnet18-ts")
        let zoo = try XCTUnwrap(Zoo.model(named: "resnet18")).analysis()
        let batchnormChannels = zoo.graph.layers.filter { if case .batchNorm = $0.op { return true } else { return false } }
            .map { zoo.layers[$0.id].outputShape.channels }.reduce(0, +)
        XCTAssertEqual(batchnormChannels, 4_800)
        XCTAssertEqual(imported.trainableParams, zoo.trainableParams - 2 * batchnormChannels + batchnormChannels)
        XCTAssertEqual(imported.layers.last?.outputShape, zoo.layers.last?.outputShape)
        XCTAssertEqual(imported.layers.last?.receptiveField, zoo.layers.last?.receptiveField, "the same field")
        // The convolutions' mult-adds are the zoo's; the folded network lacks the batchnorms' 2 per element.
        let zooConvs = zoo.graph.layers.filter { $0.op.isWeightLayer }.map { zoo.layers[$0.id].macs }.reduce(0, +)
        let importedConvs = imported.graph.layers.filter { $0.op.isWeightLayer }.map { imported.layers[$0.id].macs }.reduce(0, +)
        XCTAssertEqual(
            importedConvs,
            zooConvs
                + imported.graph.layers.filter { if case .conv2d = $0.op { return true } else { return false } }
                .map { imported.layers[$0.id].outputShape.elementCount ?? 0 }.reduce(0, +), "a bias is one more per output element")
    }
    func testResNet18FromTheTorchExportExporter() throws { try check("resnet18-dyn") }
    func testGoogLeNet() throws { try check("googlenet-ts") }
    /// Also at opset 11, where ONNX has no HardSwish: TorchScript writes x * HardSigmoid(x).
    func testMobileNetV3SmallFromBothExportersAndAtOpset11() throws {
        try check("mobilenet_v3_small-ts")
        try check("mobilenet_v3_small-dyn")
        let old = try check("mobilenet_v3_small-ts11")
        XCTAssertTrue(old.graph.layers.contains { $0.op == .activation(.hardSigmoid) }, "opset 11 spells HardSwish out")
    }
    func testSqueezeNet() throws { try check("squeezenet1_1-ts") }
    func testMNASNet() throws { try check("mnasnet0_5-ts") }
    func testRegNet() throws { try check("regnet_x_400mf-ts") }

    /// torch.chunk as Slices with computed bounds (TorchScript) or a Split (torch.export; at
    /// opset 11 with its sizes as an attribute) along channels, and the channel shuffle (Reshape
    /// to 5-D, Transpose, Reshape back) as one layer.
    func testShuffleNetV2FromBothExporters() throws {
        for stem in ["shufflenet_v2_x0_5-ts", "shufflenet_v2_x0_5-dyn", "shufflenet_v2_x0_5-ts11"] {
            let analysis = try check(stem)
            let shuffles = analysis.graph.layers.filter { $0.op == .channelShuffle(groups: 2) }.count
            XCTAssertEqual(shuffles, 16, "\(stem): one shuffle per block (3 + 7 + 3 blocks, 3 stages)")
            let slices = analysis.graph.layers.filter { if case .channelSlice = $0.op { return true } else { return false } }
            XCTAssertEqual(slices.count, 26, "\(stem): two per block of stride 1")
            // torch.export leaves its Split without a scope: it goes where its readers are.
            let blocks = Set(slices.compactMap { $0.block.map { analysis.graph.blocks[$0].name } })
            XCTAssertEqual(blocks.count, 13, "\(stem): \(blocks.sorted())")
            XCTAssertTrue(blocks.contains("stage2.1"), "\(stem): \(blocks.sorted())")
        }
    }

    /// `(x - 0.5) / 0.25` (fixed numbers: no parameters), LeakyReLU(0.1), a split along channels,
    /// a difference of two layers, a product with a number, a squeeze-and-excitation with Linear
    /// layers whose gate becomes a map by Unsqueeze and by view, a global max pool.
    func testConstantArithmeticLeakyReLUSplitSubtractAndMaxPoolFromBothExporters() throws {
        for stem in ["extras-ts", "extras-dyn"] {
            let analysis = try check(stem)
            let ops = analysis.graph.layers.map(\.op)
            XCTAssertTrue(ops.contains(.activation(.leakyRelu(slope: 0.1))), "\(stem): \(ops.map(\.summary))")
            XCTAssertTrue(ops.contains(.subtract), stem)
            XCTAssertTrue(ops.contains(.affine(scale: 2, shift: 0)), "\(stem): \(ops.map(\.summary))")
            let gates = ops.filter { $0 == .reshape(TensorShape(channels: 16, height: 1, width: 1)) }.count
            XCTAssertEqual(gates, 2, "\(stem): the gate by Unsqueeze and by view")
        }
    }

    /// Below opset 17 TorchScript spells each LayerNorm out (ReduceMean, Sub, Pow, ReduceMean, Add,
    /// Sqrt, Div, Mul, Add): read back as one layer, over the channels of each position and over
    /// the pooled features. A Linear at each position keeps the field (28, as the 7x7 depthwise
    /// convolution after the 4x4/4 stem sees).
    func testLayerNormSpelledOutAtOpset14() throws {
        let analysis = try check("convnext_block-ts14")
        XCTAssertEqual(analysis.graph.layers.filter { if case .layerNorm = $0.op { return true } else { return false } }.count, 3)
        let fc2 = try XCTUnwrap(analysis.graph.layers.first { $0.name == "fc2" })
        XCTAssertEqual(analysis.layers[fc2.id].receptiveField.size, Size2(28))
    }

    /// Channels-last LayerNorm between transposes, Linear layers per position, GELU (as
    /// `Div/Erf/Add/Mul/Mul` from TorchScript, as `Gelu` from torch.export) and layer scale;
    /// torchinfo's own mult-adds (322.37M: it counts a Linear's parameters once, not per position).
    /// The engine runs one of the two (each takes some 15 s in a debug build).
    func testConvNeXtTinyFromBothExporters() throws {
        for stem in ["convnext_tiny-ts", "convnext_tiny-dyn"] {
            let analysis = try check(stem, run: stem.hasSuffix("-dyn"))
            XCTAssertEqual(analysis.totalParams, 28_589_128, stem)
            XCTAssertEqual(analysis.macs, 322_371_592, stem)
            let kinds = Set(analysis.graph.layers.map(\.op.typeName))
            XCTAssertTrue(kinds.isSuperset(of: ["LayerNorm", "GELU", "LayerScale", "Linear"]), "\(stem): \(kinds.sorted())")
        }
    }
}
