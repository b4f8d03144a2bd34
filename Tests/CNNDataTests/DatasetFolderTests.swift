import Foundation
import XCTest

@testable import CNNData

final class DatasetFolderTests: XCTestCase {
    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "cnn-tui-dataset-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testTheBundledMNISTFolderIsATrainingSet() throws {
        let folder = try DatasetFolder.load(AssetTests.assets.appendingPathComponent("mnist").path)
        XCTAssertEqual(folder.format, .idx)
        XCTAssertEqual(folder.train.count, 4000)
        XCTAssertEqual(folder.test.count, 1000)
    }

    func testCIFAR10FolderWithPlainFiles() throws {
        let path = try temporaryFolder()
        func record(_ label: UInt8) -> [UInt8] { [label] + [UInt8](repeating: label, count: 3072) }
        try Data(record(3) + record(5)).write(to: URL(fileURLWithPath: path + "/data_batch_1.bin"))
        try Data(record(7)).write(to: URL(fileURLWithPath: path + "/data_batch_2.bin"))
        try Data(record(1)).write(to: URL(fileURLWithPath: path + "/test_batch.bin"))
        let folder = try DatasetFolder.load(path)
        XCTAssertEqual(folder.format, .cifar10)
        XCTAssertEqual(folder.train.map(\.label), [3, 5, 7])
        XCTAssertEqual(folder.test.map(\.label), [1])
    }

    func testIncompleteAndUnknownFoldersAreNamedErrors() throws {
        let path = try temporaryFolder()
        XCTAssertThrowsError(try DatasetFolder.load(path)) {
            XCTAssertTrue("\($0)".hasPrefix("\(path): no MNIST"), "\($0)")
        }
        try Data(IDXArray(dims: [1, 2, 2], bytes: [0, 1, 2, 3]).encoded()).write(to: URL(fileURLWithPath: path + "/train-images-idx3-ubyte"))
        XCTAssertThrowsError(try DatasetFolder.load(path)) {
            XCTAssertTrue("\($0)".contains("needs train-labels-idx1-ubyte"), "\($0)")
        }
        XCTAssertThrowsError(try DatasetFolder.load(path + "/missing")) { XCTAssertTrue("\($0)".hasSuffix("no such folder")) }
    }
}
