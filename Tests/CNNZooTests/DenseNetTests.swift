import CNNModel
import XCTest

@testable import CNNZoo

final class DenseNetTests: XCTestCase {
    func testDenseNet121MatchesTorchvision() throws {
        try assertMatchesTorchReference(Zoo.densenet121)
    }

    func testEveryLayerOfABlockReadsAllEarlierMaps() throws {
        let a = try Zoo.densenet121.analysis()
        // Layer 6 of block 1 reads the 64 input channels plus five layers' 32 new channels.
        let cat = try XCTUnwrap(a.layer(named: "features.denseblock1.denselayer6.cat"))
        XCTAssertEqual(cat.analysis.outputShape.channels, 64 + 5 * 32)
        XCTAssertEqual(cat.layer.inputs.count, 6)
        XCTAssertEqual(try XCTUnwrap(a.layer(named: "features.denseblock1.cat")).analysis.outputShape.channels, 256)
        XCTAssertEqual(a.depth, 121)
    }
}
