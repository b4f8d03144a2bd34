import XCTest

@testable import CNNModel

/// Receptive fields after Araujo, Norris and Sim (Distill, 2019): r grows by (k'-1)·jump.
final class ReceptiveFieldTests: XCTestCase {
    private func fields(_ input: TensorShape, _ body: (GraphBuilder, Int) -> Void) throws -> [ReceptiveField] {
        let b = GraphBuilder("rf")
        body(b, b.input())
        return try ModelAnalysis(graph: b.build(), input: input).layers.map(\.receptiveField)
    }

    func testAlexNetStyleFeaturesEndAt195WithJump32() throws {
        let rf = try fields(TensorShape(channels: 3, height: 227, width: 227)) { b, x in
            var x = b.conv(x, "c1", filters: 96, kernel: 11, stride: 4)
            x = b.maxPool(x, "p1", kernel: 3, stride: 2)
            x = b.conv(x, "c2", filters: 256, kernel: 5, padding: .symmetric(2))
            x = b.maxPool(x, "p2", kernel: 3, stride: 2)
            x = b.conv(x, "c3", filters: 384, kernel: 3, padding: .symmetric(1))
            x = b.conv(x, "c4", filters: 384, kernel: 3, padding: .symmetric(1))
            x = b.conv(x, "c5", filters: 256, kernel: 3, padding: .symmetric(1))
            _ = b.maxPool(x, "p3", kernel: 3, stride: 2)
        }
        XCTAssertEqual(rf.map(\.size.h), [1, 11, 19, 51, 67, 99, 131, 163, 195])
        XCTAssertEqual(rf.last?.jump, 32)
    }

    func testTwoThreeByThreeConvsSeeFiveByFive() throws {
        let rf = try fields(TensorShape(channels: 1, height: 32, width: 32)) { b, x in
            let y = b.conv(x, "a", filters: 1, kernel: 3)
            _ = b.conv(y, "b", filters: 1, kernel: 3)
        }
        XCTAssertEqual(rf[2].size, 5)
        XCTAssertEqual(rf[2].jump, 1)
    }

    func testDilationWidensTheKernel() throws {
        let rf = try fields(TensorShape(channels: 1, height: 32, width: 32)) { b, x in
            _ = b.conv(x, "atrous", filters: 1, kernel: 3, dilation: 2)
        }
        XCTAssertEqual(rf[1].size, 5)
    }

    func testStartIsTheCentreOfTheFirstUnitsField() throws {
        let rf = try fields(TensorShape(channels: 1, height: 32, width: 32)) { b, x in
            let valid = b.conv(x, "valid", filters: 1, kernel: 3)
            _ = b.conv(valid, "strided", filters: 1, kernel: 3, stride: 2, padding: .symmetric(1))
        }
        XCTAssertEqual(rf[1].startH, 1, "a valid 3x3 conv's first unit is centred on pixel 1")
        XCTAssertEqual(rf[2].startH, 1, "padding 1 with a 3x3 kernel keeps the centre")
        XCTAssertEqual(rf[2].jump, 2)
    }

    func testNonSquareKernelsGrowEachAxisSeparately() throws {
        let rf = try fields(TensorShape(channels: 1, height: 32, width: 32)) { b, x in
            let y = b.conv(x, "1x7", filters: 1, kernel: Size2(1, 7), padding: .explicit(Pad4(h: 0, w: 3)))
            _ = b.conv(y, "7x1", filters: 1, kernel: Size2(7, 1), padding: .explicit(Pad4(h: 3, w: 0)))
        }
        XCTAssertEqual(rf[1].size, Size2(1, 7))
        XCTAssertEqual(rf[2].size, Size2(7, 7))
    }

    func testResidualAddKeepsTheLargestAndSmallestPath() throws {
        let rf = try fields(TensorShape(channels: 8, height: 16, width: 16)) { b, x in
            let a = b.conv(x, "conv1", filters: 8, kernel: 3, padding: .symmetric(1))
            let c = b.conv(a, "conv2", filters: 8, kernel: 3, padding: .symmetric(1))
            _ = b.sum([c, x])
        }
        XCTAssertEqual(rf[3].size, 5)
        XCTAssertEqual(rf[3].minSize, 1)
        XCTAssertTrue(rf[3].isMultiPath)
    }

    func testGlobalPoolingSeesTheWholeInput() throws {
        let rf = try fields(TensorShape(channels: 1, height: 8, width: 8)) { b, x in
            let y = b.conv(x, "conv", filters: 4, kernel: 3, padding: .symmetric(1))
            _ = b.globalAvgPool(y, "gap")
        }
        XCTAssertTrue(rf[2].isGlobal)
        XCTAssertEqual(rf[2].size, 10, "3 + (8 - 1) * 1: the field of a unit pooled over the 8x8 map")
    }

    func testVGGBlockStackReaches212AtTheLastPool() throws {
        let rf = try fields(TensorShape(channels: 3, height: 224, width: 224)) { b, x in
            var x = x
            for (i, convs) in [2, 2, 3, 3, 3].enumerated() {
                for j in 0..<convs { x = b.conv(x, "c\(i)_\(j)", filters: 8, kernel: 3, padding: .symmetric(1)) }
                x = b.maxPool(x, "p\(i)", kernel: 2, stride: 2)
            }
        }
        XCTAssertEqual(rf.last?.size, 212)
        XCTAssertEqual(rf.last?.jump, 32)
    }

    func testAdaptivePoolingToOnePixelIsGlobal() throws {
        let rf = try fields(TensorShape(channels: 1, height: 7, width: 7)) { b, x in
            _ = b.adaptiveAvgPool(x, "avgpool", 1)
        }
        XCTAssertTrue(rf[1].isGlobal)
        XCTAssertEqual(rf[1].size, 7)
    }

    func testScaleFirstInAMultiplyStillTakesPositionFromTheMap() throws {
        let rf = try fields(TensorShape(channels: 4, height: 8, width: 8)) { b, x in
            let s = b.globalAvgPool(x, "squeeze", keepDims: true)
            let y = b.multiply(s, x)
            _ = b.conv(y, "conv", filters: 4, kernel: 3, stride: 2)
        }
        XCTAssertEqual(rf[2].jump, 1)
        XCTAssertEqual(rf[3].minSize, 3)
        XCTAssertEqual(rf[3].jump, 2)
    }
}
