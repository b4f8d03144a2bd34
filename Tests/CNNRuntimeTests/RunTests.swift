import CNNData
import CNNEngine
import CNNModel
import CNNZoo
import Foundation
import TestSupport
import XCTest

@testable import CNNRuntime

/// `cnn-tui run` and `cnn-tui train` as library calls: what the commands print comes from here.
final class InferenceRunTests: XCTestCase {
    private let assets = SampleFiles(root: Repository.assets.path)

    private func lenet5() throws -> (ZooModel, ModelAnalysis) {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        return (model, try model.analysis())
    }

    func testASampleRunsThroughTheShippedWeightsAndSaysWhatItIs() throws {
        let (model, analysis) = try lenet5()
        let result = try InferenceRun(model: model, analysis: analysis, settings: .init(input: .sample(SampleID(.mnist, 3))), assets: assets).run()
        XCTAssertEqual(result.weights, "trained weights (lenet5-mnist.safetensors)")
        XCTAssertTrue(result.input.hasPrefix("sample mnist:3, true class 5, fed as 1x32x32"), result.input)
        XCTAssertEqual(result.output.count, 10)
        XCTAssertEqual(result.output.indices.max { result.output[$0] < result.output[$1] }, 5, "the fourth test digit, a 5, is read as a 5")
        XCTAssertNil(result.wrote)
    }

    /// A CIFAR-10 airplane is class 0 of CIFAR-10, not LeNet-5's digit 0: the run says whose class it is.
    func testAClassOfAnotherLabelSetSaysWhoseItIs() throws {
        let (model, analysis) = try lenet5()
        let result = try InferenceRun(model: model, analysis: analysis, settings: .init(input: .sample(SampleID(.cifar10, 3))), assets: assets).run()
        XCTAssertTrue(result.input.hasPrefix("sample cifar10:3, CIFAR-10 class 0 airplane (not one of MNIST digits), fed as 1x32x32"), result.input)
    }

    func testRepeatsReportOneTimeAndProfileTimesEveryLayer() throws {
        let (model, analysis) = try lenet5()
        let settings = InferenceRun.Settings(input: .random(seed: 1), untrained: true, repeats: 3, profile: true)
        let result = try InferenceRun(model: model, analysis: analysis, settings: settings, assets: nil).run()
        XCTAssertEqual(result.weights, "random weights (seed 42)")
        XCTAssertFalse(result.isTrained)
        XCTAssertEqual(result.input, "random normal (seed 1)")
        XCTAssertGreaterThan(result.seconds, 0)
        XCTAssertFalse(result.timings.isEmpty)
    }

    func testUnknownLayerSuggestsTheClosestNames() throws {
        let (model, analysis) = try lenet5()
        let settings = InferenceRun.Settings(input: .random(seed: 1), outputFile: NSTemporaryDirectory() + "never.safetensors", layers: "c1,c33")
        XCTAssertThrowsError(try InferenceRun(model: model, analysis: analysis, settings: settings, assets: nil).run()) { error in
            XCTAssertTrue("\(error)".hasPrefix("lenet5 has no layer 'c33': did you mean 'c3'"), "\(error)")
        }
    }

    func testASampleWithoutTheLibraryIsAnError() throws {
        let (model, analysis) = try lenet5()
        XCTAssertThrowsError(try InferenceRun(model: model, analysis: analysis, settings: .init(input: .sample(SampleID(.mnist, 0))), assets: nil).run()) {
            XCTAssertEqual($0 as? InferenceRunError, .noBundledSamples)
        }
    }
}

final class TrainingRunTests: XCTestCase {
    /// A small MNIST-format folder: the first `train` and `test` bundled digits.
    private func tinyMNIST(train: Int, test: Int) throws -> DatasetFolder {
        let folder = try makeTinyMNIST(train: train, test: test, name: "cnn-runtime-mnist")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return try TrainingRun.dataFolder(folder, assets: nil)
    }

