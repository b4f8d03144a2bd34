import CNNEngine
import CNNModel
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// Keras architecture files as models: no weights in them, so the engine runs them with He
/// initialization, and the model says so.
final class KerasNetworkTests: XCTestCase {
    func testAKerasArchitectureRunsWithRandomWeights() throws {
        let path = Repository.fixture("keras/small_cnn.keras").path
        XCTAssertTrue(ModelFile.isFile(path))
        let model = try ModelFile.load(path)
        XCTAssertEqual(model.file, path)
        XCTAssertTrue(model.constants.isEmpty)
        XCTAssertTrue(model.description.contains("weights (model.weights.h5) are not read"), model.description)
        let analysis = try model.analysis()
        let loaded = try ModelWeights.load(model, analysis: analysis)
        XCTAssertEqual(loaded.source, .random(seed: ModelWeights.defaultSeed))
        let executor = try Executor(analysis: analysis, weights: loaded.weights)
        try executor.setInput(Tensor(shape: [1, 3, 32, 32], values: (0..<3072).map { Float(sin(0.1 * Double($0))) }))
        executor.run()
        let output = executor.output(analysis.graph.layers.count - 1).values
        XCTAssertEqual(output.count, 10)
        XCTAssertEqual(Double(output.reduce(0, +)), 1, accuracy: 1e-4, "a softmax")
    }

    func testAJSONArchitectureSaysItsWeightsAreNotInTheFile() throws {
        let model = try ModelFile.load(Repository.fixture("keras/vgg16.json").path)
        XCTAssertTrue(model.description.contains("The weights are not in the file"), model.description)
        XCTAssertEqual(try model.analysis().totalParams, 138_357_544)
        XCTAssertNotNil(model.labels, "a 1000-way classifier is labelled with ImageNet's classes")
    }
}
