import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// `ExplainRun`'s averaging and its top-patch cache, against the single-sample runs they are
/// made of (the single-sample gradients themselves are checked against PyTorch elsewhere).
final class ExplainRunTests: XCTestCase {
    private let assets = SampleFiles(root: Repository.assets.path)

    private func lenet5(_ method: ExplainRun.Method, sample: Int = 0, _ change: (inout ExplainRun.Settings) -> Void = { _ in }) throws -> ExplainRun.Result {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let analysis = try model.analysis()
        var settings = ExplainRun.Settings(input: .sample(SampleID(.mnist, sample)), method: method)
        settings.layer = "c3"
        settings.channel = 5
        settings.unit = (4, 6)
        change(&settings)
        return try ExplainRun(model: model, analysis: analysis, settings: settings, assets: assets).run()
    }

    /// `--samples 3`: the mean of the three samples' gradient magnitudes, pixel by pixel; the
    /// field's shares are those of the mean.
    func testAveragedEffectiveReceptiveField() throws {
        let singles = try (0..<3).map { try lenet5(.erf, sample: $0).values }
        XCTAssertNotEqual(singles[0], singles[1], "different digits open different ReLU-free paths: tanh' differs")
        let averaged = try lenet5(.erf, sample: 7) { $0.samples = 3 }
        XCTAssertEqual(averaged.averagedOver, 3)
        XCTAssertEqual(averaged.shape, [1, 32, 32])
        for i in averaged.values.indices {
            let mean = (abs(singles[0][i]) + abs(singles[1][i]) + abs(singles[2][i])) / 3
            XCTAssertEqual(averaged.values[i], mean, accuracy: 1e-6 + 1e-5 * mean, "pixel \(i)")
        }
        XCTAssertEqual(averaged.fieldShares.count, 4)
        XCTAssertEqual(try lenet5(.erf, sample: 7).averagedOver, 1)
    }

    /// The cache holds every channel's patches after one pass: another channel's come from it
    /// and equal a run of their own; the explainer is left on the input it was given.
    func testTopPatchesOfEveryChannelAreCached() throws {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        let analysis = try model.analysis()
        let loaded = try ModelWeights.load(model, analysis: analysis, file: nil, seed: ModelWeights.defaultSeed, assets: assets)
        let explainer = try Explainer(analysis: analysis, weights: loaded.weights, batchSize: 1)
        let input = ModelInput.tensor(try SampleCache(files: assets).sample(SampleID(.mnist, 4)).image, shape: analysis.input, labels: model.labels)
        explainer.run(input.values)
        let cache = TopPatchCache()
        var settings = ExplainRun.Settings(input: .sample(SampleID(.mnist, 4)), method: .topPatches)
        settings.layer = "c3"
        settings.channel = 2
        var steps = 0
        let first = try XCTUnwrap(
            try ExplainRun(model: model, analysis: analysis, settings: settings, assets: assets).compute(
                explainer, cache: cache, progress: { _, _ in steps += 1 }))
        XCTAssertEqual(steps, 1000, "one pass over the held-out digits")
        XCTAssertEqual(explainer.input, input.values)
        XCTAssertEqual(first.patches.map(\.sample), try lenet5(.topPatches) { $0.channel = 2 }.patches.map(\.sample))
        settings.channel = 11
        steps = 0
        let cached = try XCTUnwrap(
            try ExplainRun(model: model, analysis: analysis, settings: settings, assets: assets).compute(
                explainer, cache: cache, progress: { _, _ in steps += 1 }))
        XCTAssertEqual(steps, 0, "from the cache")
        let own = try lenet5(.topPatches) { $0.channel = 11 }
        XCTAssertEqual(cached.patches.map(\.sample), own.patches.map(\.sample))
        XCTAssertEqual(cached.patches.map(\.value), own.patches.map(\.value))
        XCTAssertEqual(cached.patches.count, 9)
        XCTAssertTrue(zip(cached.patches, cached.patches.dropFirst()).allSatisfy { $0.value >= $1.value }, "strongest first")
    }

    /// The ERF papers' measure by hand: two stacked all-one 3x3 convolutions give a 5x5 field
    /// weighted by the outer product of (1, 2, 3, 2, 1), 81 in all. 20% (16.2) takes the centre
    /// and two 6s: 3 of 25 pixels; 50% (40.5) 7; 90% (72.9) 19; 99% (80.2) all 25.
    func testFieldSharesByHand() {
        let weights: [Float] = [1, 2, 3, 2, 1]
        var gradient = [Float](repeating: 0, count: 2 * 7 * 7)
        for y in 0..<5 { for x in 0..<5 { gradient[49 + (y + 1) * 7 + x + 2] = -weights[y] * weights[x] } }
        let shares = ExplainRun.fieldShares(gradient, input: TensorShape(channels: 2, height: 7, width: 7), box: (1...5, 2...6))
        let fractions: [Double] = shares.map { $0.0 }, areas: [Double] = shares.map { $0.1 }
        XCTAssertEqual(fractions, [0.2, 0.5, 0.9, 0.99])
        let expected: [Double] = [3, 7, 19, 25].map { $0 / 25 }
        XCTAssertEqual(areas, expected)
    }
}