    private func training(epochs: Int) throws -> TrainingRun {
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        return try TrainingRun(
            model: model, analysis: try model.analysis(), data: try tinyMNIST(train: 48, test: 16),
            settings: .init(epochs: epochs, batchSize: 16, optimizer: .init(kind: .adam, learningRate: 0.001), seed: 1))
    }

    /// The safetensors header's metadata.
    private func metadata(_ path: String) throws -> [String: String] {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        return try XCTUnwrap(header["__metadata__"] as? [String: String])
    }

    func testEveryEpochRunsAndTheBestIsSavedWithWhatMadeIt() throws {
        let run = try training(epochs: 2)
        let out = NSTemporaryDirectory() + "cnn-runtime-train-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: out) }
        var finished: [Int] = []
        let outcome = try run.train(saving: OutputFile(out), command: "cnn-tui train lenet5", epochFinished: { result, _ in finished.append(result.epoch) })
        XCTAssertEqual(finished, [1, 2])
        guard case .finished(let best?) = outcome else { return XCTFail("\(outcome)") }
        let saved = try metadata(out)
        XCTAssertEqual(saved["model"], "lenet5")
        XCTAssertEqual(saved["epoch"], String(best.epoch))
        XCTAssertEqual(saved["command"], "cnn-tui train lenet5")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"), "written through a temporary file")
        let model = try XCTUnwrap(Zoo.model(named: "lenet5"))
        XCTAssertNoThrow(try ModelWeights.load(model, analysis: model.analysis(), file: out), "the file is weights run can read")
    }

    func testCtrlCInTheFirstEpochKeepsTheWeightsSoFar() throws {
        let run = try training(epochs: 3)
        let out = NSTemporaryDirectory() + "cnn-runtime-interrupt-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try run.train(
            saving: OutputFile(out), command: "test",
            progress: { p in
                if p.samplesDone >= 16 { raise(SIGINT) }  // caught: stops before the next batch
            })
        guard case .interruptedInFirstEpoch = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(run.results.isEmpty)
        XCTAssertEqual(try metadata(out)["epoch"], "interrupted in 1")
    }

    func testABadCheckpointPathFailsBeforeAnyWork() throws {
        let run = try training(epochs: 1)
        XCTAssertThrowsError(try run.train(saving: OutputFile("/no/such/folder/w.safetensors"), command: "test")) { error in
            XCTAssertEqual(
                (error as? LocalizedError)?.errorDescription,
                "cannot write /no/such/folder/w.safetensors: the folder /no/such/folder does not exist")
        }
        XCTAssertTrue(run.results.isEmpty, "no epoch trained for nothing")
    }
}

final class OutputFileTests: XCTestCase {
    func testTheProblemIsNamedBeforeAnyWork() throws {
        XCTAssertThrowsError(try OutputFile("/no/such/dir/out.json").check()) {
            XCTAssertEqual("\($0)", "cannot write /no/such/dir/out.json: the folder /no/such/dir does not exist")
        }
        XCTAssertThrowsError(try OutputFile(NSTemporaryDirectory()).check()) { XCTAssertTrue("\($0)".hasSuffix(": it is a folder"), "\($0)") }
        XCTAssertEqual(OutputFile("bare.safetensors").folder, ".")
        XCTAssertNoThrow(try OutputFile("bare.safetensors").check())
    }

    func testAFailedWriteLeavesNeitherHalfAFileNorTheTemporary() throws {
        let path = NSTemporaryDirectory() + "cnn-runtime-output-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try OutputFile(path).write { try Data("old".utf8).write(to: URL(fileURLWithPath: $0)) }
        struct Interrupted: Error {}
        XCTAssertThrowsError(
            try OutputFile(path).write { temporary in
                try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
                throw Interrupted()
            }
        ) { XCTAssertTrue($0 is Interrupted, "the writer's own error, not a file-system one: \($0)") }
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data("old".utf8), "the old file stands")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
