import CNNModel
import XCTest

@testable import CNNZoo

final class LeNetTests: XCTestCase {
    func testLeNet5HasTheClassic61706Parameters() throws {
        let analysis = try Zoo.lenet5.analysis()
        XCTAssertEqual(analysis.totalParams, 61_706)
        XCTAssertEqual(analysis.nonTrainableParams, 0)
        XCTAssertEqual(analysis.layer(named: "c1")?.analysis.outputShape, TensorShape(channels: 6, height: 28, width: 28))
        XCTAssertEqual(analysis.layer(named: "s4")?.analysis.outputShape, TensorShape(channels: 16, height: 5, width: 5))
        XCTAssertEqual(analysis.depth, 5)
    }

    func testLeNet5MatchesPyTorch() throws {
        try assertMatchesTorchReference(Zoo.lenet5)
    }
}
