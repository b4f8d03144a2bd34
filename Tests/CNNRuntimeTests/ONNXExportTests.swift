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

    private func roundTrip(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try XCTUnwrap(Zoo.model(named: name))
        let analysis = try model.analysis()
        let (data, _) = try ModelFile.onnx(model, analysis: analysis, assets: assets)
        let back = ZooModel(imported: try ONNXImport.network(try ONNXFile.decode(data, folder: nil), file: "\(name).onnx"), file: "\(name).onnx")
        let backAnalysis = try back.analysis()
        XCTAssertEqual(backAnalysis.trainableParams, analysis.trainableParams, name, file: file, line: line)
        XCTAssertEqual(backAnalysis.macs, analysis.macs, name, file: file, line: line)
        XCTAssertEqual(backAnalysis.layers.last?.receptiveField, analysis.layers.last?.receptiveField, name, file: file, line: line)
        let input = Tensor(shape: [1] + analysis.input.dims, values: (0..<(analysis.input.elementCount ?? 0)).map { Float(sin(0.1 * Double($0))) })
        func output(_ m: ZooModel, _ a: ModelAnalysis) throws -> [Float] {
            let executor = try Executor(analysis: a, weights: try ModelWeights.load(m, analysis: a, assets: assets).weights)
            try executor.setInput(input)
            executor.run()
            return executor.output(a.graph.layers.count - 1).values
        }
        let expected = try output(model, analysis)
        assertMatches(expected, try output(back, backAnalysis), relative: 0, absolute: 1e-5 * (expected.map(abs).max() ?? 1), name, file: file, line: line)
    }

    func testLeNet5WithItsTrainedWeights() throws { try roundTrip("lenet5") }
    func testGoogLeNetsBranches() throws { try roundTrip("googlenet") }
    func testMobileNetV2sDepthwiseConvolutionsAndReLU6() throws { try roundTrip("mobilenet_v2") }
    func testEfficientNetB0sSiLUAndSqueezeExcitation() throws { try roundTrip("efficientnet_b0") }
    func testNASNetsPaddingAndCropping() throws { try roundTrip("nasnet_mobile") }
}
