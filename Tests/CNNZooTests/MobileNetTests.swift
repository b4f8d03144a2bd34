import CNNModel
import XCTest

@testable import CNNZoo

final class MobileNetTests: XCTestCase {
    // MARK: MobileNetV2

    func testMobileNetV2HasTorchvisionsParameterCount() throws {
        let analysis = try Zoo.mobilenet_v2.analysis()
        XCTAssertEqual(analysis.trainableParams, 3_504_872)
        XCTAssertEqual(analysis.nonTrainableParams, 34_112)
        // 1 stem conv + 2 convs in the t=1 block + 3 in each of the other 16 + 1x1 to 1280 + linear.
        XCTAssertEqual(analysis.depth, 53)
        XCTAssertEqual(analysis.layer(named: "features.18.2")?.analysis.outputShape, TensorShape(channels: 1280, height: 7, width: 7))
    }

    func testMobileNetV2MatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.mobilenet_v2)
    }

    func testTheFirstBottleneckHasNoExpansionLayer() throws {
        let analysis = try Zoo.mobilenet_v2.analysis()
        // t = 1: depthwise 3x3 on the stem's 32 channels, then the linear 1x1 projection to 16.
        let depthwise = try XCTUnwrap(analysis.layer(named: "features.1.conv.0.0"))
        XCTAssertEqual(depthwise.analysis.params, 3 * 3 * 32)
        XCTAssertEqual(analysis.layer(named: "features.1.conv.1")?.analysis.outputShape.channels, 16)
        XCTAssertEqual(analysis.layer(named: "features.1.conv.2")?.layer.op.typeName, "BatchNorm2d")
        // t = 6: the next block widens 16 channels to 96 before filtering them.
        XCTAssertEqual(analysis.layer(named: "features.2.conv.0.0")?.analysis.outputShape.channels, 96)
    }

    func testABottleneckEndsLinearAndAddsOnlyWhenShapesAgree() throws {
        let analysis = try Zoo.mobilenet_v2.analysis()
        let graph = analysis.graph
        // The projection ends with BatchNorm, no ReLU6: the bottleneck stays linear.
        for block in graph.blocks where block.type == "InvertedResidual" {
            let last = graph.layers.last { $0.module?.hasPrefix(block.name + ".conv.") == true }
            XCTAssertEqual(last?.op.typeName, "BatchNorm2d", block.name)
        }
        // Shortcuts join thin tensors, only where the stride is 1 and the channels do not change:
        // one in the 24-channel stage, two at 32, three at 64, two at 96 and two at 160.
        let adds = graph.layers.filter { $0.op == .add }
        XCTAssertEqual(adds.count, 10)
        XCTAssertTrue(adds.allSatisfy { $0.module == nil })
        XCTAssertEqual(adds.first?.name, "features.3.add")
    }

    func testDepthwiseSeparableConvCostsANinthPlusOneOverTheOutputChannels() throws {
        let analysis = try Zoo.mobilenet_v2.analysis()
        // features.14 filters 576 channels (3x3/2) and projects them to 160 at 7x7.
        let depthwise = try XCTUnwrap(analysis.layer(named: "features.14.conv.1.0")).analysis
        let pointwise = try XCTUnwrap(analysis.layer(named: "features.14.conv.2")).analysis
        XCTAssertEqual(depthwise.macs, 3 * 3 * 576 * 7 * 7)
        XCTAssertEqual(pointwise.macs, 576 * 160 * 7 * 7)
        // A full 3x3 conv from 576 to 160 channels would cost 3*3*576*160*7*7 mult-adds;
        // the pair costs 1/9 + 1/160 = 169/1440 of it.
        let full = 3 * 3 * 576 * 160 * 7 * 7
        XCTAssertEqual((depthwise.macs + pointwise.macs) * 1440, full * 169)
    }

    // MARK: EfficientNet-B0

    func testEfficientNetB0HasTorchvisionsParameterCount() throws {
        let analysis = try Zoo.efficientnet_b0.analysis()
        XCTAssertEqual(analysis.trainableParams, 5_288_548)
        XCTAssertEqual(analysis.nonTrainableParams, 42_016)
        // Stem + 4 convs in the first MBConv (dw, two SE convs, project) + 5 in each of the other
        // 15 (expand too) + the 1x1 to 1280 + linear: the SE branch is the longest path.
        XCTAssertEqual(analysis.depth, 82)
    }

    func testEfficientNetB0MatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.efficientnet_b0)
    }

    func testSqueezeExcitationSqueezesToAQuarterOfTheBlockInput() throws {
        let analysis = try Zoo.efficientnet_b0.analysis()
        // features.2.0 reads 16 channels, expands them to 96, and its SE gate squeezes to 16 / 4 = 4.
        let fc1 = try XCTUnwrap(analysis.layer(named: "features.2.0.block.2.fc1")).analysis
        let fc2 = try XCTUnwrap(analysis.layer(named: "features.2.0.block.2.fc2")).analysis
        XCTAssertEqual(fc1.outputShape, TensorShape(channels: 4, height: 1, width: 1))
        XCTAssertEqual(fc1.params, 96 * 4 + 4)
        XCTAssertEqual(fc2.params, 4 * 96 + 96)
        // The gate rescales every channel of the 56x56 map from its global average, so every unit
        // after it depends on the whole 224x224 image, while the conv path alone sees 11x11.
        let scaled = try XCTUnwrap(analysis.layer(named: "features.2.0.block.2.mul"))
        XCTAssertNil(scaled.layer.module)
        XCTAssertEqual(scaled.analysis.outputShape, TensorShape(channels: 96, height: 56, width: 56))
        XCTAssertGreaterThanOrEqual(scaled.analysis.receptiveField.size.h, 224)
        XCTAssertEqual(scaled.analysis.receptiveField.minSize, Size2(11))
    }

    func testStochasticDepthGrowsLinearlyAndOnlyGuardsResiduals() throws {
        let analysis = try Zoo.efficientnet_b0.analysis()
        let graph = analysis.graph
        let drops = graph.layers.filter {
            if case .stochasticDepth = $0.op { return true }
            return false
        }
        // Nine of the sixteen blocks keep stride 1 and width, so have the residual.
        XCTAssertEqual(drops.count, 9)
        XCTAssertEqual(graph.layers.filter { $0.op == .add }.count, 9)
        // features.6.3 is block 14 of 16: p = 0.2 * 14 / 16.
        XCTAssertEqual(graph.layer(named: "features.6.3.stochastic_depth")?.op, .stochasticDepth(0.2 * 14 / 16))
        XCTAssertNil(graph.layer(named: "features.6.0.stochastic_depth"))
    }

    func testTheFiveByFiveStagesPadByTwo() throws {
        let analysis = try Zoo.efficientnet_b0.analysis()
        let depthwise = try XCTUnwrap(analysis.layer(named: "features.3.0.block.1.0"))
        XCTAssertEqual(depthwise.analysis.padding, Pad4(2))
        XCTAssertEqual(depthwise.analysis.outputShape, TensorShape(channels: 144, height: 28, width: 28))
        XCTAssertEqual(depthwise.analysis.params, 5 * 5 * 144)
    }
}
