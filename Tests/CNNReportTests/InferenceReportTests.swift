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
        let timings = ids.enumerated().map { index, id -> LayerTiming in
            switch index {
            case 0: return LayerTiming(layer: id, seconds: 0.003, kernel: "im2col + SGEMM")
            case 1: return LayerTiming(layer: id, seconds: 0.0001, kernel: "merged into \(a.graph.layers[0].name)", mergedInto: ids[0])
            case 2: return LayerTiming(layer: id, seconds: 0.001, kernel: "depthwise")
            case 3: return LayerTiming(layer: id, seconds: 0.002, kernel: "im2col + SGEMM")
            default: return LayerTiming(layer: id, seconds: 0.004 / Double(ids.count - 4))
            }
        }
        let lines = InferenceReport.renderProfile(timings, analysis: a)
        let byKernel = try XCTUnwrap(lines.first { $0.hasPrefix("By kernel: ") })
        XCTAssertEqual(byKernel, "By kernel: im2col + SGEMM 5.00 ms (49.5%), depthwise 1.00 ms (9.9%)")
        let byType = try XCTUnwrap(lines.first { $0.hasPrefix("By type: ") })
        XCTAssertTrue(byType.contains("ms ("), byType)
        XCTAssertTrue(lines.last!.hasPrefix("Total 10.10 ms for \(ids.count) layers"), lines.last!)
    }
}
