import CNNModel
import XCTest

@testable import CNNReport

final class ModelInfoReportTests: XCTestCase {
    func testWrapKeepsLinesWithinTheWidth() {
        let lines = wrap("two 3x3 convolutions see as far as one 5x5 with fewer weights", width: 20)
        XCTAssertEqual(lines, ["two 3x3 convolutions", "see as far as one", "5x5 with fewer", "weights"])
    }
}
