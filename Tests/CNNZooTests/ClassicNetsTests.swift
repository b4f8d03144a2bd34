import CNNModel
import XCTest

@testable import CNNZoo

final class ClassicNetsTests: XCTestCase {
    // MARK: AlexNet

    func testAlexNetMatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.alexnet)
    }

    func testAlexNetHasTheTwoGPUPapersSixtyMillionParameters() throws {
        let analysis = try Zoo.alexnet.analysis()
        XCTAssertEqual(analysis.totalParams, 60_965_224)
        XCTAssertEqual(analysis.nonTrainableParams, 0)
        XCTAssertEqual(analysis.depth, 8)
        // The 227x227 input makes the 11x11/4 convolution land on a 55x55 map, pooled to 6x6.
        XCTAssertEqual(analysis.layer(named: "features.0")?.analysis.outputShape, TensorShape(channels: 96, height: 55, width: 55))
        XCTAssertEqual(analysis.layer(named: "features.14")?.analysis.outputShape, TensorShape(channels: 256, height: 6, width: 6))
        // groups=2: conv2 sees 48 of the 96 maps, so it has half the weights of a full convolution.
        XCTAssertEqual(analysis.layer(named: "features.4")?.analysis.trainableParams, 256 * 48 * 5 * 5 + 256)
    }

    func testAlexNetLastPoolSees195PixelsWithAJumpOf32() throws {
        let analysis = try Zoo.alexnet.analysis()
        let field = try XCTUnwrap(analysis.layer(named: "features.14")?.analysis.receptiveField)
        XCTAssertEqual(field.size, Size2(195))
        XCTAssertEqual(field.jump, Size2(32))
    }

    // MARK: ZFNet

    func testZFNetMatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.zfnet)
    }

    func testZFNetMapsShrinkThrough110_55_26_13_13_6() throws {
        let analysis = try Zoo.zfnet.analysis()
        let sizes = ["features.0", "features.3", "features.4", "features.7", "features.12", "features.14"]
            .map { analysis.layer(named: $0)?.analysis.outputShape.height }
        XCTAssertEqual(sizes, [110, 55, 26, 13, 13, 6])
        XCTAssertEqual(analysis.depth, 8)
    }

    // MARK: Network In Network

    func testNetworkInNetworkMatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.nin)
    }

    func testNetworkInNetworkEndsInGlobalAveragePoolingWithoutDenseLayers() throws {
        let analysis = try Zoo.nin.analysis()
        XCTAssertFalse(analysis.graph.layers.contains { if case .dense = $0.op { true } else { false } })
        XCTAssertEqual(analysis.layer(named: "block3.4")?.analysis.outputShape, TensorShape(channels: 10, height: 8, width: 8))
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(features: 10))
        XCTAssertEqual(analysis.depth, 9)
    }
}
