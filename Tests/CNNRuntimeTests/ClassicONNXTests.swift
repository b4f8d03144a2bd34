import CNNEngine
import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// Files in the style of the classic ONNX model zoo (Scripts/make-classic-onnx-fixtures.py, built
/// with onnx.helper at the old opsets: CaffeNet with LRN, grouped convolutions, Reshape and
/// Dropout at opset 8 and 4; SqueezeNet 1.0 at opset 9; a ResNet v1 with separate batchnorms at
/// opset 7), weights inside: the parameters the script counted and ONNX Runtime's output.
final class ClassicONNXTests: XCTestCase {
    struct Fixture: Decodable {
        let input: [Int]
        let params: Int
        let output: [Float]?
    }

    private func check(_ stem: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = Repository.fixture("onnx-classic")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent(stem + ".json")))
        let model = try ModelFile.load(folder.appendingPathComponent(stem + ".onnx").path)
        let analysis = try model.analysis()
        XCTAssertEqual([1] + analysis.input.dims, fixture.input, stem, file: file, line: line)
        XCTAssertEqual(analysis.totalParams, fixture.params, "\(stem): parameters", file: file, line: line)
        // ONNX Runtime no longer runs opset 4 (its Relu-1); that file is checked for its counts.
        guard let expected = fixture.output else { return }
        let executor = try Executor(analysis: analysis, weights: try ModelWeights.load(model, analysis: analysis).weights)
        let count = analysis.input.elementCount ?? 0
        try executor.setInput(Tensor(shape: fixture.input, values: (0..<count).map { Float(sin(0.1 * Double($0))) }))
        executor.run()
        let output = executor.output(analysis.graph.layers.count - 1).values
        assertMatches(expected, output, relative: 0, absolute: 1e-4 * (expected.map(abs).max() ?? 1), "\(stem) against ONNX Runtime", file: file, line: line)
    }

    func testCaffeNetAtOpset8() throws { try check("caffenet-8") }
    func testCaffeNetAtOpset4WithItsReshapeShapeAsAnAttribute() throws { try check("caffenet-4") }
    func testSqueezeNet10AtOpset9() throws { try check("squeezenet10-9") }
    func testResNetV1WithSeparateBatchnormsAtOpset7() throws { try check("resnet-v1-7") }
}
