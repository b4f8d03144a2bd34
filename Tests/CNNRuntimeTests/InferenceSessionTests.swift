import CNNData
import CNNModel
import CNNZoo
import TestSupport
import XCTest

@testable import CNNRuntime

/// The background pass as the browser sees it: snapshots of values, each pass complete with its
/// time once the session says it is done.
final class InferenceSessionTests: XCTestCase {
    private let samples = SampleCache(files: SampleFiles(root: Repository.assets.path))

    /// A snapshot that says done has every layer's output and the pass's time, on every pass
    /// (the time used to arrive a moment after "done").
    func testADonePassHasEveryOutputAndItsTime() throws {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let analysis = try model.analysis()
        let session = InferenceSession(model: model, analysis: analysis, assets: samples.files)
        for index in 0..<500 {
            session.run(try samples.sample(SampleID(.mnist, index % 1000)))
            session.waitUntilIdle()
            let snapshot = session.snapshot
            guard case .done = snapshot.phase else { return XCTFail("pass \(index): \(snapshot.phase)") }
            XCTAssertNotNil(snapshot.seconds, "pass \(index)")
            XCTAssertEqual(snapshot.computedThrough, analysis.graph.layers.count - 1, "pass \(index)")
            XCTAssertEqual(snapshot.outputs.count, analysis.graph.layers.count, "pass \(index)")
            XCTAssertEqual(snapshot.sample?.name, "mnist:\(index)")
        }
    }

    /// The shipped LeNet-5 reads the fourth held-out digit, a 5, as a 5 in the session as in `run`.
    func testTheSessionsLastOutputIsTheClassifiersAnswer() throws {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let analysis = try model.analysis()
        let session = InferenceSession(model: model, analysis: analysis, assets: samples.files)
        session.run(try samples.sample(SampleID(.mnist, 3)))
        session.waitUntilIdle()
        let snapshot = session.snapshot
        XCTAssertTrue(snapshot.isTrained)
        let logits = try XCTUnwrap(snapshot.outputs[analysis.graph.layers.count - 1]).values
        XCTAssertEqual(logits.indices.max { logits[$0] < logits[$1] }, 5)
    }
}
