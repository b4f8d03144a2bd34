import CNNData
import CNNEngine
import CNNImport
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// Zoo models written as ONNX (`export --format onnx`, `W` to a .onnx file) and read back: the
/// same counts and the same outputs. (Checked outside the tests with onnx.checker and ONNX
/// Runtime too: see the closing note of the own-networks issue.)
final class ONNXExportTests: XCTestCase {
    private let assets = SampleFiles(root: Repository.assets.path)

    /// The model's output for `sin(0.1 i)` with the weights it loads.
    private func output(_ model: ZooModel, _ analysis: ModelAnalysis) throws -> [Float] {
        try engineOutput(model, analysis, assets: assets).output
    }

    /// A model file written to a temporary folder and loaded.
    private func load(_ text: String, as name: String) throws -> ZooModel {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-tui-export-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ModelFile.load(path)
    }

    private func roundTrip(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try XCTUnwrap(Zoo.model(named: name))
        let analysis = try model.analysis()
        let (data, _) = try ModelFile.onnx(model, analysis: analysis, assets: assets)
        let back = ZooModel(imported: try ONNXImport.network(try ONNXFile.decode(data, folder: nil), file: "\(name).onnx"), file: "\(name).onnx")
        let backAnalysis = try back.analysis()
        XCTAssertEqual(backAnalysis.trainableParams, analysis.trainableParams, name, file: file, line: line)
        XCTAssertEqual(backAnalysis.macs, analysis.macs, name, file: file, line: line)
        XCTAssertEqual(backAnalysis.layers.last?.receptiveField, analysis.layers.last?.receptiveField, name, file: file, line: line)
        let expected = try output(model, analysis)
        assertMatches(expected, try output(back, backAnalysis), relative: 0, absolute: 1e-5 * (expected.map(abs).max() ?? 1), name, file: file, line: line)
    }

    func testLeNet5WithItsTrainedWeights() throws { try roundTrip("lenet5") }
    func testGoogLeNetsBranches() throws { try roundTrip("googlenet") }
    func testMobileNetV2sDepthwiseConvolutionsAndReLU6() throws { try roundTrip("mobilenet_v2") }
    func testEfficientNetB0sSiLUAndSqueezeExcitation() throws { try roundTrip("efficientnet_b0") }
    func testNASNetsPaddingAndCropping() throws { try roundTrip("nasnet_mobile") }

    /// A ConvNeXt block written by hand: its channels-last LayerNorm, per-position Linear layers
    /// (written as Transpose, MatMul, Add, Transpose) and layer scale read back as the same layers,
    /// with the same outputs.
    func testConvNeXtBlockFromAModelFile() throws {
        let text = """
            input 3x16x16
            stem: conv filters=8 kernel=4 stride=4
            norm: layernorm eps=0.000001
            dw: conv filters=8 kernel=7 padding=3 groups=8
            ln: layernorm eps=0.000001
            fc1: dense units=32 per_position=true
            act: gelu
            fc2: dense units=8 per_position=true
            gamma: scale
            sum: add < gamma, norm
            pool: globalavgpool
            head_norm: layernorm
            head: dense units=10
            """
        let model = try load(text, as: "block.cnn")
        let analysis = try model.analysis()
        // 4*4*3*8+8 + 2*8 + 7*7*8+8 + 2*8 + 8*32+32 + 32*8+8 + 8 + 2*8 + 8*10+10
        XCTAssertEqual(analysis.trainableParams, 392 + 16 + 400 + 16 + 288 + 264 + 8 + 16 + 90)
        let (data, _) = try ModelFile.onnx(model, analysis: analysis, assets: assets)
        let back = ZooModel(imported: try ONNXImport.network(try ONNXFile.decode(data, folder: nil), file: "block.onnx"), file: "block.onnx")
        let backAnalysis = try back.analysis()
        // The flat global pooling comes back as ONNX spells it, a pooling and a flatten.
        XCTAssertEqual(backAnalysis.graph.layers.map(\.op.typeName).filter { $0 != "Flatten" }, analysis.graph.layers.map(\.op.typeName))
        XCTAssertEqual(backAnalysis.trainableParams, analysis.trainableParams)
        XCTAssertEqual(backAnalysis.macs, analysis.macs)
        let expected = try output(model, analysis)
        XCTAssertEqual(expected.count, 10)
        assertMatches(expected, try output(back, backAnalysis), relative: 0, absolute: 1e-5 * (expected.map(abs).max() ?? 1))
    }

    /// A ShuffleNet V2 unit with the kinds a file brings in: the shift, slices, the shuffle
    /// (written as Reshape, Transpose, Reshape), a difference, a leaky ReLU, a global max pool.
    /// The affine comes back as ONNX spells it, a Mul and an Add, the flat pool as a pool and a flatten.
    func testShuffleUnitFromAModelFile() throws {
        let model = try load(ModelTextExamples.shuffleUnit, as: "unit.cnn")
        let analysis = try model.analysis()
        let (data, _) = try ModelFile.onnx(model, analysis: analysis, assets: assets)
        let back = ZooModel(imported: try ONNXImport.network(try ONNXFile.decode(data, folder: nil), file: "unit.onnx"), file: "unit.onnx")
        let backAnalysis = try back.analysis()
        XCTAssertEqual(Set(backAnalysis.graph.layers.map(\.op.typeName)), Set(analysis.graph.layers.map(\.op.typeName) + ["Flatten"]))
        XCTAssertEqual(backAnalysis.graph.layers.count, analysis.graph.layers.count + 2, "the affine as two layers, the flat pool as a pool and a flatten")
        XCTAssertEqual(backAnalysis.trainableParams, analysis.trainableParams)
        XCTAssertEqual(backAnalysis.macs, analysis.macs)
        let expected = try output(model, analysis)
        XCTAssertEqual(expected.count, 10)
        assertMatches(expected, try output(back, backAnalysis), relative: 0, absolute: 1e-5 * (expected.map(abs).max() ?? 1))
    }
}
