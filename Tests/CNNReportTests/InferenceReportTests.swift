import CNNModel
import CNNZoo
import XCTest

@testable import CNNReport

final class InferenceReportTests: XCTestCase {
    /// The profile's totals by layer type and by kernel, from made-up timings: a merged layer's
    /// bookkeeping is no kernel of its own.
    func testProfileSumsTimeByTypeAndByKernel() throws {
        let a = try XCTUnwrap(Zoo.model(named: "lenet5")).analysis()
        let ids = a.graph.layers.map(\.id)
        // LeNet-5: input, c1, act1, s2, c3, ...; c3 pretends to have been merged into c1.
        let timings = ids.enumerated().map { index, id -> LayerTiming in
            switch index {
            case 0: return LayerTiming(layer: id, seconds: 0)
            case 1: return LayerTiming(layer: id, seconds: 0.003, kernel: "im2col + SGEMM")
            case 2: return LayerTiming(layer: id, seconds: 0.002, kernel: "im2col + SGEMM")
            case 3: return LayerTiming(layer: id, seconds: 0.001, kernel: "depthwise")
            case 4: return LayerTiming(layer: id, seconds: 0.0001, kernel: "merged into c1", mergedInto: ids[1])
            default: return LayerTiming(layer: id, seconds: 0.004 / Double(ids.count - 5))
            }
        }
        let lines = InferenceReport.renderProfile(timings, analysis: a)
        let byKernel = try XCTUnwrap(lines.first { $0.hasPrefix("By kernel: ") })
        XCTAssertEqual(byKernel, "By kernel: im2col + SGEMM 5.00 ms (49.5%); depthwise 1.00 ms (9.9%)")
        let byType = try XCTUnwrap(lines.first { $0.hasPrefix("By type: ") })
        XCTAssertTrue(byType.contains("ms ("), byType)
        XCTAssertTrue(lines.last!.hasPrefix("Total 10.10 ms for \(ids.count) layers"), lines.last!)
        // c1's GFLOP/s counts c3's mult-adds, merged into it (2 x (122,304 + 241,600) in 3 ms: 0.2,
        // not c1's own 0.1); c3's is blank.
        let c1 = try XCTUnwrap(lines.first { $0.hasPrefix("c1 ") })
        XCTAssertEqual(c1.split(separator: " ").filter { !$0.isEmpty }.suffix(4).first, "0.2", c1)
        let c3 = try XCTUnwrap(lines.first { $0.hasPrefix("c3 ") })
        let tokens = c3.split(separator: " ").map(String.init)
        XCTAssertEqual(tokens, ["c3", "Conv2d", "0.100", "1.0%", "241,600", "merged", "into", "c1"], "no GFLOP/s of its own")
    }
}
