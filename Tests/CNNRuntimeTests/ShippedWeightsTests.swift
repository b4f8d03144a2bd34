import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

final class ShippedWeightsTests: XCTestCase {
    static let assets = Repository.assets.path
    private let library = SampleFiles(root: ShippedWeightsTests.assets)

    /// The inference engine (not the trainer that made the weights) reads the 1,000 held-out
    /// digits, none of which the training saw.
    func testLeNet5ReadsAtLeast97PercentOfTheHeldOutDigits() throws {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let analysis = try model.analysis()
        let loaded = try ModelWeights.load(model, analysis: analysis, assets: library)
        XCTAssertEqual(loaded.source, .shipped("lenet5-mnist.safetensors"))
        XCTAssertTrue(loaded.isTrained)
        let executor = try Executor(analysis: analysis, weights: loaded.weights)
        let digits = try MNISTFiles.load(
            images: Self.assets + "/mnist/t10k-images-idx3-ubyte.gz",
            labels: Self.assets + "/mnist/t10k-labels-idx1-ubyte.gz")
        XCTAssertEqual(digits.count, 1000)
        var correct = 0
        for digit in digits {
            try executor.setInput(ModelInput.tensor(digit, shape: analysis.input, labels: model.labels))
            executor.run()
            let scores = executor.output(analysis.graph.layers.count - 1).values
            if scores.indices.max(by: { scores[$0] < scores[$1] }) == digit.label { correct += 1 }
        }
        XCTAssertGreaterThanOrEqual(correct, 970, "\(correct) of 1,000 held-out digits read correctly")
    }

    func testWeightsSayWhereTheyCameFrom() throws {
        let lenet = try XCTUnwrap(Zoo.model(named: "lenet5"))
        XCTAssertEqual(try ModelWeights.load(lenet, analysis: lenet.analysis(), seed: 7, assets: nil).description, "random weights (seed 7)")
        let filters = try XCTUnwrap(Zoo.model(named: "filters"))
        XCTAssertEqual(try ModelWeights.load(filters, analysis: filters.analysis(), assets: library).source, .fixed)
        let resnet = try XCTUnwrap(Zoo.model(named: "resnet18_cifar"))
        XCTAssertFalse(try ModelWeights.load(resnet, analysis: resnet.analysis(), assets: library).isTrained)
    }

    func testAFileThatIsNotSafetensorsIsAnError() throws {
        let path = NSTemporaryDirectory() + "cnn-tui-not-weights-\(getpid()).safetensors"
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lenet = try XCTUnwrap(Zoo.model(named: "lenet5"))
        XCTAssertThrowsError(try ModelWeights.load(lenet, analysis: lenet.analysis(), file: path, assets: library))
    }
}
