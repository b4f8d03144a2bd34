import XCTest

@testable import CNNModel

final class ShapeInferenceTests: XCTestCase {
    private func analyse(_ input: TensorShape, _ body: (GraphBuilder, Int) -> Void) throws -> ModelAnalysis {
        let b = GraphBuilder("test")
        body(b, b.input())
        return try ModelAnalysis(graph: b.build(), input: input)
    }

    func testConvOutputFollowsTheFloorFormula() throws {
        let a = try analyse(TensorShape(channels: 3, height: 227, width: 227)) { b, x in
            _ = b.conv(x, "conv", filters: 96, kernel: 11, stride: 4)
        }
        XCTAssertEqual(a.layers[1].outputShape, TensorShape(channels: 96, height: 55, width: 55))
        XCTAssertEqual(a.layers[1].params, 11 * 11 * 3 * 96 + 96)
    }

    func testSamePaddingWithStrideTwoPadsBottomRightMore() throws {
        let a = try analyse(TensorShape(channels: 8, height: 224, width: 224)) { b, x in
            _ = b.conv(x, "conv", filters: 8, kernel: 3, stride: 2, padding: .same)
        }
        XCTAssertEqual(a.layers[1].outputShape.spatial, Size2(112, 112))
        XCTAssertEqual(a.layers[1].padding, Pad4(top: 0, bottom: 1, left: 0, right: 1))
    }

    func testCeilModePoolingKeepsThePartialWindow() throws {
        let a = try analyse(TensorShape(channels: 1, height: 112, width: 112)) { b, x in
            let floor = b.maxPool(x, "floor", kernel: 3, stride: 2)
            _ = b.maxPool(x, "ceil", kernel: 3, stride: 2, ceilMode: true)
            _ = floor
        }
        XCTAssertEqual(a.layers[1].outputShape.spatial, Size2(55, 55))
        XCTAssertEqual(a.layers[2].outputShape.spatial, Size2(56, 56))
    }

    func testCeilModeDropsAWindowStartingInThePadding() throws {
        // PyTorch: MaxPool2d(2, 2, padding=1, ceil_mode=True) on 5 -> 3, not 4.
        let a = try analyse(TensorShape(channels: 1, height: 5, width: 5)) { b, x in
            _ = b.maxPool(x, "pool", kernel: 2, stride: 2, padding: .symmetric(1), ceilMode: true)
        }
        XCTAssertEqual(a.layers[1].outputShape.spatial, Size2(3, 3))
    }

    func testDepthwiseConvHasOneFilterPerChannel() throws {
        let a = try analyse(TensorShape(channels: 32, height: 112, width: 112)) { b, x in
            _ = b.conv(x, "dw", filters: 32, kernel: 3, padding: .symmetric(1), groups: 32, bias: false)
        }
        XCTAssertEqual(a.layers[1].params, 3 * 3 * 32)
        XCTAssertEqual(a.layers[1].macs, 3 * 3 * 32 * 112 * 112)
    }

    func testBatchNormSplitsTrainableFromRunningStatistics() throws {
        let a = try analyse(TensorShape(channels: 64, height: 8, width: 8)) { b, x in
            _ = b.batchNorm(x, "bn")
        }
        XCTAssertEqual(a.trainableParams, 128)
        XCTAssertEqual(a.nonTrainableParams, 128)
        XCTAssertEqual(a.totalParams, 256)
        XCTAssertEqual(a.macs, 128, "torchinfo counts a batchnorm's gamma and beta once each")
    }

    func testKernelLargerThanInputNamesTheLayer() {
        XCTAssertThrowsError(
            try analyse(TensorShape(channels: 3, height: 4, width: 4)) { b, x in
                let y = b.conv(x, "conv1", filters: 8, kernel: 3)
                _ = b.conv(y, "conv2", filters: 8, kernel: 3)
            }
        ) { error in
            let e = error as! AnalysisError
            XCTAssertEqual(e.layer, "conv2")
            XCTAssertTrue(e.description.contains("larger than its padded input"), e.description)
        }
    }

    func testMismatchedAddIsAnError() {
        XCTAssertThrowsError(
            try analyse(TensorShape(channels: 3, height: 8, width: 8)) { b, x in
                let y = b.conv(x, "conv", filters: 4, kernel: 1)
                _ = b.sum([x, y])
            }
        ) { error in
            XCTAssertEqual((error as! AnalysisError).layer, "add")
            XCTAssertTrue("\(error)".contains("cannot add tensors of shapes 3x8x8 and 4x8x8"), "\(error)")
        }
    }

    func testConcatOfDifferentSpatialSizesIsAnError() {
        XCTAssertThrowsError(
            try analyse(TensorShape(channels: 3, height: 8, width: 8)) { b, x in
                let y = b.maxPool(x, "pool", kernel: 2)
                _ = b.concat([x, y])
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("spatial sizes differ"), "\(error)")
        }
    }

    func testDenseDeclaredForAnotherSizeIsAnError() {
        XCTAssertThrowsError(
            try analyse(TensorShape(channels: 3, height: 32, width: 32)) { b, x in
                let f = b.flatten(x)
                _ = b.dense(f, "fc", 10, inFeatures: 3 * 28 * 28)
            }
        ) { error in
            XCTAssertEqual((error as! AnalysisError).layer, "fc")
            XCTAssertTrue("\(error)".contains("declared for 2,352 input features, got 3,072"), "\(error)")
        }
    }

    func testAbsurdInputOverflowsIntoAnErrorNotACrash() {
        XCTAssertThrowsError(
            try analyse(TensorShape(channels: 3, height: 3_000_000_000, width: 3_000_000_000)) { b, x in
                _ = b.conv(x, "conv", filters: 64, kernel: 3)
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("overflow"), "\(error)")
        }
    }

    func testSqueezeExcitationScaleBroadcastsOverTheMap() throws {
        let a = try analyse(TensorShape(channels: 16, height: 8, width: 8)) { b, x in
            let s = b.globalAvgPool(x, "squeeze", keepDims: true)
            _ = b.multiply(x, s)
        }
        XCTAssertEqual(a.layers[2].outputShape, TensorShape(channels: 16, height: 8, width: 8))
        XCTAssertTrue(a.layers[2].receptiveField.isGlobal)
        XCTAssertEqual(a.layers[2].receptiveField.minSize, 1)
    }
}
