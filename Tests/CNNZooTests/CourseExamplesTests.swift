import CNNModel
import XCTest

@testable import CNNZoo

final class CourseExamplesTests: XCTestCase {
    func testSimpleCNNMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.simple_cnn) }
    func testVGG11CourseMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.vgg11_course) }
    func testInceptionNaiveMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.inception_naive) }
    func testInceptionReducedMatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.inception_reduced) }
    func testConv5x5MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.conv5x5) }
    func testConv3x3x2MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.conv3x3x2) }
    func testConv3x3x3MatchesPyTorch() throws { try assertMatchesTorchReference(Zoo.conv3x3x3) }

    func testSimpleCNNRejectsA32PixelInputAtItsClassifier() throws {
        XCTAssertThrowsError(try Zoo.simple_cnn.analysis(input: TensorShape(channels: 3, height: 32, width: 32))) { error in
            let error = error as? AnalysisError
            XCTAssertEqual(error?.layer, "classifier")
            XCTAssertTrue(error?.description.contains("50,176") ?? false, error?.description ?? "not an AnalysisError")
        }
        XCTAssertNoThrow(try Zoo.simple_cnn.analysis())
    }

    func testTwoStacked3x3SeeWhatOne5x5SeesWithFewerParameters() throws {
        let single = try Zoo.conv5x5.analysis()
        let stacked = try Zoo.conv3x3x2.analysis()
        for analysis in [single, stacked] {
            let last = try XCTUnwrap(analysis.layers.last)
            XCTAssertEqual(last.outputShape, TensorShape(channels: 2, height: 28, width: 28))
            XCTAssertEqual(last.receptiveField.size, Size2(5))
        }
        XCTAssertEqual(single.totalParams, 152)
        XCTAssertEqual(stacked.totalParams, 94)
        XCTAssertEqual(stacked.depth, 2)
    }

    func testThreeStacked3x3SeeSevenPixels() throws {
        let analysis = try Zoo.conv3x3x3.analysis()
        XCTAssertEqual(analysis.layers.last?.receptiveField.size, Size2(7))
        XCTAssertEqual(analysis.totalParams, 132)
    }

    func testNaiveInceptionModuleConcatenatesFourBranches() throws {
        let analysis = try Zoo.inception_naive.analysis()
        XCTAssertEqual(analysis.totalParams, 324)
        XCTAssertEqual(analysis.layers.last?.outputShape, TensorShape(channels: 12, height: 32, width: 32))
        XCTAssertNil(analysis.graph.layers.last?.module, "torch.cat is functional")
    }

    func testReducedInceptionModuleKeepsTheOutputWithFewerParameters() throws {
        let naive = try Zoo.inception_naive.analysis()
        let reduced = try Zoo.inception_reduced.analysis()
        XCTAssertEqual(reduced.layers.last?.outputShape, TensorShape(channels: 12, height: 32, width: 32))
        XCTAssertLessThan(reduced.totalParams, naive.totalParams)
        XCTAssertLessThan(reduced.macs, naive.macs)
    }

    func testVGG11CourseReusesVGG11BNFeatures() throws {
        let course = try Zoo.vgg11_course.analysis()
        let vgg = try Zoo.vgg11_bn.analysis()
        let courseFeatures = course.graph.layers.filter { $0.name.hasPrefix("features.") }
        let vggFeatures = vgg.graph.layers.filter { $0.name.hasPrefix("features.") }
        XCTAssertEqual(courseFeatures.map(\.name), vggFeatures.map(\.name))
        XCTAssertEqual(courseFeatures.map(\.op), vggFeatures.map(\.op))
        XCTAssertEqual(course.layer(named: "classifier")?.analysis.trainableParams, 512 * 7 + 7)
    }
}
