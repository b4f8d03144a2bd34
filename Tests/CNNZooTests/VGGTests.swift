import CNNModel
import XCTest

@testable import CNNZoo

final class VGGTests: XCTestCase {
    func testVGG11MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg11) }
    func testVGG13MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg13) }
    func testVGG16MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg16) }
    func testVGG19MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg19) }
    func testVGG11BNMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg11_bn) }
    func testVGG13BNMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg13_bn) }
    func testVGG16BNMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg16_bn) }
    func testVGG19BNMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg19_bn) }

    func testVGG16Has138MillionParametersAnd15GigaMultAdds() throws {
        let analysis = try Zoo.vgg16.analysis()
        XCTAssertEqual(analysis.totalParams, 138_357_544)
        XCTAssertEqual(analysis.macs, 15_483_821_032)
    }

    func testVGG16LastPoolSees212PixelsWithAJumpOf32() throws {
        let analysis = try Zoo.vgg16.analysis()
        let field = try XCTUnwrap(analysis.layer(named: "features.30")?.analysis.receptiveField)
        XCTAssertEqual(field.size, Size2(212))
        XCTAssertEqual(field.jump, Size2(32))
    }

    func testDepthIsTheNumberInTheName() throws {
        XCTAssertEqual(try Zoo.vgg11.analysis().depth, 11)
        XCTAssertEqual(try Zoo.vgg13.analysis().depth, 13)
        XCTAssertEqual(try Zoo.vgg16.analysis().depth, 16)
        XCTAssertEqual(try Zoo.vgg19.analysis().depth, 19)
        XCTAssertEqual(try Zoo.vgg16_bn.analysis().depth, 16)
        XCTAssertEqual(try Zoo.vgg19_bn.analysis().depth, 19)
    }

    func testBatchNormVariantsNumberTheirLayersAsTorchvisionDoes() throws {
        // conv, BatchNorm2d, ReLU per convolution: vgg16_bn's last pool is features.43, not .30.
        let analysis = try Zoo.vgg16_bn.analysis()
        XCTAssertEqual(analysis.layer(named: "features.1")?.layer.op.typeName, "BatchNorm2d")
        XCTAssertEqual(analysis.layer(named: "features.43")?.layer.op.typeName, "MaxPool2d")
        // Running mean and variance of 13 batch norms: 2 x (2x64 + 2x128 + 3x256 + 6x512).
        XCTAssertEqual(analysis.nonTrainableParams, 2 * (2 * 64 + 2 * 128 + 3 * 256 + 6 * 512))
    }

    func testMostOfVGG16sParametersAreInTheFirstDenseLayer() throws {
        let analysis = try Zoo.vgg16.analysis()
        let fc6 = try XCTUnwrap(analysis.layer(named: "classifier.0")?.analysis.trainableParams)
        XCTAssertEqual(fc6, 25_088 * 4_096 + 4_096)
        XCTAssertGreaterThan(Double(fc6) / Double(analysis.totalParams), 0.74)
    }
}
