import CNNEngine
import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// Keras models converted by tf2onnx (Scripts/make-tf2onnx-fixtures.py): an NHWC input
/// transposed at once, batchnorms as a Mul and an Add by one constant per channel, Keras's
/// `Flatten` as a channels-last reshape, Keras's layer names in TensorFlow's scopes. The engine's
/// output equals ONNX Runtime's (which equals Keras's own within 4e-8) for the same image.
final class TF2ONNXTests: XCTestCase {
    private struct Fixture: Decodable {
        let input: [Int]
        let kerasParams: Int
        let kerasTrainable: Int
        let kerasNonTrainable: Int
        let output: [Float]
    }

    /// The file's parameters: Keras's trainable ones. A batchnorm's gamma and beta (2C
    /// trainable) are written as the Mul's and the Add's C constants each; its moving mean and
    /// variance (2C non-trainable) are folded into them.
    @discardableResult
    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> ModelAnalysis {
        let folder = Repository.fixture("onnx-tf2onnx")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent(name + ".json")))
        let path = folder.appendingPathComponent(name + ".onnx").path
        let model = try ModelFile.load(path)
        let analysis = try model.analysis()
        XCTAssertEqual(analysis.input.dims, fixture.input, "the NHWC input read channels first", file: file, line: line)
        XCTAssertEqual(analysis.totalParams, fixture.kerasTrainable, name, file: file, line: line)
        XCTAssertEqual(fixture.kerasParams, fixture.kerasTrainable + fixture.kerasNonTrainable)
        let (output, _) = try engineOutput(model, analysis)
        let largest = fixture.output.map(abs).max() ?? 1
        assertMatches(fixture.output, output, relative: 0, absolute: 1e-4 * largest, "\(name) against ONNX Runtime", file: file, line: line)
        return analysis
    }

    /// Flatten of a 16x8x8 map channels last, before a 1024x10 product: the product's columns
    /// are reordered to the graph's channels-first flatten, and the output is unchanged.
    func testSmallCNNWithItsChannelsLastFlatten() throws {
        let analysis = try check("keras_small_cnn")
        let names = analysis.graph.layers.map(\.name)
        XCTAssertTrue(names.contains("conv1") && names.contains("pw") && names.contains("predictions"), "Keras's names: \(names)")
        XCTAssertTrue(analysis.graph.layers.contains { $0.op == .activation(.leakyRelu(slope: 0.1)) })
    }

    func testInceptionModule() throws {
        let analysis = try check("keras_inception")
        XCTAssertEqual(analysis.graph.layers.filter { $0.op == .concat }.count, 1)
    }

    /// Also: ZeroPadding2D is folded into the convolution after it (as `Conv__6` with pads 1).
    func testResidualBlockWithBatchnormsAndAGlobalMaxPool() throws {
        let analysis = try check("keras_residual")
        XCTAssertEqual(analysis.graph.layers.filter { $0.op == .channelShift }.count, 3, "one per batchnorm")
        XCTAssertTrue(analysis.graph.layers.contains { $0.op == .globalMaxPool(keepDims: true) })
    }
}
