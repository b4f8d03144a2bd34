import XCTest

@testable import CNNModel

final class CalculatorTests: XCTestCase {
    func testFiveByFiveConvWithFourFiltersHas304Params() throws {
        let r = try Calculator.layer(.conv2d(Conv2D(filters: 4, kernel: 5)), input: TensorShape(channels: 3, height: 32, width: 32))
        XCTAssertEqual(r.output, TensorShape(channels: 4, height: 28, width: 28))
        XCTAssertEqual(r.params, 304)
        XCTAssertEqual(r.formula, "5*5*3*4 + 4 = 304")
        XCTAssertEqual(r.macs, 304 * 28 * 28)
    }

    func testVGG16FirstDenseLayerHas102MillionParams() throws {
        let r = try Calculator.layer(.dense(Dense(outFeatures: 4096)), input: TensorShape(features: 7 * 7 * 512))
        XCTAssertEqual(r.params, 102_764_544)
        XCTAssertEqual(r.formula, "25088*4096 + 4096 = 102,764,544")
    }

    func testGroupedFormulaShowsTheGroups() throws {
        let r = try Calculator.layer(
            .conv2d(Conv2D(filters: 256, kernel: 5, padding: .symmetric(2), groups: 2)),
            input: TensorShape(channels: 96, height: 27, width: 27))
        XCTAssertEqual(r.formula, "5*5*(96/2)*256 + 256 = 307,456")
    }

    func testImpossibleSettingsAreErrors() {
        XCTAssertThrowsError(try Calculator.layer(.conv2d(Conv2D(filters: 4, kernel: 7)), input: TensorShape(channels: 3, height: 5, width: 5)))
        XCTAssertThrowsError(try Calculator.layer(.conv2d(Conv2D(filters: 4, kernel: 3, groups: 2)), input: TensorShape(channels: 3, height: 5, width: 5)))
    }

    func testDepthwiseSeparableSavesMostWeights() throws {
        // MobileNet's example: 3x3, 512 -> 512 channels.
        let c = try Calculator.depthwiseSeparable(
            input: TensorShape(channels: 512, height: 14, width: 14), kernel: 3,
            filters: 512, padding: .symmetric(1), bias: false)
        XCTAssertEqual(c.depthwise.params, 3 * 3 * 512)
        XCTAssertEqual(c.pointwise.params, 512 * 512)
        XCTAssertEqual(c.standard.params, 3 * 3 * 512 * 512)
        XCTAssertEqual(c.separableMacs, (3 * 3 * 512 + 512 * 512) * 14 * 14)
    }

    func testTwoThreeByThreeAgainstOneFiveByFiveAt64Channels() throws {
        let c = try KernelStackComparison(count: 2, kernel: 3, channels: 64, size: Size2(56))
        XCTAssertEqual(c.stack.params, 73_856, "2 * (3*3*64*64 + 64)")
        XCTAssertEqual(c.single.params, 102_464, "5*5*64*64 + 64")
        XCTAssertEqual(c.stack.receptiveField, 5)
        XCTAssertEqual(c.single.receptiveField, 5)
        XCTAssertEqual(c.stack.growth, [3, 5])
        XCTAssertEqual(c.stack.nonLinearities, 2)
        XCTAssertEqual(c.stack.macs, 73_856 * 56 * 56)
    }

    func testThreeThreeByThreeSeeSevenBySeven() throws {
        let c = try KernelStackComparison(count: 3, kernel: 3, channels: 64, size: Size2(56))
        XCTAssertEqual(c.single.kernel, 7)
        XCTAssertEqual(c.stack.growth, [3, 5, 7])
        XCTAssertEqual(c.single.params, 7 * 7 * 64 * 64 + 64)
    }

    func testNumbersAreGroupedLikeTorchinfo() {
        XCTAssertEqual(138_357_544.grouped, "138,357,544")
        XCTAssertEqual(152.grouped, "152")
        XCTAssertEqual(4_089_238_376.abbreviated, "4.09G")
        XCTAssertEqual(formatFixed(0.005, digits: 2), "0.01")
    }
}
