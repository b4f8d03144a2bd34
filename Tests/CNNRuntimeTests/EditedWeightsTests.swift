import CNNData
import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNRuntime

/// An edited network keeps the original's weights wherever their names and shapes still fit:
/// the trained LeNet-5 with a layer added still reads digits; a changed layer and the one after
/// it start again from random values, and the weights say so.
final class EditedWeightsTests: XCTestCase {
    private let assets = SampleFiles(root: Repository.assets.path)

    func testAnAddedActivationKeepsEveryTrainedTensor() throws {
        let lenet = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let graph = try lenet.graph().inserting(.identity, named: "same", after: 1)
        let edited = lenet.edited(graph)
        XCTAssertEqual(edited.title, "LeNet-5 (edited)")
        let loaded = try ModelWeights.load(edited, analysis: try edited.analysis(), assets: assets)
        XCTAssertEqual(loaded.description, "trained weights (lenet5-mnist.safetensors), every tensor still fits")
        XCTAssertTrue(loaded.isTrained)
    }

    func testAChangedLayerAndItsReaderStartAgainFromRandomValues() throws {
        let lenet = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let c5 = try XCTUnwrap(lenet.graph().layer(named: "c5")).id
        let f6 = try XCTUnwrap(lenet.graph().layer(named: "f6")).id
        // 100 filters instead of 120; f6 (declared for 120 inputs) then reads 100.
        let graph = try lenet.graph().replacing(c5, with: .conv2d(Conv2D(filters: 100, kernel: 5))).replacing(f6, with: .dense(Dense(outFeatures: 84)))
        let analysis = try ModelAnalysis(graph: graph, input: lenet.defaultInput)
        let loaded = try ModelWeights.load(lenet.edited(graph), analysis: analysis, seed: 7, assets: assets)
        // c5's weight and bias, and f6's weight (84 x 100 now), are new; the other seven are trained.
        XCTAssertEqual(loaded.description, "trained weights (lenet5-mnist.safetensors) where they still fit (7 tensors); 3 random (seed 7)")
        XCTAssertFalse(loaded.isTrained)
        let original = try ModelWeights.load(lenet, analysis: try lenet.analysis(), assets: assets)
        XCTAssertEqual(loaded.weights["c1.weight"]?.values, original.weights["c1.weight"]?.values)
        XCTAssertEqual(loaded.weights["c5.weight"]?.shape, [100, 16, 5, 5])
    }
}
